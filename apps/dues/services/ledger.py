"""The fund ledger's writes: entries, payments, reversals, deferrals and write-offs.

An entry's `received` and `status` are never typed: `entries_recompute` sets them from the
database's sum of the entry's payments, in the transaction that wrote the payments (one UPDATE
for any number of entries, so an import of 50,000 rows recomputes in one statement).
"""

import calendar
import datetime
from contextlib import nullcontext
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, DecimalField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan

from apps.core.history import acting_user

from ..channels import channel_of, fund_kind_of
from ..choices import EntryStatus, PaymentSource, PeriodKind
from ..models import DEFAULT_FUND_RATE, LedgerEntry, Payment
from ..money import percent_of, to_cents

ZERO = Decimal("0.00")


# --- periods -------------------------------------------------------------------------------------


def period_bounds(day: datetime.date, kind: str) -> tuple[datetime.date, datetime.date]:
    """The month (or quarter) that contains `day`: its first and last day."""
    if kind == PeriodKind.QUARTER:
        first_month = (day.month - 1) // 3 * 3 + 1
        last_month = first_month + 2
    else:
        first_month = last_month = day.month
    start = datetime.date(day.year, first_month, 1)
    end = datetime.date(day.year, last_month, calendar.monthrange(day.year, last_month)[1])
    return start, end


def period_kind_of(start: datetime.date, end: datetime.date) -> str | None:
    """MONTH or QUARTER when `start`..`end` is exactly one, else None (a source's odd period)."""
    for kind in (PeriodKind.MONTH, PeriodKind.QUARTER):
        if period_bounds(start, kind) == (start, end):
            return kind
    return None


def _overlapping_entry(enterprise, start, end, *, exclude_pk=None):
    queryset = LedgerEntry.objects.filter(enterprise=enterprise, period_start__lte=end, period_end__gte=start)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.first()


# --- entries -------------------------------------------------------------------------------------


def ledger_entry_problem(enterprise, start: datetime.date, kind: str) -> str | None:
    """Why an entry for this enterprise and period cannot be made (Chinese), or None. The one
    check shared by the forms, the imports and `ledger_entry_ensure` (a dry run's verdict holds
    at write time because the write asks the same question)."""
    start, end = period_bounds(start, kind)
    other = _overlapping_entry(enterprise, start, end)
    if other is not None and (other.period_start, other.period_end) != (start, end):
        return f"{enterprise.name}已有{other.period_label}的经费台账，与{_label(start, kind)}重叠。"
    return None


def _label(start: datetime.date, kind: str) -> str:
    return LedgerEntry(period_start=start, period_kind=kind).period_label


@transaction.atomic
def ledger_entry_ensure(
    enterprise,
    start: datetime.date,
    kind: str = PeriodKind.MONTH,
    *,
    payroll: Decimal | None = None,
    rate: Decimal | None = None,
    channel: str | None = None,
    user=None,
) -> LedgerEntry:
    """The enterprise's entry for the period containing `start`, made if missing (channel and fund
    from the enterprise's rules). A payroll given sets the due: rate × payroll to the cent."""
    problem = ledger_entry_problem(enterprise, start, kind)
    if problem:
        raise ValidationError(problem)
    period_start, period_end = period_bounds(start, kind)
    entry = LedgerEntry.objects.select_for_update().filter(enterprise=enterprise, period_start=period_start).first()
    if entry is None:
        entry = LedgerEntry(
            enterprise=enterprise,
            period_kind=kind,
            period_start=period_start,
            period_end=period_end,
            channel=channel or channel_of(enterprise),
            fund_kind=fund_kind_of(enterprise),
            rate=DEFAULT_FUND_RATE if rate is None else rate,
        )
    elif rate is not None:
        entry.rate = rate
    if payroll is not None:
        entry.payroll = to_cents(payroll)
        entry.due = percent_of(entry.payroll, entry.rate)
    entry.full_clean(validate_unique=False)
    # `user` None inside a request or an import keeps the context already open (who acted).
    with acting_user(user) if user is not None else nullcontext():
        entry.save()
        entries_recompute([entry.pk])
    entry.refresh_from_db()
    return entry


# --- received and status, from the database's sums -------------------------------------------


def _received_expression():
    paid = (
        Payment.objects.filter(entry=OuterRef("pk"))
        .order_by()
        .values("entry")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(paid, output_field=DecimalField(max_digits=16, decimal_places=2)), Value(ZERO))


def entries_recompute(entry_ids) -> int:
    """Set `received` and `status` of these entries from their payments; one UPDATE."""
    received = _received_expression()
    status = Case(
        When(status=EntryStatus.WRITTEN_OFF, then=Value(EntryStatus.WRITTEN_OFF)),
        When(Q(due__lt=received), then=Value(EntryStatus.OVERPAID)),
        When(Q(due=received), then=Value(EntryStatus.PAID)),
        When(status=EntryStatus.DEFERRED, then=Value(EntryStatus.DEFERRED)),
        When(GreaterThan(received, Value(ZERO)), then=Value(EntryStatus.PARTIAL)),
        default=Value(EntryStatus.UNPAID),
    )
    return LedgerEntry.objects.filter(pk__in=list(entry_ids)).update(received=received, status=status)


# --- payments ------------------------------------------------------------------------------------


@transaction.atomic
def payment_add(
    entry: LedgerEntry,
    *,
    amount,
    paid_on: datetime.date,
    user,
    source: str = PaymentSource.HAND_ENTRY,
    channel: str | None = None,
    reference: str = "",
    is_refund: bool = False,
    note: str = "",
    receipt_number: str = "",
) -> Payment:
    """Record money received (or refunded) against an entry; the entry's sums follow."""
    payment = Payment(
        entry=entry,
        amount=to_cents(amount),
        paid_on=paid_on,
        channel=channel or entry.channel,
        source=source,
        reference=reference.strip(),
        is_refund=is_refund,
        note=note.strip(),
        receipt_number=receipt_number,
        recorded_by=user,
    )
    payment.full_clean()
    with acting_user(user):
        payment.save()
        entries_recompute([entry.pk])
    return payment


@transaction.atomic
def payment_reverse(payment: Payment, *, user, reason: str, on: datetime.date) -> Payment:
    """Undo a wrong payment by its opposite, which names it; the wrong one stays on the record."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"note": "请说明冲销的原因。"})
    original = Payment.objects.select_for_update().get(pk=payment.pk)
    if original.reverses_id is not None:
        raise ValidationError("冲销记录本身不能再冲销。")
    if Payment.objects.filter(reverses=original).exists():
        raise ValidationError("这笔缴款已经冲销过了。")
    if original.amount < 0:
        raise ValidationError("退库记录不能冲销；如有错误，请另记一笔缴款。")
    reversal = Payment(
        entry_id=original.entry_id,
        amount=-original.amount,
        paid_on=on,
        channel=original.channel,
        source=PaymentSource.HAND_ENTRY,
        reference=original.reference or original.receipt_number or f"冲销#{original.pk}",
        reverses=original,
        note=reason,
        recorded_by=user,
    )
    reversal.full_clean()
    with acting_user(user):
        reversal.save()
        entries_recompute([original.entry_id])
    return reversal


# --- deferral and write-off (缓缴, 核销) ---------------------------------------------------------


def _approval_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"approval_reason": "请填写批准的理由。"})
    return reason


@transaction.atomic
def entry_defer(entry: LedgerEntry, *, until: datetime.date, reason: str, user, on: datetime.date) -> LedgerEntry:
    """An approved deferral (缓缴) until a date: no arrears reminders meanwhile."""
    entry = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status not in (EntryStatus.UNPAID, EntryStatus.PARTIAL, EntryStatus.DEFERRED):
        raise ValidationError("只有未缴或部分缴纳的经费可以批准缓缴。")
    if until <= on:
        raise ValidationError({"deferred_until": "缓缴期限应晚于批准日期。"})
    entry.status = EntryStatus.DEFERRED
    entry.deferred_until = until
    entry.approval_reason = _approval_reason(reason)
    entry.approved_by = user
    entry.approved_on = on
    entry.full_clean(validate_unique=False)
    with acting_user(user):
        entry.save()
    return entry


@transaction.atomic
def entry_write_off(entry: LedgerEntry, *, reason: str, user, on: datetime.date) -> LedgerEntry:
    """An approved write-off (核销, e.g. the enterprise was deregistered): the arrears end."""
    entry = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status not in (EntryStatus.UNPAID, EntryStatus.PARTIAL, EntryStatus.DEFERRED):
        raise ValidationError("只有未缴或部分缴纳的经费可以核销。")
    entry.status = EntryStatus.WRITTEN_OFF
    entry.approval_reason = _approval_reason(reason)
    entry.approved_by = user
    entry.approved_on = on
    entry.full_clean(validate_unique=False)
    with acting_user(user):
        entry.save()
    return entry
