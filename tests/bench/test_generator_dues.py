"""The generator's union funds: 24 months of ledger on every channel, sums and statuses by the
services' rule, arrears, relief, history; the bench's tax statement parses and matches the ledger."""

from collections import Counter
from decimal import Decimal

from django.db.models import Count, Q, Sum

from apps.bench.generator import (
    DUES_MONTHS,
    _event_model,
    dues_statement_quarter,
    generate_dataset,
    tax_statement_xlsx,
)
from apps.branches.models import Enterprise
from apps.dues.channels import channel_of, fund_kind_of
from apps.dues.choices import OWING_STATUSES, Channel, EntryStatus, PaymentSource
from apps.dues.models import LedgerEntry, Payment
from apps.dues.money import percent_of
from apps.dues.statement import parse_statement, reconcile, sums_by_period
from apps.members.idnumbers import china_today

TODAY = china_today()
SCALE = 0.05
SEED = 13


def test_every_active_enterprise_has_24_months_on_its_channel(dataset):
    enterprises = list(Enterprise.objects.filter(archived_at__isnull=True).select_related("union", "fund_channel"))
    per_enterprise = dict(
        LedgerEntry.objects.order_by().values_list("enterprise").annotate(n=Count("id")).values_list("enterprise", "n")
    )
    assert {e.pk: per_enterprise.get(e.pk) for e in enterprises} == {e.pk: DUES_MONTHS for e in enterprises}
    assert not LedgerEntry.objects.filter(enterprise__archived_at__isnull=False).exists()
    entries = {e.pk: e for e in enterprises}
    for entry in LedgerEntry.objects.filter(period_start=LedgerEntry.objects.latest("period_start").period_start):
        enterprise = entries[entry.enterprise_id]
        assert entry.channel == channel_of(enterprise)
        assert entry.fund_kind == fund_kind_of(enterprise)
        assert entry.due == percent_of(entry.payroll, entry.rate)
        assert enterprise.employee_count * 3800 <= entry.payroll <= enterprise.employee_count * 9450
    channels = Counter(LedgerEntry.objects.values_list("channel", flat=True))
    assert set(channels) == set(Channel.values)
    assert channels[Channel.TAX] > channels[Channel.DIRECT] > 0
    assert dataset["dues_ledgerentry"] == LedgerEntry.objects.count()


def test_received_is_the_sum_of_payments_and_statuses_agree(dataset):
    entries = LedgerEntry.objects.annotate(paid=Sum("payments__amount"))
    for entry in entries:
        paid = entry.paid or Decimal("0.00")
        assert entry.received == paid
        if entry.status == EntryStatus.WRITTEN_OFF:
            continue
        if paid > entry.due:
            assert entry.status == EntryStatus.OVERPAID
        elif paid == entry.due:
            assert entry.status == EntryStatus.PAID
        elif entry.status != EntryStatus.DEFERRED:
            assert entry.status == (EntryStatus.PARTIAL if paid > 0 else EntryStatus.UNPAID)
    for status in (EntryStatus.DEFERRED, EntryStatus.WRITTEN_OFF):
        relieved = LedgerEntry.objects.filter(status=status)
        assert relieved.exists()
        assert not relieved.filter(Q(approved_by__isnull=True) | Q(approval_reason="")).exists()


def test_payments_by_channel_with_shortfalls_and_arrears(dataset):
    sources = set(Payment.objects.order_by().values_list("channel", "source").distinct())
    assert sources == {
        (Channel.TAX, PaymentSource.TAX_STATEMENT),
        (Channel.FINANCE, PaymentSource.FINANCE_TRANSFER),
        (Channel.DIRECT, PaymentSource.HAND_ENTRY),
    }
    direct = Payment.objects.filter(channel=Channel.DIRECT)
    assert not direct.filter(receipt_number="").exists()
    assert direct.values("receipt_number").distinct().count() == direct.count()
    refunds = Payment.objects.filter(is_refund=True)
    assert refunds.exists() and not refunds.filter(amount__gte=0).exists()
    assert not Payment.objects.filter(paid_on__gt=TODAY).exists()
    statuses = Counter(LedgerEntry.objects.values_list("status", flat=True))
    assert statuses[EntryStatus.PAID] > statuses[EntryStatus.PARTIAL] > 0
    assert statuses[EntryStatus.OVERPAID] > 0
    # Arrears: months long past still owed, by enterprises that stopped paying (3-12 months back).
    old_owing = LedgerEntry.objects.filter(status__in=OWING_STATUSES, period_start__lt=dues_statement_quarter(TODAY))
    assert old_owing.values("enterprise").distinct().count() >= 3


def test_the_ledger_passes_full_clean_and_history_is_backfilled(dataset):
    for entry in LedgerEntry.objects.all()[::97]:
        entry.full_clean()
    for payment in Payment.objects.all()[::97]:
        payment.full_clean()
    assert _event_model(LedgerEntry).objects.count() == LedgerEntry.objects.count()
    assert _event_model(Payment).objects.count() == Payment.objects.count()


def test_a_second_run_adds_nothing(dataset):
    before = (LedgerEntry.objects.count(), Payment.objects.count())
    counts = generate_dataset(scale=SCALE, seed=SEED, today=TODAY)
    assert not any(counts.values())
    assert (LedgerEntry.objects.count(), Payment.objects.count()) == before


def test_the_bench_statement_completes_the_awaited_quarter(dataset):
    start = dues_statement_quarter(TODAY)
    content, written = tax_statement_xlsx(scale=SCALE, seed=SEED, today=TODAY)
    parsed = parse_statement(content)
    assert parsed.period_start == start and not parsed.error_rows and len(parsed.rows) == written > 0
    tax = LedgerEntry.objects.filter(channel=Channel.TAX, period_start__gte=start, period_start__lt=parsed.period_end)
    assert not Payment.objects.filter(entry__in=tax).exists()  # left to the statement
    entries = {(e.enterprise.credit_code, e.period_start): e for e in tax.select_related("enterprise")}
    for (code, period_start, _end), sums in sums_by_period(parsed).items():
        entry = entries[(code, period_start)]
        assert (entry.payroll, entry.due) == (sums["basis"], sums["due"])
    codes = set(Enterprise.objects.filter(fund_entries__in=tax).values_list("credit_code", flat=True))
    verdicts = Counter(v.status for v in reconcile(parsed, codes))
    assert verdicts["paid"] > verdicts["partial"] > 0 and verdicts["unpaid"] > 0 and not verdicts["unknown"]
    # Capped: a city's statement is 50,000 rows; a small one stops where asked.
    assert tax_statement_xlsx(scale=SCALE, seed=SEED, today=TODAY, rows=10)[1] == 10
