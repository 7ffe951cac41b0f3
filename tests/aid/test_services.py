"""The aid services: the hardship flag follows the file, one open file per member, reviews move
the due date, amounts are cent-exact and a reversal nets to zero, bad input says why in Chinese
and writes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from apps.aid.choices import AidKind, ClosingReason, ReviewOutcome
from apps.aid.models import AidRecord, HardshipFile, HardshipReview, next_review
from apps.aid.selectors import campaign_list
from apps.aid.services import (
    aid_record,
    aid_reverse,
    campaign_update,
    file_close,
    file_open,
    file_review,
    threshold_set,
)
from apps.core.errors import ApplicationError
from apps.members.services import member_update

from .conftest import give, make_campaign, open_file

pytestmark = pytest.mark.django_db


def _flag(member):
    member.refresh_from_db()
    return member.hardship


def test_the_hardship_flag_follows_the_open_file(aid_world):
    member = aid_world.members_a[0]
    assert _flag(member) is False
    file = open_file(member, user=aid_world.chair)
    assert _flag(member) is True
    assert (file.township, file.review_due_on) == (aid_world.tree["a"], next_review(file.opened_on))
    file_close(user=aid_world.chair, file=file, closed_on=timezone.localdate(), close_reason=ClosingReason.EMPLOYMENT)
    assert _flag(member) is False
    file.refresh_from_db()
    assert (file.is_open, file.close_reason) == (False, "employment")
    # A new file may be opened once the first is closed; the flag follows again.
    open_file(member, user=aid_world.chair)
    assert _flag(member) is True


def test_a_review_closing_the_file_clears_the_flag_and_a_continued_one_moves_the_due_date(aid_world):
    today = timezone.localdate()
    member, other = aid_world.members_a[:2]
    file = open_file(member, opened_on=today - datetime.timedelta(days=400))
    due = file.review_due_on
    review = file_review(
        user=aid_world.chair, file=file, reviewed_on=today, outcome=ReviewOutcome.CONTINUED, note="仍困难"
    )
    file.refresh_from_db()
    assert (review.due_on, review.on_time) == (due, False)  # reviewed 35 days late
    assert file.review_due_on == next_review(today) and _flag(member) is True
    second = open_file(other)
    file_review(
        user=aid_world.chair,
        file=second,
        reviewed_on=today,
        outcome=ReviewOutcome.CLOSED,
        close_reason=ClosingReason.INCOME,
        income_per_head=Decimal("2100.00"),
    )
    second.refresh_from_db()
    assert (second.closed_on, second.close_reason, second.income_per_head) == (today, "income", Decimal("2100.00"))
    assert _flag(other) is False


def test_one_open_file_per_member_in_chinese_and_by_the_database(aid_world):
    member = aid_world.members_a[0]
    open_file(member)
    with pytest.raises(ApplicationError, match="已有一份在档的困难职工档案"):
        open_file(member)
    first = HardshipFile.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        HardshipFile.objects.create(
            member=member,
            township=first.township,
            reason="illness",
            household_size=2,
            income_per_head=Decimal("1"),
            opened_on=first.opened_on,
            review_due_on=first.review_due_on,
        )
    assert HardshipFile.objects.count() == 1


def test_the_database_holds_the_closing_rules(aid_world):
    file = open_file(aid_world.members_a[0])
    for changes in (
        {"closed_on": file.opened_on},  # a day without a reason
        {"close_reason": "employment"},  # a reason without a day
        {"closed_on": file.opened_on - datetime.timedelta(days=1), "close_reason": "employment"},
        {"household_size": 0},
        {"income_per_head": Decimal("-0.01")},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            HardshipFile.objects.filter(pk=file.pk).update(**changes)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"household_size": 0}, "household_size"),
        ({"income_per_head": Decimal("-5")}, "income_per_head"),
        ({"reason": "lazy"}, "reason"),
        ({"opened_on": datetime.date(1990, 1, 1)}, "opened_on"),
    ],
)
def test_a_bad_file_says_why_and_saves_nothing(aid_world, changes, field):
    member = aid_world.members_a[0]
    data = {
        "reason": "illness",
        "household_size": 3,
        "income_per_head": Decimal("300"),
        "opened_on": timezone.localdate(),
    }
    with pytest.raises(ValidationError) as caught:
        file_open(user=aid_world.chair, member=member, **{**data, **changes})
    assert field in caught.value.message_dict
    assert not HardshipFile.objects.exists() and _flag(member) is False


def test_a_chair_cannot_open_or_close_another_townships_file(aid_world):
    with pytest.raises(ApplicationError, match="不在您的管理范围内"):
        open_file(aid_world.members_b[0], user=aid_world.chair)
    file = open_file(aid_world.members_b[0], user=aid_world.chair_b)
    with pytest.raises(ApplicationError, match="不在您的管理范围内"):
        file_close(user=aid_world.chair, file=file, closed_on=timezone.localdate(), close_reason="recovered")
    assert _flag(aid_world.members_b[0]) is True


def test_a_closed_file_is_not_reviewed_again(aid_world):
    file = open_file(aid_world.members_a[0])
    file_close(user=None, file=file, closed_on=timezone.localdate(), close_reason="moved_away")
    with pytest.raises(ApplicationError, match="已脱困销档"):
        file_review(user=None, file=file, reviewed_on=timezone.localdate(), outcome=ReviewOutcome.CONTINUED)
    assert not HardshipReview.objects.exists()


def test_the_member_form_service_no_longer_sets_the_flag(aid_world):
    with pytest.raises(ApplicationError):
        member_update(user=aid_world.chair, member=aid_world.members_a[0], hardship=True)
    assert _flag(aid_world.members_a[0]) is False


# --- aid records ----------------------------------------------------------------------------------


def test_amounts_are_cent_exact_and_a_reversal_nets_to_zero(aid_world):
    member = aid_world.members_a[0]
    file = open_file(member)
    campaign = make_campaign(aid_world)
    records = [give(member, amount=a, campaign=campaign) for a in ("0.10", "0.20", "333.33")]
    assert records[0].file == file and records[0].township == aid_world.tree["a"]
    total = AidRecord.objects.aggregate(s=Sum("amount"))["s"]
    assert total == Decimal("333.63")  # 0.1 + 0.2 is 0.3 exactly
    reversal = aid_reverse(user=aid_world.chair, record=records[2], reason="重复登记")
    assert (reversal.amount, reversal.reverses, reversal.given_on) == (
        Decimal("-333.33"),
        records[2],
        records[2].given_on,
    )
    row = campaign_list(user=aid_world.county_user).get(pk=campaign.pk)
    assert (row.spent, row.persons) == (Decimal("0.30"), 1)


def test_a_record_is_reversed_once_and_a_reversal_never(aid_world):
    record = give(aid_world.members_a[0])
    reversal = aid_reverse(user=None, record=record, reason="金额有误")
    with pytest.raises(ApplicationError, match="已冲销"):
        aid_reverse(user=None, record=record, reason="再次")
    with pytest.raises(ApplicationError, match="冲销记录"):
        aid_reverse(user=None, record=reversal, reason="冲销的冲销")
    with pytest.raises(ValidationError, match="冲销原因"):
        aid_reverse(user=None, record=give(aid_world.members_a[1]), reason="  ")
    assert AidRecord.objects.filter(reverses__isnull=False).count() == 1


def test_the_database_refuses_a_second_reversal_and_a_negative_original(aid_world):
    record = give(aid_world.members_a[0])
    aid_reverse(user=None, record=record, reason="错")
    fields = {
        "member": record.member,
        "township": record.township,
        "kind": record.kind,
        "given_on": record.given_on,
        "fund": record.fund,
        "approved_by": "甲",
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        AidRecord.objects.create(amount=Decimal("-500.00"), reverses=record, note="又一次", **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        AidRecord.objects.create(amount=Decimal("-1.00"), **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        AidRecord.objects.create(amount=Decimal("0"), **fields)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"amount": Decimal("0")}, "amount"),
        ({"amount": Decimal("-3")}, "amount"),
        ({"amount": Decimal("1.005")}, "amount"),
        ({"kind": AidKind.GOODS}, "goods"),
        ({"approved_by": " "}, "approved_by"),
        ({"fund": "bank"}, "fund"),
        ({"given_on": datetime.date(2099, 1, 1)}, "given_on"),
    ],
)
def test_bad_aid_says_why_and_saves_nothing(aid_world, changes, field):
    data = {
        "kind": AidKind.MEDICAL,
        "amount": Decimal("800.00"),
        "given_on": timezone.localdate(),
        "fund": "county",
        "approved_by": "王主席",
    }
    with pytest.raises(ValidationError) as caught:
        aid_record(user=aid_world.chair, member=aid_world.members_a[0], **{**data, **changes})
    assert field in caught.value.message_dict
    assert not AidRecord.objects.exists()


def test_aid_in_a_campaign_lies_in_its_period_and_area(aid_world):
    campaign_b = make_campaign(aid_world, "b", name="乙镇送温暖")
    with pytest.raises(ValidationError, match="不覆盖"):
        give(aid_world.members_a[0], campaign=campaign_b)
    county = make_campaign(aid_world, starts_on=datetime.date(2025, 12, 1), ends_on=datetime.date(2026, 1, 31))
    with pytest.raises(ValidationError, match="时间为"):
        give(aid_world.members_a[0], campaign=county, given_on=datetime.date(2026, 2, 1))
    assert not AidRecord.objects.exists()


def test_goods_are_recorded_with_their_value(aid_world):
    record = give(aid_world.members_a[0], kind=AidKind.GOODS, amount="260.00", goods="米、油各一份")
    assert (record.goods, record.amount) == ("米、油各一份", Decimal("260.00"))


def test_a_campaign_name_is_unique_per_year_and_its_period_keeps_its_records(aid_world):
    campaign = make_campaign(aid_world, name="送温暖")
    with pytest.raises(ValidationError, match="已有名为"):
        make_campaign(aid_world, name="送温暖")
    give(aid_world.members_a[0], campaign=campaign)
    with pytest.raises(ValidationError, match="时间范围之外"):
        campaign_update(user=None, campaign=campaign, starts_on=timezone.localdate() + datetime.timedelta(days=1))
    campaign_update(user=None, campaign=campaign, budget=Decimal("200000.00"))
    campaign.refresh_from_db()
    assert campaign.budget == Decimal("200000.00")


def test_a_chair_does_not_run_the_countys_campaign(aid_world):
    with pytest.raises(ApplicationError):
        make_campaign(aid_world, "county", user=aid_world.chair)
    assert make_campaign(aid_world, "a", user=aid_world.chair).unit == aid_world.tree["a"]


def test_thresholds_are_per_county_and_year(aid_world):
    row = threshold_set(user=None, unit=aid_world.tree["county"], year=2026, amount=Decimal("780.00"))
    again = threshold_set(user=None, unit=aid_world.tree["county"], year=2026, amount=Decimal("800.00"))
    assert row.pk == again.pk and again.amount == Decimal("800.00")
    with pytest.raises(ApplicationError):
        threshold_set(user=None, unit=aid_world.tree["a"], year=2026, amount=Decimal("1"))
    with pytest.raises(ValidationError):
        threshold_set(user=None, unit=aid_world.tree["county"], year=2027, amount=Decimal("0"))
