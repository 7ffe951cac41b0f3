"""Reads of the finance part: report periods, the county-direct units of a finance transfer, and
the collection rate (经费收缴率) per township and channel.

A report's period is a month, a quarter or a year. It holds the ledger entries that lie wholly
inside it (`period_start` and `period_end` both within): a year holds its months and quarters, a
quarter its months, and a month only its own month's entries (an enterprise that reports by the
quarter is counted in the quarter and the year, never cut into months).
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Least
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apps.branches.choices import GRASSROOTS_KINDS, OrgUnitKind
from apps.branches.selectors import enterprise_list, orgunit_list

from ..channels import channel_expression
from ..choices import Channel, EntryStatus, PaymentSource, PeriodKind
from ..models import LedgerEntry, Payment
from .scoping import entry_in_scope_q

ZERO = Decimal("0.00")
YEAR = "year"
_MONEY = DecimalField(max_digits=16, decimal_places=2)

# --- periods -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportPeriod:
    """A month, a quarter or a year, named by its key: "2026-07", "2026-Q3", "2026"."""

    kind: str  # PeriodKind.MONTH, PeriodKind.QUARTER or YEAR
    start: datetime.date
    end: datetime.date

    @property
    def key(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return f"{self.start.year}年{self.start.month}月"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        return f"{self.start.year}年"

    @property
    def year(self) -> int:
        return self.start.year

    def entries_q(self, relation: str = "") -> Q:
        """The ledger entries wholly inside the period."""
        return Q(**{f"{relation}period_start__gte": self.start, f"{relation}period_end__lte": self.end})


_KEY = re.compile(r"^(\d{4})(?:-(?:(\d{1,2})|[Qq]([1-4])))?$")


def report_period(kind: str, year: int, number: int = 1) -> ReportPeriod:
    """The month `number` (1–12), the quarter `number` (1–4) or the year of `year`."""
    if kind == PeriodKind.MONTH:
        last = calendar.monthrange(year, number)[1]
        return ReportPeriod(kind, datetime.date(year, number, 1), datetime.date(year, number, last))
    if kind == PeriodKind.QUARTER:
        first = (number - 1) * 3 + 1
        last = calendar.monthrange(year, first + 2)[1]
        return ReportPeriod(kind, datetime.date(year, first, 1), datetime.date(year, first + 2, last))
    return ReportPeriod(YEAR, datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def period_from_key(key: str | None) -> ReportPeriod | None:
    """The period a key names ("2026-07", "2026-Q3", "2026"), or None for anything else."""
    match = _KEY.match((key or "").strip())
    if not match:
        return None
    year, month, quarter = int(match[1]), match[2], match[3]
    if not 1992 <= year <= 2099:
        return None
    if month is not None:
        return report_period(PeriodKind.MONTH, year, int(month)) if 1 <= int(month) <= 12 else None
    if quarter is not None:
        return report_period(PeriodKind.QUARTER, year, int(quarter))
    return report_period(YEAR, year)


def period_choices(*, kinds=(PeriodKind.MONTH, PeriodKind.QUARTER, YEAR), today=None, months=24) -> list:
    """The periods a page offers, newest first, grouped by kind (no query): [(group, [(key, label)])]."""
    today = today or timezone.localdate()
    groups = []
    if PeriodKind.MONTH in kinds:
        periods, year, month = [], today.year, today.month
        for _ in range(months):
            periods.append(report_period(PeriodKind.MONTH, year, month))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        groups.append(("按月", [(p.key, p.label) for p in periods]))
    if PeriodKind.QUARTER in kinds:
        periods, year, quarter = [], today.year, (today.month - 1) // 3 + 1
        for _ in range(months // 3):
            periods.append(report_period(PeriodKind.QUARTER, year, quarter))
            year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        groups.append(("按季度", [(p.key, p.label) for p in periods]))
    if YEAR in kinds:
        groups.append(("按年", [(str(y), f"{y}年") for y in range(today.year, today.year - months // 12 - 1, -1)]))
    return groups


def default_period(*, kind=PeriodKind.MONTH, today=None) -> ReportPeriod:
    """The last whole month (or quarter, or year) before today: what a report is usually asked for."""
    today = today or timezone.localdate()
    if kind == PeriodKind.MONTH:
        year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
        return report_period(PeriodKind.MONTH, year, month)
    if kind == PeriodKind.QUARTER:
        quarter = (today.month - 1) // 3
        return (
            report_period(PeriodKind.QUARTER, today.year, quarter)
            if quarter
            else report_period(PeriodKind.QUARTER, today.year - 1, 4)
        )
    return report_period(YEAR, today.year - 1)


# --- finance transfers (财政划拨) -----------------------------------------------------------------


def finance_transfers_q(relation: str = "") -> Q:
    """Payments that are finance transfers, or reversals of one (a reversal is a hand entry)."""
    return Q(**{f"{relation}source": PaymentSource.FINANCE_TRANSFER}) | Q(
        **{f"{relation}reverses__source": PaymentSource.FINANCE_TRANSFER}
    )


def finance_transfer_units(*, user, period: ReportPeriod):
    """The county-direct units (财政划拨 by `channel_expression`, an override included) in the user's
    area, not archived, in name order, each with its entry's `entry_id`, `entry_payroll`,
    `entry_received` and `transferred` (the finance transfers recorded) for the period: one query."""
    # The entry of exactly this period: a quarter's page does not show its first month's entry.
    entries = LedgerEntry.objects.filter(enterprise=OuterRef("pk"), period_start=period.start, period_end=period.end)
    transferred = (
        Payment.objects.filter(
            finance_transfers_q(),
            entry__enterprise=OuterRef("pk"),
            entry__period_start=period.start,
            entry__period_end=period.end,
        )
        .order_by()
        .values("entry__enterprise")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return (
        enterprise_list(user=user)
        .alias(fund_channel_now=channel_expression())
        .filter(fund_channel_now=Channel.FINANCE, archived_at__isnull=True)
        .annotate(
            entry_id=Subquery(entries.values("pk")[:1]),
            entry_kind=Subquery(entries.values("period_kind")[:1]),
            entry_payroll=Subquery(entries.values("payroll")[:1]),
            entry_due=Subquery(entries.values("due")[:1]),
            entry_received=Subquery(entries.values("received")[:1]),
            transferred=Coalesce(Subquery(transferred, output_field=_MONEY), Value(ZERO)),
        )
        .order_by("name", "pk")
    )


# --- 经费收缴率 ------------------------------------------------------------------------------------


CHANNELS = (Channel.FINANCE, Channel.TAX, Channel.DIRECT)


def _counted():
    """What an entry counts as collected: its receipts up to its due (an overpayment does not
    make up for another enterprise's arrears, so the rate never passes 100 %)."""
    return Least(F("received"), F("due"))


def _rate_aggregates() -> dict:
    aggregates = {}
    for name, only in (("all", Q()), *((channel, Q(channel=channel)) for channel in CHANNELS)):
        aggregates[f"due_{name}"] = Coalesce(Sum("due", filter=only), Value(ZERO), output_field=_MONEY)
        aggregates[f"received_{name}"] = Coalesce(Sum("received", filter=only), Value(ZERO), output_field=_MONEY)
        aggregates[f"counted_{name}"] = Coalesce(Sum(_counted(), filter=only), Value(ZERO), output_field=_MONEY)
    return aggregates


def _period_entries(period: ReportPeriod):
    """The entries a rate counts: in the period, not written off (核销 ends the debt)."""
    return LedgerEntry.objects.filter(period.entries_q()).exclude(status=EntryStatus.WRITTEN_OFF)


def _rated_entries(user, period: ReportPeriod):
    """The entries a rate counts, of the user's scope."""
    return _period_entries(period).filter(entry_in_scope_q(user))


def _with_rates(row: dict) -> dict:
    """{"all": {...}, "finance": {...}, ...}: per channel its due, received, counted and rate."""
    result = {}
    for name in ("all", *CHANNELS):
        due, counted = row[f"due_{name}"], row[f"counted_{name}"]
        result[name] = {
            "due": due,
            "received": row[f"received_{name}"],
            "counted": counted,
            "rate": (counted / due) if due else None,
            "percent": _percent(counted, due),
        }
    return result


def _percent(counted: Decimal, due: Decimal) -> str | None:
    """The rate as the page prints it: one decimal, "87.5"; None when nothing was due."""
    if not due:
        return None
    return f"{(counted * 100 / due).quantize(Decimal('0.1'), rounding='ROUND_HALF_UP')}"


def _empty_row() -> dict:
    return {key: ZERO for key in _rate_aggregates()}


def collection_townships(*, user, unit=None):
    townships = orgunit_list(user=user).filter(kind=OrgUnitKind.TOWNSHIP)
    if unit is not None:
        townships = townships.filter(path__startswith=unit.path)
    return townships


def collection_rate_by_township(*, user, period: ReportPeriod) -> dict:
    """经费收缴率 per township of the user's area and in all: two queries at any size.

    {"rows": [{"township", "all": {due, received, counted, rate, percent}, "finance": ..., "tax": ...,
    "direct": ...}], "total": {...}}. Rows are the enterprises' townships. A user who oversees no
    township (a grassroots officer) gets no rows and the total of their own enterprises.
    """
    townships = list(collection_townships(user=user).order_by("path"))
    entries = _rated_entries(user, period)
    if townships:
        entries = entries.filter(enterprise__township__in=townships)
    by_township = {
        row.pop("enterprise__township_id"): row
        for row in entries.order_by().values("enterprise__township_id").annotate(**_rate_aggregates())
    }
    total = _empty_row()
    rows = []
    for township in townships:
        row = by_township.get(township.pk, _empty_row())
        rows.append({"township": township, **_with_rates(row)})
    for row in by_township.values():
        for key in total:
            total[key] += row[key]
    return {"rows": rows, "total": _with_rates(total), "period": period}


def collection_counts(*, user, unit=None, period: ReportPeriod) -> dict | None:
    """The totals of `collection_rate_by_township` under one unit (a township or higher; None: the
    user's area), one query; None for a grassroots union, to which the rate does not apply."""
    unit = unit if unit is not None else user.org_unit
    if unit is not None and unit.kind in GRASSROOTS_KINDS:
        return None
    entries = _rated_entries(user, period)
    if unit is not None and unit.kind != OrgUnitKind.COUNTY:
        entries = entries.filter(enterprise__township__path__startswith=unit.path)
    return _with_rates(entries.aggregate(**_rate_aggregates()))


def collection_counts_by_township(queryset=None, *, year: int) -> dict:
    """{township id: {"due", "counted"}}: the year's 经费收缴率 totals (all channels) of the
    entries of the enterprises in `queryset` (all when None), by the enterprise's township; one
    query. What apps.overview pre-computes for the home page, counted as `collection_counts` does."""
    entries = _period_entries(report_period(YEAR, year))
    if queryset is not None:
        entries = entries.filter(enterprise__in=queryset)
    aggregates = _rate_aggregates()
    # Named apart from the model's own `due`, which the counted sum reads.
    rows = (
        entries.order_by()
        .values("enterprise__township_id")
        .annotate(due_all=aggregates["due_all"], counted_all=aggregates["counted_all"])
    )
    return {row["enterprise__township_id"]: {"due": row["due_all"], "counted": row["counted_all"]} for row in rows}


def entry_list_url(*, period: ReportPeriod, township=None, channel: str | None = None) -> str | None:
    """The ledger list filtered to the entries behind one number of the collection rate, or None
    while the ledger list (`dues:entry_list`, the ledger part) is not installed: reversed when
    asked, so the page links to it as soon as it exists."""
    try:
        base = reverse("dues:entry_list")
    except NoReverseMatch:
        return None
    query = {}
    if township is not None:
        query["township"] = township.pk
    if channel:
        query["channel"] = channel
    query["period_from"] = period.start.isoformat()
    query["period_to"] = period.end.isoformat()
    return f"{base}?{urlencode(query)}"


def finance_entry_list(*, user):
    """The ledger entries the finance part's pages read (scoped as every dues page)."""
    return LedgerEntry.objects.filter(entry_in_scope_q(user))


__all__ = [
    "CHANNELS",
    "YEAR",
    "ReportPeriod",
    "collection_counts",
    "collection_counts_by_township",
    "collection_rate_by_township",
    "collection_townships",
    "default_period",
    "entry_list_url",
    "finance_entry_list",
    "finance_transfer_units",
    "finance_transfers_q",
    "period_choices",
    "period_from_key",
    "report_period",
]
