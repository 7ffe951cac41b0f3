"""The handler autocomplete (users in the area who may handle complaints) and the complaint
form's enterprise autocomplete, which still refuses an enterprise outside the user's area."""

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.roles import GRASSROOTS_OFFICER, TOWNSHIP_STAFF
from apps.accounts.services import user_create
from apps.complaints.models import Complaint
from tests.conftest import PASSWORD


def offered(client, q=""):
    response = client.post(reverse("complaints:handler_autocomplete"), {"q": q})
    assert response.status_code == 200
    return sorted(row["text"] for row in response.json()["results"])


@pytest.mark.django_db
def test_handlers_are_the_users_of_the_area_who_may_handle_complaints(
    client_for, county_user, chair_a, chair_b, county_tree
):
    user_create(
        user=None, username="officer", password=PASSWORD, org_unit=county_tree["union_a"], role=GRASSROOTS_OFFICER
    )
    gone = user_create(
        user=None,
        username="gone",
        password=PASSWORD,
        real_name="离职干部",
        org_unit=county_tree["a"],
        role=TOWNSHIP_STAFF,
    )
    gone.is_active = False
    gone.save()
    assert offered(client_for(chair_a)) == ["白塔埠镇工会主席"]  # not the officer (no permission), not the inactive
    assert offered(client_for(chair_b), "白塔") == []
    assert offered(client_for(county_user)) == sorted(["县总工会工作人员", "白塔埠镇工会主席", "平明镇工会主席"])
    assert offered(client_for(county_user), "chair_b") == ["平明镇工会主席"]  # by user name too


@pytest.mark.django_db
def test_the_officer_may_not_search_handlers(client_for, officer_a):
    assert client_for(officer_a).post(reverse("complaints:handler_autocomplete"), {"q": ""}).status_code == 403


@pytest.mark.django_db
def test_complaint_form_searches_enterprises_and_refuses_another_townships(client_for, chair_a, factories):
    client = client_for(chair_a)
    content = client.get(reverse("complaints:complaint_create")).content.decode()
    assert f'data-autocomplete-light-url="{reverse("branches:enterprise_autocomplete")}"' in content
    assert content.split('name="enterprise"')[1].split("</select>")[0].count("<option") == 1
    response = client.post(
        reverse("complaints:complaint_create"),
        {
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "channel": "hotline",
            "enterprise": factories["b"].pk,
            "category": "wages",
            "description": "加班费未发",
        },
    )
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    assert not Complaint.objects.exists()
    # The chosen enterprise is shown again, as the only option, when the form comes back with an error.
    response = client.post(
        reverse("complaints:complaint_create"),
        {"received_at": "", "channel": "hotline", "enterprise": factories["a"].pk, "category": "wages"},
    )
    select = response.content.decode().split('name="enterprise"')[1].split("</select>")[0]
    assert f'<option value="{factories["a"].pk}" selected>白塔化工建材厂</option>' in select
