"""The fund ledger's writes: entries, payments, reversals, deferrals and write-offs.

An entry's `received` and `status` are never typed: `entries_recompute` sets them from the
database's sum of the entry's payments, in the transaction that wrote the payments (one UPDATE
for any number of entries, so an import of 50,000 rows recomputes in one statement).
"""

import calendar
import datetime
from contextlib import nullcontext
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, DecimalField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan

from apps.core.bulk import bulk_insert
from apps.core.history import acting_user

from ..channels import channel_of, fund_kind_of
from ..choices import EntryStatus, FundKind, PaymentSource, PeriodKind
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


# --- entries -------------------------------------------------------------------------------------


@dataclass
class EntryWish:
    """What a source says of one enterprise's period (a form, a statement's rows, a finance list):
    the entry is made if missing; a payroll or rate given replaces the entry's, and the due
    follows; None leaves the entry's as it is."""

    enterprise: object
    start: datetime.date
    kind: str = PeriodKind.MONTH
    payroll: Decimal | None = None
    rate: Decimal | None = None
    channel: str | None = None  # of a new entry; by default the enterprise's (channels.channel_of)
    preparatory: bool = False  # the source says the payer has no approved union yet (工会筹备金)

    @property
    def bounds(self) -> tuple[datetime.date, datetime.date]:
        return period_bounds(self.start, self.kind)


def ledger_entries_problems(wishes: list[EntryWish]) -> dict[int, str]:
    """Why each wish's entry cannot be made (Chinese), by its index; the wishes that can are left
    out. The one rule shared by the forms, the imports and the writes (a dry run's verdict holds
    at write time because the write asks the same question): an enterprise's periods never
    overlap, so a quarter cannot be entered where one of its months is, nor a month in a quarter.
    One query for any number of wishes."""
    if not wishes:
        return {}
    return _overlap_problems(wishes, _entries_around(wishes).values_list(*SPAN_FIELDS))


def _entries_around(wishes: list[EntryWish]):
    """The entries of the wishes' enterprises that reach into the span of all their periods."""
    bounds = [wish.bounds for wish in wishes]
    return LedgerEntry.objects.filter(
        enterprise_id__in={wish.enterprise.pk for wish in wishes},
        period_start__lte=max(end for _start, end in bounds),
        period_end__gte=min(start for start, _end in bounds),
    )


SPAN_FIELDS = ("enterprise_id", "period_start", "period_end", "period_kind")


def _overlap_problems(wishes: list[EntryWish], spans) -> dict[int, str]:
    """The rule itself, against ``spans``: (enterprise id, start, end, kind) of the entries there."""
    others: dict[int, list[tuple]] = {}
    for enterprise_id, start, end, kind in spans:
        others.setdefault(enterprise_id, []).append((start, end, kind))
    problems = {}
    for index, wish in enumerate(wishes):
        start, end = wish.bounds
        for other_start, other_end, other_kind in others.get(wish.enterprise.pk, ()):
            if other_start <= end and start <= other_end and (other_start, other_end) != (start, end):
                problems[index] = (
                    f"{wish.enterprise.name}已有{_label(other_start, other_kind)}的经费台账，"
                    f"与{_label(start, wish.kind)}重叠。"
                )
                break
    return problems


def ledger_entry_problem(enterprise, start: datetime.date, kind: str) -> str | None:
    """Why an entry for this enterprise and period cannot be made (Chinese), or None."""
    return ledger_entries_problems([EntryWish(enterprise, start, kind)]).get(0)


def _label(start: datetime.date, kind: str) -> str:
    return LedgerEntry(period_start=start, period_kind=kind).period_label


def _entry_from_wish(wish: EntryWish, entry: LedgerEntry | None) -> LedgerEntry:
    """The entry as the wish makes it, in memory: channel and fund from the enterprise's rules for
    a new one, the default rate unless one is given, due = rate × payroll to the cent."""
    start, end = wish.bounds
    if entry is None:
        entry = LedgerEntry(
            enterprise=wish.enterprise,
            period_kind=wish.kind,
            period_start=start,
            period_end=end,
            channel=wish.channel or channel_of(wish.enterprise),
            fund_kind=fund_kind_of(wish.enterprise),
            rate=DEFAULT_FUND_RATE if wish.rate is None else wish.rate,
        )
    elif wish.rate is not None:
        entry.rate = wish.rate
    if wish.payroll is not None:
        entry.payroll = to_cents(wish.payroll)
    entry.due = percent_of(entry.payroll, entry.rate)
    if wish.preparatory:
        entry.fund_kind = FundKind.PREPARATORY
    return entry


@transaction.atomic
def ledger_entries_ensure(wishes: list[EntryWish], *, clean: bool = False, recompute: bool = True) -> list[LedgerEntry]:
    """The wishes' entries, made or updated, in the wishes' order; their received and status
    recomputed (``recompute`` False: by the caller's ``payments_record(..., entry_ids=...)`` next,
    in the same transaction). Refuses (ValidationError, every reason) when any wish breaks the ledger's rule
    (ledger_entries_problems) or two wishes overlap each other.

    One locking read and one INSERT … ON CONFLICT DO UPDATE per 5,000 entries (apps.core.bulk), whatever their
    number: a city's tax statement ensures 50,000 entries in a few seconds. ``clean`` validates
    each entry's fields first (a form's typed payroll); the sources that parsed their numbers
    already leave it off, and the database's CHECK constraints refuse what is out of bounds.
    """
    if not wishes:
        return []
    # One locking read serves both the rule and the update: the entries it returns are the ones
    # that may overlap, and among them the ones to update (locked until the commit).
    around = list(_entries_around(wishes).select_for_update())
    problems = _overlap_problems(wishes, ([getattr(entry, name) for name in SPAN_FIELDS] for entry in around))
    seen: dict[int, list[tuple[datetime.date, datetime.date]]] = {}
    for index, wish in enumerate(wishes):
        start, end = wish.bounds
        if any(
            start <= other_end and other_start <= end for other_start, other_end in seen.get(wish.enterprise.pk, ())
        ):
            problems.setdefault(index, f"{wish.enterprise.name}的{_label(start, wish.kind)}在本次登记中重复或重叠。")
        seen.setdefault(wish.enterprise.pk, []).append((start, end))
    if problems:
        raise ValidationError([problems[index] for index in sorted(problems)])
    existing = {(entry.enterprise_id, entry.period_start): entry for entry in around}
    entries = [_entry_from_wish(wish, existing.get((wish.enterprise.pk, wish.bounds[0]))) for wish in wishes]
    if clean:
        for entry in entries:
            entry.full_clean(validate_unique=False)
    bulk_insert(
        entries,
        unique_fields=("enterprise", "period_start"),
        update_fields=("payroll", "rate", "due", "fund_kind", "updated_at"),
    )
    if recompute:
        entries_recompute([entry.pk for entry in entries])
    return entries


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
    """The enterprise's entry for the period containing `start` (ledger_entries_ensure, for one)."""
    wish = EntryWish(enterprise, start, kind, payroll=payroll, rate=rate, channel=channel)
    # `user` None inside a request or an import keeps the context already open (who acted).
    with acting_user(user) if user is not None else nullcontext():
        (entry,) = ledger_entries_ensure([wish], clean=True)
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
        payments_record([payment])
    return payment


@transaction.atomic
def payments_record(payments: list[Payment], *, entry_ids=()) -> list[Payment]:
    """Write payments built (and, where typed by a person, cleaned) by their source, and recompute
    their entries' received and status, with ``entry_ids``' (entries whose due changed), in the
    same transaction: one INSERT per 5,000 payments (apps.core.bulk) and one UPDATE, so a statement's 50,000 rows
    cost the same few statements as one. A source key already taken (the same row recorded
    before) raises IntegrityError and writes none."""
    bulk_insert(payments)
    entries_recompute({payment.entry_id for payment in payments} | set(entry_ids))
    return payments


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
        payments_record([reversal])
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
