"""The ledger pages' writes of an entry: a new period for an enterprise, a payroll corrected.
Both go through `ledger_entry_ensure` (the overlap rule, rate × payroll to the cent)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import LedgerEntry
from .ledger import ledger_entry_ensure, period_bounds


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
