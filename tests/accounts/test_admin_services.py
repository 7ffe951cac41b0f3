"""Users added and changed in Django admin go through the accounts services, as the admin user."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from apps.accounts.models import User
from apps.accounts.roles import ROLE_NAMES, TOWNSHIP_STAFF
from apps.core.history import object_history


@pytest.mark.django_db
def test_an_admin_add_goes_through_user_create(admin_client, admin_user, roles, county_tree):
    group = Group.objects.get(name=ROLE_NAMES[TOWNSHIP_STAFF])
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "new_chair",
            "usable_password": "true",
            "password1": "Tq9-portal-2026",
            "password2": "Tq9-portal-2026",
            "real_name": "新主席",
            "phone": "",
            "org_unit": county_tree["a"].pk,
            "groups": [group.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="new_chair")
    assert user.check_password("Tq9-portal-2026") and user.real_name == "新主席"
    assert list(user.groups.all()) == [group]
    assert object_history(user)[-1].who == admin_user.username


@pytest.mark.django_db
def test_a_user_without_a_usable_password(admin_client, roles, county_tree):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {"username": "no_password", "usable_password": "false", "password1": "", "password2": "", "real_name": ""},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not User.objects.get(username="no_password").has_usable_password()


@pytest.mark.django_db
def test_an_admin_change_is_recorded_as_the_admin_user(admin_client, admin_user, chair_a):
    page = admin_client.get(reverse("admin:accounts_user_change", args=[chair_a.pk]))
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(real_name="白塔埠镇工会主席（新）", is_active="on")
    data["groups"] = [g.pk for g in chair_a.groups.all()]
    data.pop("user_permissions", None)
    data.pop("password", None)
    data["last_login_0"] = data["last_login_1"] = ""
    joined = chair_a.date_joined.astimezone()
    data.pop("date_joined", None)
    data["date_joined_0"], data["date_joined_1"] = joined.strftime("%Y-%m-%d"), joined.strftime("%H:%M:%S")
    data.pop("last_login", None)
    response = admin_client.post(reverse("admin:accounts_user_change", args=[chair_a.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    chair_a.refresh_from_db()
    assert chair_a.real_name == "白塔埠镇工会主席（新）"
    assert object_history(chair_a)[0].who == admin_user.username
