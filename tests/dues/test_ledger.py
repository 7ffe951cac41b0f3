"""The fund ledger's arithmetic and rules: cents, sums from the database, statuses, refunds,
reversals, deferrals and write-offs, and the constraints that hold whatever writes the rows."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.branches.choices import Ownership
from apps.dues.channels import channel_expression, channel_of, default_channel, fund_kind_of
from apps.dues.choices import Channel, EntryStatus, FundKind, PaymentSource, PeriodKind, ShareFlow
from apps.dues.models import ChannelOverride, LedgerEntry, Payment, ShareRate
from apps.dues.money import percent_of, to_cents
from apps.dues.services import ledger
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

JULY = datetime.date(2026, 7, 1)


@pytest.fixture
def private_ent(county_tree):
    return EnterpriseFactory(township=county_tree["a"], union=county_tree["union_a"], ownership=Ownership.PRIVATE)


def test_cents_round_half_up_never_float():
    assert to_cents("0.005") == Decimal("0.01")
    assert to_cents("0.004999") == Decimal("0.00")
    assert to_cents(1862.79) == Decimal("1862.79")  # a spreadsheet's float, through its repr
    assert percent_of(Decimal("74511.39"), Decimal("0.02")) == Decimal("1490.23")  # 1490.2278
    assert percent_of(Decimal("100.25"), Decimal("0.02")) == Decimal("2.01")  # 2.005 half up
    assert percent_of(Decimal("-100.25"), Decimal("0.02")) == Decimal("-2.01")  # away from zero


def test_periods_month_and_quarter():
    assert ledger.period_bounds(datetime.date(2026, 8, 17), PeriodKind.MONTH) == (
        datetime.date(2026, 8, 1),
        datetime.date(2026, 8, 31),
    )
    assert ledger.period_bounds(datetime.date(2026, 8, 17), PeriodKind.QUARTER) == (
        datetime.date(2026, 7, 1),
        datetime.date(2026, 9, 30),
    )
    assert ledger.period_kind_of(datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)) == PeriodKind.QUARTER
    assert ledger.period_kind_of(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)) == PeriodKind.MONTH
    assert ledger.period_kind_of(datetime.date(2026, 7, 1), datetime.date(2026, 8, 31)) is None


def test_channel_by_kind_and_override(county_tree, county_user):
    township = county_tree["a"]
    direct = EnterpriseFactory(township=township, ownership=Ownership.STATE)
    county_direct = EnterpriseFactory(township=township, ownership=Ownership.PUBLIC_INSTITUTION, is_county_direct=True)
    assert [default_channel(e) for e in (direct, county_direct)] == [Channel.DIRECT, Channel.FINANCE]
    for ownership in (Ownership.PRIVATE, Ownership.FOREIGN, Ownership.HMT, Ownership.INDIVIDUAL):
        assert default_channel(EnterpriseFactory(township=township, ownership=ownership)) == Channel.TAX
    ChannelOverride.objects.create(enterprise=direct, channel=Channel.TAX, reason="由税务代征", set_by=county_user)
    direct.refresh_from_db()
    assert channel_of(direct) == Channel.TAX
    # The queryset form of the rule agrees with the Python one, row by row.
    from apps.branches.models import Enterprise

    by_query = dict(Enterprise.objects.annotate(channel=channel_expression()).values_list("pk", "channel"))
    for enterprise in Enterprise.objects.select_related("fund_channel"):
        assert by_query[enterprise.pk] == channel_of(enterprise)


def test_fund_kind_preparatory_without_an_approved_union(county_tree):
    with_union = EnterpriseFactory(township=county_tree["a"], union=county_tree["union_a"])
    without = EnterpriseFactory(township=county_tree["a"], union=None)
    assert fund_kind_of(with_union) == FundKind.FUND
    assert fund_kind_of(without) == FundKind.PREPARATORY
    entry = ledger.ledger_entry_ensure(without, JULY, payroll=Decimal("1000"))
    assert entry.fund_kind == FundKind.PREPARATORY


def test_entry_due_and_statuses_follow_the_payments(private_ent, county_user):
    entry = ledger.ledger_entry_ensure(private_ent, JULY, payroll=Decimal("100000.25"))
    assert (entry.channel, entry.due, entry.received, entry.status) == (
        Channel.TAX,
        Decimal("2000.01"),  # 2000.005 half up
        Decimal("0.00"),
        EntryStatus.UNPAID,
    )
    steps = [
        (Decimal("1000.00"), {}, EntryStatus.PARTIAL, Decimal("1000.01")),
        (Decimal("1000.01"), {}, EntryStatus.PAID, Decimal("0.00")),
        (Decimal("50.00"), {}, EntryStatus.OVERPAID, Decimal("0.00")),
        (Decimal("-50.00"), {"is_refund": True, "reference": "退库-001"}, EntryStatus.PAID, Decimal("0.00")),
    ]
    for amount, extra, status, arrears in steps:
        ledger.payment_add(entry, amount=amount, paid_on=datetime.date(2026, 8, 10), user=county_user, **extra)
        entry.refresh_from_db()
        assert (entry.status, entry.arrears) == (status, arrears)
    assert entry.received == Decimal("2000.01")


def test_reversal_undoes_a_payment_once_and_keeps_it(private_ent, county_user):
    entry = ledger.ledger_entry_ensure(private_ent, JULY, payroll=Decimal("50000"))
    wrong = ledger.payment_add(entry, amount="1000", paid_on=datetime.date(2026, 8, 1), user=county_user)
    with pytest.raises(ValidationError):
        ledger.payment_reverse(wrong, user=county_user, reason="  ", on=datetime.date(2026, 8, 2))
    reversal = ledger.payment_reverse(wrong, user=county_user, reason="重复录入", on=datetime.date(2026, 8, 2))
    entry.refresh_from_db()
    assert (reversal.amount, reversal.reverses, entry.received, entry.status) == (
        Decimal("-1000.00"),
        wrong,
        Decimal("0.00"),
        EntryStatus.UNPAID,
    )
    assert Payment.objects.filter(entry=entry).count() == 2
    with pytest.raises(ValidationError, match="已经冲销"):
        ledger.payment_reverse(wrong, user=county_user, reason="再来一次", on=datetime.date(2026, 8, 3))
    with pytest.raises(ValidationError, match="不能再冲销"):
        ledger.payment_reverse(reversal, user=county_user, reason="x", on=datetime.date(2026, 8, 3))


def test_deferral_and_write_off_need_an_approval(private_ent, county_user):
    entry = ledger.ledger_entry_ensure(private_ent, JULY, payroll=Decimal("50000"))
    with pytest.raises(ValidationError):
        ledger.entry_defer(entry, until=datetime.date(2026, 12, 31), reason="", user=county_user, on=JULY)
    entry = ledger.entry_defer(
        entry, until=datetime.date(2026, 12, 31), reason="受灾停产", user=county_user, on=datetime.date(2026, 8, 1)
    )
    assert entry.status == EntryStatus.DEFERRED
    # A partial payment keeps the deferral; paying in full ends it.
    ledger.payment_add(entry, amount="400", paid_on=datetime.date(2026, 9, 1), user=county_user)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DEFERRED
    ledger.payment_add(entry, amount="600", paid_on=datetime.date(2026, 9, 2), user=county_user)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PAID
    with pytest.raises(ValidationError):
        ledger.entry_write_off(entry, reason="注销", user=county_user, on=datetime.date(2026, 9, 3))

    other = ledger.ledger_entry_ensure(private_ent, datetime.date(2026, 8, 1), payroll=Decimal("100"))
    other = ledger.entry_write_off(other, reason="企业已注销", user=county_user, on=datetime.date(2026, 9, 3))
    assert (other.status, other.arrears) == (EntryStatus.WRITTEN_OFF, Decimal("0.00"))
    ledger.payment_add(other, amount="1", paid_on=datetime.date(2026, 9, 4), user=county_user)
    other.refresh_from_db()
    assert other.status == EntryStatus.WRITTEN_OFF


def test_overlapping_periods_are_refused(private_ent):
    ledger.ledger_entry_ensure(private_ent, JULY, PeriodKind.QUARTER, payroll=Decimal("300000"))
    problem = ledger.ledger_entry_problem(private_ent, datetime.date(2026, 8, 1), PeriodKind.MONTH)
    assert "2026年第3季度" in problem and "重叠" in problem
    with pytest.raises(ValidationError):
        ledger.ledger_entry_ensure(private_ent, datetime.date(2026, 8, 1), PeriodKind.MONTH)
    # The same quarter again is the same entry, not a new one.
    again = ledger.ledger_entry_ensure(private_ent, datetime.date(2026, 9, 30), PeriodKind.QUARTER)
    assert LedgerEntry.objects.filter(enterprise=private_ent).count() == 1
    assert again.due == Decimal("6000.00")


@pytest.mark.parametrize(
    "changes",
    [
        {"payroll": Decimal("-1")},
        {"due": Decimal("-0.01")},
        {"rate": Decimal("-0.01")},
        {"rate": Decimal("1.5")},
        {"period_start": datetime.date(2026, 7, 2)},
        {"period_kind": PeriodKind.QUARTER, "period_start": datetime.date(2026, 8, 1)},
        {"period_end": datetime.date(2026, 6, 30)},
        {"status": EntryStatus.DEFERRED},
        {"status": EntryStatus.WRITTEN_OFF},
        {"channel": "cash"},
    ],
    ids=lambda c: ",".join(c),
)
def test_database_refuses_impossible_entries(private_ent, changes):
    entry = ledger.ledger_entry_ensure(private_ent, JULY, payroll=Decimal("1000"))
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(**changes)


@pytest.mark.parametrize(
    "fields",
    [
        {"amount": Decimal("0")},
        {"amount": Decimal("-5")},  # negative without being a refund or a reversal
        {"amount": Decimal("-5"), "is_refund": True},  # a refund without its reference
        {"amount": Decimal("5"), "is_refund": True, "reference": "x"},  # a refund is negative
        {"amount": Decimal("5"), "source": "cash"},
    ],
    ids=lambda f: ",".join(f"{k}={v}" for k, v in f.items()),
)
def test_database_refuses_impossible_payments(private_ent, county_user, fields):
    entry = ledger.ledger_entry_ensure(private_ent, JULY, payroll=Decimal("1000"))
    values = {
        "entry": entry,
        "paid_on": datetime.date(2026, 8, 1),
        "channel": Channel.TAX,
        "source": PaymentSource.HAND_ENTRY,
        "recorded_by": county_user,
    } | fields
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(**values)


def test_recompute_is_one_statement_for_many_entries(county_tree, county_user, django_assert_num_queries):
    entries = []
    for _ in range(5):
        enterprise = EnterpriseFactory(township=county_tree["a"], ownership=Ownership.PRIVATE)
        entries.append(ledger.ledger_entry_ensure(enterprise, JULY, payroll=Decimal("1000")))
        Payment.objects.create(
            entry=entries[-1],
            amount=Decimal("20.00"),
            paid_on=datetime.date(2026, 8, 1),
            channel=Channel.TAX,
            source=PaymentSource.HAND_ENTRY,
            recorded_by=county_user,
        )
    with django_assert_num_queries(1):
        assert ledger.entries_recompute([e.pk for e in entries]) == 5
    assert set(LedgerEntry.objects.values_list("status", "received")) == {(EntryStatus.PAID, Decimal("20.00"))}


def test_default_share_out_is_60_kept_40_upward():
    shares = {(r.flow, r.level): r.share for r in ShareRate.objects.filter(year=2020)}
    assert shares[(ShareFlow.KEPT, "grassroots")] == Decimal("0.6000")
    assert shares[(ShareFlow.UPWARD, "county")] == Decimal("0.4000")
    assert shares[(ShareFlow.PREPARATORY, "grassroots")] == Decimal("0.0000")
