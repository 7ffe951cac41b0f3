"""The demo county's union funds and dues: every channel, arrears, relief, idempotent; the demo
tax statement is a well-formed statement that reconciles as the demo tells it."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from apps.accounts.models import User
from apps.branches.models import Enterprise
from apps.dues import demo as dues_demo
from apps.dues.choices import OWING_STATUSES, Channel, DuesExemption, EntryStatus, PaymentSource
from apps.dues.models import DuesRecord, LedgerEntry, Payment
from apps.dues.money import percent_of
from apps.dues.statement import parse_statement, reconcile, sums_by_period

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """The demo loaded once for the module (seed_demo takes a while), rolled back at its end."""
    from apps.accounts.roles import sync_role_permissions
    from apps.contracts.rules import rule_profile_default

    with django_db_blocker.unblock(), transaction.atomic():
        sync_role_permissions()
        rule_profile_default()
        call_command("seed_demo", force=True)
        yield timezone.localdate()
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_loaded, db):
    return demo_loaded


def _counts():
    return [model.objects.count() for model in (LedgerEntry, Payment, DuesRecord, Enterprise, User)]


def test_seeding_again_adds_nothing(demo):
    before = _counts()
    logins = dues_demo.seed()
    assert _counts() == before
    assert [login for login, _description in logins] == ["caiwu"]


def test_the_finance_login_may_manage_funds(demo):
    finance = User.objects.get(username="caiwu")
    assert finance.real_name == "县总工会财务"
    assert finance.has_perm("dues.manage_funds")
    assert not User.objects.get(username="county").has_perm("dues.manage_funds")


def test_every_channel_has_a_year_of_monthly_entries(demo):
    months = dues_demo.demo_months(demo)
    assert len(months) >= 12 and months[-1] == dues_demo.add_months(demo.replace(day=1), -1)
    by_channel = {
        channel: LedgerEntry.objects.filter(channel=channel).values("enterprise").distinct().count()
        for channel in Channel.values
    }
    assert by_channel[Channel.FINANCE] == 3 and by_channel[Channel.DIRECT] >= 3 and by_channel[Channel.TAX] >= 10
    for enterprise in Enterprise.objects.filter(fund_entries__isnull=False).distinct():
        entries = list(enterprise.fund_entries.order_by("period_start"))
        assert [e.period_start for e in entries] == months
        for entry in entries:
            # 2 % of employees × a monthly wage of 4,000-9,000 yuan (±4 % by month).
            low, high = (enterprise.employee_count * Decimal(w) for w in ("3840", "9360"))
            assert low <= entry.payroll <= high
            assert entry.due == percent_of(entry.payroll)


def test_payments_come_by_their_channels_sources(demo):
    sources = set(Payment.objects.order_by().values_list("channel", "source").distinct())
    assert sources == {
        (Channel.FINANCE, PaymentSource.FINANCE_TRANSFER),
        (Channel.DIRECT, PaymentSource.HAND_ENTRY),
        (Channel.TAX, PaymentSource.TAX_STATEMENT),  # the quarters' statements, imported by finance staff
    }
    assert not Payment.objects.filter(channel=Channel.TAX, statement__isnull=True).exists()
    direct = Payment.objects.filter(channel=Channel.DIRECT)
    assert not direct.filter(receipt_number="").exists()
    assert direct.filter(receipt_number__startswith=f"SJ-{demo.year}-").exists()
    assert not Payment.objects.filter(channel=Channel.FINANCE, reference="").exists()
    # received is the database's own sum of the payments, for every entry.
    for entry in LedgerEntry.objects.annotate(paid=Sum("payments__amount")):
        assert entry.received == (entry.paid or Decimal("0.00"))
    assert not Payment.objects.filter(paid_on__gt=demo).exists()


def test_the_ledger_shows_arrears_and_relief(demo):
    long_ago = demo - datetime.timedelta(days=60)
    arrears = LedgerEntry.objects.filter(status__in=OWING_STATUSES, period_end__lt=long_ago)
    assert arrears.filter(enterprise__name=dues_demo.DIRECT_ARREARS).count() >= 3
    assert arrears.filter(channel=Channel.DIRECT).exists() and arrears.filter(channel=Channel.TAX).exists()
    assert LedgerEntry.objects.filter(status=EntryStatus.PARTIAL, channel=Channel.FINANCE).count() == 1
    deferred = LedgerEntry.objects.get(status=EntryStatus.DEFERRED)
    assert deferred.enterprise.name == dues_demo.DIRECT_PARTIAL and deferred.deferred_until > demo
    assert 0 < deferred.received < deferred.due
    written_off = LedgerEntry.objects.get(status=EntryStatus.WRITTEN_OFF)
    assert written_off.enterprise.name == dues_demo.DIRECT_ARREARS and written_off.approved_by.username == "county"
    assert written_off.arrears == 0
    assert LedgerEntry.objects.filter(status=EntryStatus.PAID, channel=Channel.DIRECT).count() > 20


def test_membership_dues_of_two_unions_with_a_retired_member(demo):
    records = DuesRecord.objects.select_related("union")
    assert {r.union.name for r in records} == set(dues_demo.DUES_UNIONS)
    months = sorted(set(records.values_list("month", flat=True)))
    assert months == [dues_demo.add_months(demo.replace(day=1), -n) for n in (3, 2, 1)]
    exempt = records.filter(exemption=DuesExemption.RETIRED)
    assert exempt.values("member").distinct().count() == 2  # the oldest member of each union
    assert all(r.due == 0 for r in exempt)
    for record in records.exclude(exemption=""):
        assert record.due == 0
    for record in records.filter(exemption=""):
        assert record.due == percent_of(record.basic_wage, "0.005") > 0
        assert record.collected in (0, record.due)
    assert records.filter(collected=0, exemption="").exists()


def _tax_codes():
    return [e.credit_code for e in dues_demo.demo_enterprises().filter(fund_channel_code=Channel.TAX)]


def test_the_demo_tax_statement_parses_and_reconciles_as_told(demo):
    start, end = dues_demo.last_complete_quarter(demo)
    parsed = parse_statement(dues_demo.demo_tax_statement_xlsx(demo))
    assert (parsed.period_start, parsed.period_end) == (start, end)
    assert parsed.error_rows == [] and parsed.summary_row == parsed.rows[-1].row + 1
    assert sum(row.is_refund for row in parsed.rows) == 1
    verdicts = {v.credit_code: v for v in reconcile(parsed, _tax_codes())}
    by_name = {e.name: e.credit_code for e in Enterprise.objects.all()}
    status = {name: verdicts[code].status for name, code in by_name.items() if code in verdicts}
    assert status[dues_demo.TAX_ABSENT] == "unpaid"
    assert status[dues_demo.TAX_PARTIAL] == "partial"
    assert status[dues_demo.TAX_SHORT_MONTH] == "partial"
    assert status[dues_demo.TAX_REFUNDED] == "paid"  # overpaid a month, the excess refunded
    unknown = [v for v in verdicts.values() if v.status == "unknown"]
    assert [v.payer_name for v in unknown] == [dues_demo.UNKNOWN_PAYER[0]]
    others = set(status) - {dues_demo.TAX_ABSENT, dues_demo.TAX_PARTIAL, dues_demo.TAX_SHORT_MONTH}
    assert {status[name] for name in others} == {"paid"}
    # The statement's months are the ledger's: the same payroll, the same due.
    entries = {
        (e.enterprise.credit_code, e.period_start): e
        for e in LedgerEntry.objects.filter(period_start__gte=start, period_end__lte=end).select_related("enterprise")
    }
    matched = 0
    for (code, period_start, period_end), sums in sums_by_period(parsed).items():
        entry = entries.get((code, period_start))
        if entry is None:
            continue
        matched += 1
        assert entry.period_end == period_end and entry.payroll == sums["basis"] and entry.due == sums["due"]
    assert matched == 3 * (len(_tax_codes()) - 1)


def test_every_quarter_of_the_ledger_has_its_statement(demo):
    statements = dues_demo.demo_tax_statements(demo)
    assert len(statements) == 4
    for quarter_start, content in statements:
        parsed = parse_statement(content)
        assert parsed.period_start == quarter_start and not parsed.error_rows
        verdicts = reconcile(parsed, _tax_codes())
        assert sum(v.status == "unpaid" for v in verdicts) == 1
