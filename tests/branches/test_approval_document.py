"""A new union's registration and decision notify the other side; the approval (工会成立批复)
carries an opinion and a document number (批复文号) and prints on A4."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from apps.accounts.roles import COUNTY_STAFF
from apps.accounts.services import user_create
from apps.branches.models import OrgUnit
from apps.branches.services import union_approve, union_register, union_reject
from apps.core.models import Notification
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def _register(chair, township, name="白塔埠镇金鼎机械厂工会"):
    return union_register(
        user=chair,
        township=township,
        name=name,
        kind="enterprise",
        enterprises=[EnterpriseFactory(township=township)],
        formation_form="committee",
        declared_members=30,
        founded_on=timezone.localdate() - datetime.timedelta(days=20),
        term_years=5,
    )


def _year():
    return timezone.localdate().year


# --- notifications -----------------------------------------------------------------------------


def test_the_county_gets_exactly_one_notification_per_registration(county_user, chair_a, chair_b, county_tree):
    second = user_create(
        user=None, username="county2", password="x-2026-pass", org_unit=county_tree["county"], role=COUNTY_STAFF
    )
    union = _register(chair_a, county_tree["a"])
    for recipient in (county_user, second):
        notes = Notification.objects.filter(recipient=recipient)
        assert notes.count() == 1
        note = notes.get()
        assert union.name in note.title and "待审批" in note.title
        assert note.link == union.get_absolute_url()
    # Nobody at the townships is told of a registration: the registering chair, nor the other township.
    assert not Notification.objects.filter(recipient__in=[chair_a, chair_b]).exists()
    _register(chair_a, county_tree["a"], name="另一家工会")
    assert Notification.objects.filter(recipient=county_user).count() == 2


def test_the_townships_chair_gets_the_approval_with_opinion_and_number(county_user, chair_a, chair_b, county_tree):
    union = _register(chair_a, county_tree["a"])
    union = union_approve(user=county_user, union=union, opinion="同意成立，请于三十日内完善经审会。")
    assert union.approval_number.startswith("东总工批〔") and union.approval_number.endswith("号")
    note = Notification.objects.get(recipient=chair_a)
    assert union.approval_number in note.title and union.approval_number in note.body
    assert "同意成立，请于三十日内完善经审会。" in note.body
    assert note.link == reverse("branches:union_approval_print", kwargs={"pk": union.pk})
    # The other township hears nothing; the county only of the registration.
    assert not Notification.objects.filter(recipient=chair_b).exists()
    assert Notification.objects.filter(recipient=county_user).count() == 1


def test_a_refusal_tells_the_township_its_reason(county_user, chair_a, county_tree):
    union = union_reject(user=county_user, union=_register(chair_a, county_tree["a"]), reason="会员人数不实")
    note = Notification.objects.get(recipient=chair_a)
    assert "不予批准" in note.title and "会员人数不实" in note.body
    assert note.link == union.get_absolute_url()
    assert union.approval_number == ""


def test_the_decision_and_its_notification_are_one_transaction(county_user, chair_a, county_tree, monkeypatch):
    import apps.branches.services.unions as unions

    union = _register(chair_a, county_tree["a"])

    def broken(**kwargs):
        raise RuntimeError("mail system down")

    monkeypatch.setattr(unions, "notification_send", broken)
    with pytest.raises(RuntimeError):
        union_approve(user=county_user, union=union)
    union.refresh_from_db()
    assert union.status == "pending" and union.approval_number == "" and union.approved_at is None


# --- the document number ----------------------------------------------------------------------------


def test_numbers_run_on_within_the_year_and_a_typed_one_is_kept(county_user, chair_a, county_tree):
    first = union_approve(user=county_user, union=_register(chair_a, county_tree["a"], "一号工会"))
    typed = union_approve(
        user=county_user, union=_register(chair_a, county_tree["a"], "二号工会"), number=" 东总工批〔2026〕99号 "
    )
    third = union_approve(user=county_user, union=_register(chair_a, county_tree["a"], "三号工会"))
    assert typed.approval_number == "东总工批〔2026〕99号"
    serial = int(first.approval_number.split("〕")[1].rstrip("号"))
    assert third.approval_number == f"东总工批〔{_year()}〕{serial + 1}号"


@override_settings(UNION_APPROVAL_NUMBER_FORMAT="青总工复字〔{year}〕第{number}号")
def test_the_pattern_comes_from_settings(county_user, chair_a, county_tree):
    union = union_approve(user=county_user, union=_register(chair_a, county_tree["a"]))
    assert union.approval_number.startswith(f"青总工复字〔{_year()}〕第")


def test_a_serial_that_meets_a_typed_number_is_skipped(county_user, chair_a, county_tree):
    from apps.core.serials import serial_next

    upcoming = serial_next("branches_union_approval", year=_year()) + 1
    taken = f"东总工批〔{_year()}〕{upcoming}号"
    union_approve(user=county_user, union=_register(chair_a, county_tree["a"], "一号工会"), number=taken)
    drawn = union_approve(user=county_user, union=_register(chair_a, county_tree["a"], "二号工会"))
    assert drawn.approval_number not in ("", taken)


def test_a_number_in_use_is_refused_and_nothing_is_saved(county_user, chair_a, county_tree):
    union_approve(
        user=county_user, union=_register(chair_a, county_tree["a"], "一号工会"), number="东总工批〔2026〕5号"
    )
    second = _register(chair_a, county_tree["a"], "二号工会")
    before = Notification.objects.filter(recipient=chair_a).count()
    with pytest.raises(ValidationError) as caught:
        union_approve(user=county_user, union=second, number="东总工批〔2026〕5号")
    assert "已被其他批复使用" in caught.value.message_dict["approval_number"][0]
    second.refresh_from_db()
    assert second.status == "pending" and second.approval_number == ""
    assert Notification.objects.filter(recipient=chair_a).count() == before


def test_the_database_refuses_two_approvals_with_one_number(county_tree):
    from django.db import IntegrityError, transaction

    OrgUnit.objects.filter(pk=county_tree["union_a"].pk).update(approval_number="东总工批〔2026〕7号")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrgUnit.objects.filter(pk=county_tree["union_b"].pk).update(approval_number="东总工批〔2026〕7号")
    # Unions without an approval (blank) are not held to it.
    OrgUnit.objects.filter(pk=county_tree["a"].pk).update(approval_number="")
    OrgUnit.objects.filter(pk=county_tree["b"].pk).update(approval_number="")


# --- the decision form ---------------------------------------------------------------------------


def test_the_form_prefills_the_opinion_and_shows_the_pattern(client_for, county_user, chair_a, county_tree):
    union = _register(chair_a, county_tree["a"])
    page = client_for(county_user).get(reverse("branches:union_approve", kwargs={"pk": union.pk})).content.decode()
    assert f"经研究，同意成立{union.name}。" in page
    assert f"东总工批〔{_year()}〕N号" in page
    assert "---------" not in page


def test_the_form_approves_with_a_typed_number(client_for, county_user, chair_a, county_tree):
    union = _register(chair_a, county_tree["a"])
    response = client_for(county_user).post(
        reverse("branches:union_approve", kwargs={"pk": union.pk}),
        {"opinion": "同意。", "approval_number": "东总工批〔2026〕3号"},
    )
    assert response.status_code == 302
    union.refresh_from_db()
    assert (union.status, union.approval_number, union.approval_opinion) == (
        "approved",
        "东总工批〔2026〕3号",
        "同意。",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"opinion": "", "approval_number": ""}, "这个字段是必填项"),
        ({"opinion": "同意。", "approval_number": "号" * 51}, "最多 50 个字（现在是 51 个）。"),
        ({"opinion": "同" * 2001, "approval_number": ""}, "最多 2000 个字（现在是 2001 个）。"),
        ({"opinion": "同意。", "approval_number": "东总工批〔2026〕5号"}, "已被其他批复使用"),
    ],
)
def test_the_form_refuses_bad_input_in_chinese_and_saves_nothing(
    client_for, county_user, chair_a, county_tree, data, message
):
    union_approve(
        user=county_user, union=_register(chair_a, county_tree["a"], "一号工会"), number="东总工批〔2026〕5号"
    )
    union = _register(chair_a, county_tree["a"], "二号工会")
    response = client_for(county_user).post(reverse("branches:union_approve", kwargs={"pk": union.pk}), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    union.refresh_from_db()
    assert union.status == "pending" and union.approval_number == ""


def test_the_form_is_not_offered_once_decided(client_for, county_user, chair_a, county_tree):
    union = union_approve(user=county_user, union=_register(chair_a, county_tree["a"]))
    response = client_for(county_user).get(reverse("branches:union_approve", kwargs={"pk": union.pk}))
    assert response.status_code == 302 and response["Location"] == union.get_absolute_url()
    response = client_for(county_user).post(
        reverse("branches:union_approve", kwargs={"pk": union.pk}), {"opinion": "再批一次。", "approval_number": ""}
    )
    assert response.status_code == 200 and "该工会不在待审批状态" in response.content.decode()
    union.refresh_from_db()
    assert union.approval_opinion != "再批一次。"


def test_a_township_chair_cannot_approve(client_for, chair_a, county_tree):
    union = _register(chair_a, county_tree["a"])
    response = client_for(chair_a).post(
        reverse("branches:union_approve", kwargs={"pk": union.pk}), {"opinion": "同意。", "approval_number": ""}
    )
    assert response.status_code == 403
    union.refresh_from_db()
    assert union.status == "pending"


# --- the printable approval ------------------------------------------------------------------------


def test_the_print_page_shows_the_approval(client_for, county_user, chair_a, county_tree):
    union = union_approve(user=county_user, union=_register(chair_a, county_tree["a"]), opinion="同意成立该工会。")
    url = reverse("branches:union_approval_print", kwargs={"pk": union.pk})
    page = client_for(chair_a).get(url).content.decode()
    assert f"关于同意成立{union.name}的批复" in page
    assert union.approval_number in page and "同意成立该工会。" in page
    assert "白塔埠镇总工会：" in page  # addressed to the township
    assert "东海县总工会" in page  # signed by the approving level
    assert "css/print.css" in page
    # Reachable from the union's page.
    assert url in client_for(chair_a).get(union.get_absolute_url()).content.decode()


def test_the_print_page_names_both_parties_for_a_grassroots_reader_and_a_unitless_approver(
    client_for, admin_user, county_tree
):
    """The union's own officer cannot see the township, and a superuser approver has no unit: the
    addressee and the signer come from the union's place in the tree, not from either user."""
    from apps.accounts.roles import GRASSROOTS_OFFICER

    assert admin_user.org_unit_id is None
    union = union_approve(user=admin_user, union=_register(None, county_tree["a"]), opinion="同意。")
    officer = user_create(
        user=None, username="officer_new", password="x-2026-pass", org_unit=union, role=GRASSROOTS_OFFICER
    )
    response = client_for(officer).get(reverse("branches:union_approval_print", kwargs={"pk": union.pk}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<p>白塔埠镇总工会：</p>" in page
    assert "东海县总工会" in page


def test_the_print_page_is_404_out_of_scope(client_for, county_user, chair_a, chair_b, county_tree):
    union = union_approve(user=county_user, union=_register(chair_a, county_tree["a"]))
    url = reverse("branches:union_approval_print", kwargs={"pk": union.pk})
    assert client_for(chair_b).get(url).status_code == 404


def test_there_is_no_approval_to_print_before_the_decision_or_after_a_refusal(
    client_for, county_user, chair_a, county_tree
):
    pending = _register(chair_a, county_tree["a"], "一号工会")
    refused = union_reject(user=county_user, union=_register(chair_a, county_tree["a"], "二号工会"), reason="不实")
    client = client_for(county_user)
    for union in (pending, refused, county_tree["a"]):
        assert client.get(reverse("branches:union_approval_print", kwargs={"pk": union.pk})).status_code == 404
    assert "branches:union_approval_print" not in client.get(pending.get_absolute_url()).content.decode()


def test_the_pending_union_is_still_the_countys_todo_until_decided(county_user, chair_a, county_tree):
    from apps.branches.todos import unions_awaiting_approval

    union = _register(chair_a, county_tree["a"])
    assert list(unions_awaiting_approval(county_user).queryset) == [union]
    union_approve(user=county_user, union=union, opinion="同意。")
    assert not unions_awaiting_approval(county_user).queryset.exists()
