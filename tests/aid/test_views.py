"""The aid pages: masking of what a file says (PIPL art. 28) for a viewer without
`aid.view_hardship_details`, the member page's panel (one query; the page held at 12), the
campaign's totals per township, bad input refused in Chinese with nothing saved, and the lists'
query counts."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.aid.models import AidRecord, HardshipFile
from tests.factories import UserFactory

from .conftest import give, make_campaign, open_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(aid_world):
    """A user of township A who may list files and aid but not see what a file says."""
    user = UserFactory(username="viewer_a", org_unit=aid_world.tree["a"])
    for codename in ("view_hardshipfile", "view_aidrecord"):
        user.user_permissions.add(Permission.objects.get(content_type__app_label="aid", codename=codename))
    return user


def _sheet(response):
    assert response.status_code == 200
    return [
        list(row) for row in load_workbook(BytesIO(response.content), read_only=True).active.iter_rows(values_only=True)
    ]


def test_without_the_details_permission_lists_pages_and_exports_are_masked(aid_world, viewer, client_for):
    member = aid_world.members_a[0]
    file = open_file(member, income="432.10", household=4)
    give(member)
    client = client_for(viewer)
    page = client.get(reverse("aid:file_list")).content.decode()
    assert member.real_name in page and "432.10" not in page and "***" in page
    detail = client.get(file.get_absolute_url()).content.decode()
    assert "432.10" not in detail and "因病" not in detail and "无权查看" in detail
    records = client.get(reverse("aid:record_list")).content.decode()
    assert "因病" not in records and "***" in records
    rows = _sheet(client.get(reverse("aid:file_export")))
    assert rows[1][2:5] == ["***", "***", "***"]
    # The reason is no filter for them either (a filter would tell it).
    assert client.get(reverse("aid:file_list"), {"reason": "illness"}).status_code == 200
    assert 'name="reason"' not in client.get(reverse("aid:file_list")).content.decode()
    # The chair, who may, sees it all.
    chair = client_for(aid_world.chair)
    assert "432.10" in chair.get(reverse("aid:file_list")).content.decode()
    assert _sheet(chair.get(reverse("aid:file_export")))[1][2:5] == ["因病", 4, 432.1]


def test_the_member_panel_shows_the_aid_and_offers_a_file_only_without_one(aid_world, client_for):
    member = aid_world.members_a[0]
    client = client_for(aid_world.chair)
    page = client.get(reverse("members:member_detail", args=[member.pk])).content.decode()
    assert 'data-testid="open-hardship-file"' in page and "暂无帮扶记录" in page
    open_file(member)
    give(member, amount="888.00")
    page = client.get(reverse("members:member_detail", args=[member.pk])).content.decode()
    assert 'data-testid="open-hardship-file"' not in page and "888.00" in page
    assert f"{reverse('aid:file_list')}?member={member.pk}" in page
    # The grassroots officer sees no aid panel at all.
    officer = client_for(aid_world.users["officer"])
    assert (
        'data-testid="aid-panel"'
        not in officer.get(reverse("members:member_detail", args=[member.pk])).content.decode()
    )


def test_the_member_page_stays_within_12_queries_for_county_staff(aid_world, client_for, django_assert_max_num_queries):
    member = aid_world.members_a[0]
    open_file(member)
    for amount in ("100.00", "200.00", "300.00"):
        give(member, amount=amount, campaign=make_campaign(aid_world, name=f"活动{amount}"))
    client = client_for(aid_world.county_user)
    client.get(reverse("overview:home"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("members:member_detail", args=[member.pk])).status_code == 200


def test_the_file_list_filtered_on_a_member_shows_their_files(aid_world, client_for):
    member, other = aid_world.members_a[:2]
    open_file(member)
    open_file(other)
    page = client_for(aid_world.chair).get(reverse("aid:file_list"), {"member": member.pk}).content.decode()
    assert member.real_name in page and other.real_name not in page


def test_the_campaign_shows_its_totals_per_township_net_of_reversals(aid_world, client_for):
    campaign = make_campaign(aid_world, budget="5000.00")
    a1, a2 = aid_world.members_a[:2]
    b1 = aid_world.members_b[0]
    give(a1, amount="500.00", campaign=campaign)
    give(a1, amount="0.50", campaign=campaign)
    wrong = give(a2, amount="800.00", campaign=campaign)
    from apps.aid.services import aid_reverse

    aid_reverse(user=None, record=wrong, reason="重复")
    give(b1, amount="1000.00", campaign=campaign)
    page = client_for(aid_world.county_user).get(campaign.get_absolute_url()).content.decode()
    a, b = aid_world.tree["a"].pk, aid_world.tree["b"].pk
    assert f'data-testid="spent-{a}">500.50<' in page
    assert f'data-testid="persons-{a}">1<' in page
    assert f'data-testid="spent-{b}">1000.00<' in page
    assert 'data-testid="spent-total">1500.50<' in page
    chair = client_for(aid_world.chair).get(campaign.get_absolute_url()).content.decode()
    assert f"spent-{b}" not in chair  # township B's row is not the chair's


@pytest.mark.parametrize(
    "data, field_error",
    [
        ({"household_size": "0"}, "household_size"),
        ({"income_per_head": "-1"}, "income_per_head"),
        ({"income_per_head": "1.234"}, "income_per_head"),
        ({"reason": "<script>"}, "reason"),
        ({"opened_on": "2026-13-40"}, "opened_on"),
    ],
)
def test_bad_input_on_the_open_form_is_refused_in_chinese(aid_world, client_for, data, field_error):
    member = aid_world.members_a[0]
    body = {
        "reason": "illness",
        "household_size": "3",
        "income_per_head": "300",
        "opened_on": timezone.localdate().isoformat(),
    }
    response = client_for(aid_world.chair).post(reverse("aid:file_open", args=[member.pk]), {**body, **data})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field_error in errors and all("\u4e00" <= ch <= "\u9fff" for ch in errors[field_error][0][:1])
    assert not HardshipFile.objects.exists()


@pytest.mark.parametrize(
    "data, field_error",
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "12.345"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"kind": "goods", "goods": ""}, "goods"),
        ({"approved_by": ""}, "approved_by"),
        ({"fund": "bank"}, "fund"),
        ({"given_on": "2099-01-01"}, "given_on"),
    ],
)
def test_bad_input_on_the_aid_form_is_refused_in_chinese(aid_world, client_for, data, field_error):
    member = aid_world.members_a[0]
    body = {
        "kind": "medical",
        "amount": "800.00",
        "given_on": timezone.localdate().isoformat(),
        "fund": "county",
        "approved_by": "王主席",
    }
    response = client_for(aid_world.chair).post(reverse("aid:record_create", args=[member.pk]), {**body, **data})
    assert response.status_code == 200
    assert field_error in response.context["form"].errors
    assert not AidRecord.objects.exists()


def test_a_reversal_needs_a_reason_and_happens_once(aid_world, client_for):
    record = give(aid_world.members_a[0])
    client = client_for(aid_world.chair)
    url = reverse("aid:record_reverse", args=[record.pk])
    assert "reason" in client.post(url, {"reason": ""}).context["form"].errors
    assert client.post(url, {"reason": "重复登记"}).status_code == 302
    again = client.post(url, {"reason": "再次"})
    assert again.status_code == 200 and "已冲销" in again.content.decode()
    assert AidRecord.objects.filter(reverses=record).get().amount == Decimal("-500.00")


def test_the_review_form_asks_for_the_closing_reason(aid_world, client_for):
    file = open_file(aid_world.members_a[0])
    response = client_for(aid_world.chair).post(
        reverse("aid:file_review", args=[file.pk]),
        {"reviewed_on": timezone.localdate().isoformat(), "outcome": "closed"},
    )
    assert response.status_code == 200 and "close_reason" in response.context["form"].errors
    file.refresh_from_db()
    assert file.is_open and not file.reviews.exists()


@pytest.mark.parametrize("count", [2, 30])
def test_the_lists_cost_the_same_at_any_size(aid_world, client_for, django_assert_max_num_queries, count):
    from tests.factories import MemberFactory

    campaign = make_campaign(aid_world)
    for _ in range(count):
        member = MemberFactory(union=aid_world.tree["union_a"])
        open_file(member)
        give(member, campaign=campaign)
    client = client_for(aid_world.county_user)
    client.get(reverse("overview:home"))
    for name in ("aid:file_list", "aid:record_list", "aid:campaign_list", "aid:report"):
        with django_assert_max_num_queries(12):
            assert client.get(reverse(name)).status_code == 200, name
    with django_assert_max_num_queries(12):
        assert client.get(campaign.get_absolute_url()).status_code == 200
