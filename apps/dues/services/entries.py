"""The ledger pages' writes of an entry: a new period for an enterprise, a payroll corrected.
Both go through `ledger_entry_ensure` (the overlap rule, rate × payroll to the cent); and whether
an entry may be deferred or written off, for the forms and their buttons."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from ..choices import EntryStatus
from ..models import LedgerEntry
from .ledger import ledger_entry_ensure, period_bounds

# What may be deferred (缓缴) or written off (核销): what is still owed, or already deferred.
RELIEF_STATUSES = frozenset({EntryStatus.UNPAID, EntryStatus.PARTIAL, EntryStatus.DEFERRED})


def entry_relief_problem(entry: LedgerEntry) -> str | None:
    """Why the entry cannot be deferred or written off (Chinese), or None: the forms and their
    buttons ask here; `entry_defer` and `entry_write_off` refuse the same at write time."""
    if entry.status not in RELIEF_STATUSES:
        return f"这笔经费{entry.get_status_display()}，只有未缴或部分缴纳的经费可以批准缓缴或核销。"
    return None


@transaction.atomic
def ledger_entry_create(enterprise, *, start: datetime.date, kind: str, payroll: Decimal, rate: Decimal):
    """A new entry; a period the enterprise already has is refused (its page corrects the payroll),
    so that a form meant to add never changes an entry someone else is looking at."""
    period_start, _end = period_bounds(start, kind)
    existing = LedgerEntry.objects.filter(enterprise=enterprise, period_start=period_start, period_kind=kind).first()
    if existing is not None:
        raise ValidationError(f"{enterprise.name}已有{existing.period_label}的经费台账，请在该台账页修改工资总额。")
    return ledger_entry_ensure(enterprise, start, kind, payroll=payroll, rate=rate)


@transaction.atomic
def ledger_entry_payroll_set(entry: LedgerEntry, *, payroll: Decimal, rate: Decimal) -> LedgerEntry:
    """The entry's payroll and rate corrected; the due follows and the status with it."""
    return ledger_entry_ensure(entry.enterprise, entry.period_start, entry.period_kind, payroll=payroll, rate=rate)
