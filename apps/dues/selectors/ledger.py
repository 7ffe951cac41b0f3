"""Reads of the ledger's pages: the list's totals, one entry's payments and approvals, the
payments in scope (a receipt, a reversal), the enterprises a ledger form may name, and the
enterprise page's fund panel. Scoping is scoping.py's; everything here starts from it."""

from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, Q, Sum, Value, When, Window
from django.db.models.functions import Coalesce

from apps.core.history import object_history

from ..choices import OWING_STATUSES, EntryStatus
from ..models import ArrearsAction, LedgerEntry, Payment
from .scoping import entry_in_scope_q, ledger_entry_list

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=18, decimal_places=2)

# What is still owed on a row, as LedgerEntry.arrears says: never negative, nothing once written off.
ARREARS_EXPRESSION = Case(
    When(Q(due__gt=F("received")) & ~Q(status=EntryStatus.WRITTEN_OFF), then=F("due") - F("received")),
    default=Value(ZERO),
    output_field=MONEY_FIELD,
)


def ledger_entry_totals(queryset) -> dict:
    """Payroll, due, received and arrears summed by the database over the (filtered) rows; one query."""
    # Named apart from the columns: an aggregate may not take a field's name.
    sums = queryset.order_by().aggregate(
        total_rows=Count("pk"),
        total_payroll=Coalesce(Sum("payroll"), Value(ZERO), output_field=MONEY_FIELD),
        total_due=Coalesce(Sum("due"), Value(ZERO), output_field=MONEY_FIELD),
        total_received=Coalesce(Sum("received"), Value(ZERO), output_field=MONEY_FIELD),
        total_arrears=Coalesce(Sum(ARREARS_EXPRESSION), Value(ZERO), output_field=MONEY_FIELD),
    )
    return {key.removeprefix("total_"): value for key, value in sums.items()}


def entry_payments(entry: LedgerEntry) -> list[Payment]:
    """The entry's payments in the order they were paid, each with what reverses it (if anything)."""
    return list(
        Payment.objects.filter(entry=entry)
        .select_related("recorded_by", "statement", "reverses", "reversed_by")
        .order_by("paid_on", "id")
    )


def entry_arrears_actions(entry: LedgerEntry) -> list[ArrearsAction]:
    return list(ArrearsAction.objects.filter(entry=entry).select_related("recorded_by").order_by("done_on", "id"))


def entry_history(entry: LedgerEntry) -> list:
    """The entry's audit history (payroll, rate, approvals; who changed them), newest first."""
    return object_history(entry)


def payment_list(*, user):
    """Payments of the entries in scope (a receipt, a reversal): another township's is a 404."""
    return Payment.objects.filter(entry_in_scope_q(user, "entry__")).select_related(
        "entry", "entry__enterprise", "entry__enterprise__township", "recorded_by"
    )


def ledger_enterprise_list(*, user):
    """The enterprises a ledger form may name (or whose channel may be set): in the user's area,
    not archived; with their channel override, which the channel rule reads."""
    from apps.branches.selectors import enterprise_list

    return enterprise_list(user=user).filter(archived_at__isnull=True).select_related("fund_channel")


def enterprise_fund_summary(*, user, enterprise, rows: int = 12) -> dict:
    """The enterprise page's fund panel: its latest periods, what it owes in all, its owing count;
    one query. The sums are window aggregates over all of its entries in scope (computed before
    the LIMIT), read from the first row; no entries, nothing owed."""
    entries = (
        ledger_entry_list(user=user)
        .filter(enterprise=enterprise)
        .select_related(None)
        .annotate(
            enterprise_arrears=Window(Sum(ARREARS_EXPRESSION), output_field=MONEY_FIELD),
            enterprise_owing=Window(Count("pk", filter=Q(status__in=OWING_STATUSES))),
        )
    )
    latest = list(entries[: rows + 1])
    first = latest[0] if latest else None
    return {
        "entries": latest[:rows],
        "more": len(latest) > rows,
        "arrears": first.enterprise_arrears if first else ZERO,
        "owing": first.enterprise_owing if first else 0,
    }
