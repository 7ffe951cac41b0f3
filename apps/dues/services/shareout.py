"""The share-out (分成) of the funds received in a period, and the small-enterprise refunds
(小微企业工会经费返还) due for it. Reads only; every amount to the cent.

Shares: the ShareRate rows of the period's year, or of the latest year before it that has rows
(the whole year's set is taken, never a mix of years). A row for a unit (a grassroots union, a
township, the county) overrides the row of its level for that unit and flow. 工会经费 is split
by the flows 留成 (kept, the grassroots level) and 上解 (upward, per level above); 工会筹备金
(an enterprise without an approved union) by the flow 筹备金, which keeps nothing at the
grassroots, whatever a row says: there is no union to keep it.

The base is what the union's enterprises paid (`received`) on the period's entries, summed per
union (筹备金: per township), then split once: a share of a sum, not a sum of rounded shares.

The last cent: every part is `share × base` rounded half up, except one, which takes what is
left so that the parts add up to the base exactly: the grassroots union's 留成 for 工会经费, and
for 筹备金 the level with the largest share (the lowest such level on a tie). Shares that do not
add up to 100 % are reported as a problem of the table; the parts then add up to the base times
the shares' sum (rounded half up), the rest is shown as not allocated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from apps.branches.choices import OrgUnitKind
from apps.branches.models import OrgUnit

from ..choices import FundKind, RefundBasis, ShareFlow, ShareLevel
from ..models import LedgerEntry, RefundRule, ShareRate
from ..money import to_cents
from ..selectors.finance import ReportPeriod
from ..selectors.scoping import entry_in_scope_q

ZERO = Decimal("0.00")
ONE = Decimal("1")
_MONEY = DecimalField(max_digits=16, decimal_places=2)
# The levels in the order money goes up; the grassroots first.
LEVELS = tuple(ShareLevel.values)
UPPER_LEVELS = LEVELS[1:]
_UNIT_KIND_OF_LEVEL = {ShareLevel.TOWNSHIP: OrgUnitKind.TOWNSHIP, ShareLevel.COUNTY: OrgUnitKind.COUNTY}


# --- the arithmetic ------------------------------------------------------------------------------


def split_cents(base: Decimal, shares: dict[str, Decimal], *, residual: str) -> dict[str, Decimal]:
    """`base` split by `shares` ({part: fraction}) to the cent: each part rounded half up except
    `residual`, which takes the rest, so the parts add up to `base × Σ shares` rounded half up
    (exactly `base` when the shares add up to 1)."""
    base = to_cents(base)
    target = to_cents(base * sum(shares.values(), Decimal(0)))
    parts = {name: to_cents(base * share) for name, share in shares.items() if name != residual}
    parts[residual] = target - sum(parts.values(), ZERO)
    return {name: parts[name] for name in shares}


@dataclass(frozen=True)
class ShareTable:
    """One year's shares: {(flow, level): share} and {(flow, level, unit id): share}."""

    year: int | None  # the year whose rows are used; None when there are none
    by_level: dict
    by_unit: dict

    def share(self, flow: str, level: str, unit_id: int | None = None) -> Decimal:
        if unit_id is not None and (flow, level, unit_id) in self.by_unit:
            return self.by_unit[(flow, level, unit_id)]
        return self.by_level.get((flow, level), Decimal(0))

    def shares_for(self, kind: str, units: dict[str, int | None]) -> dict[str, Decimal]:
        """{level: share} of 工会经费 (`kind` FUND) or 筹备金 for a union whose unit at each level is
        `units[level]` (the grassroots union, its township, the county; None above)."""
        if kind == FundKind.FUND:
            shares = {ShareLevel.GRASSROOTS: self.share(ShareFlow.KEPT, ShareLevel.GRASSROOTS, units.get("grassroots"))}
            flow = ShareFlow.UPWARD
        else:
            shares = {ShareLevel.GRASSROOTS: Decimal(0)}  # nothing kept: there is no union yet
            flow = ShareFlow.PREPARATORY
        for level in UPPER_LEVELS:
            shares[level] = self.share(flow, level, units.get(level))
        return shares


def share_table(year: int) -> ShareTable:
    """The shares of `year`: its own rows, or the latest earlier year's; one query (two when the
    year has none of its own)."""
    used = ShareRate.objects.filter(year__lte=year).order_by("-year").values_list("year", flat=True).first()
    if used is None:
        return ShareTable(year=None, by_level={}, by_unit={})
    by_level, by_unit = {}, {}
    for rate in ShareRate.objects.filter(year=used).only("flow", "level", "unit_id", "share"):
        if rate.unit_id is None:
            by_level[(rate.flow, rate.level)] = rate.share
        else:
            by_unit[(rate.flow, rate.level, rate.unit_id)] = rate.share
    return ShareTable(year=used, by_level=by_level, by_unit=by_unit)


def _residual(kind: str, shares: dict[str, Decimal]) -> str:
    if kind == FundKind.FUND:
        return ShareLevel.GRASSROOTS
    # The largest share; on a tie the lowest level (the dict is in LEVELS order, max keeps the first).
    return max(shares, key=lambda level: shares[level])


# --- the report ----------------------------------------------------------------------------------


@dataclass
class ShareRow:
    township: OrgUnit | None
    union: OrgUnit | None  # None: the township's 筹备金 (enterprises without an approved union)
    kind: str
    enterprises: int
    received: Decimal
    parts: dict  # {level: amount}
    shares: dict  # {level: share}
    shown: tuple = UPPER_LEVELS  # the levels above the grassroots the report has columns for

    @property
    def kept(self) -> Decimal:
        return self.parts[ShareLevel.GRASSROOTS]

    @property
    def upward(self) -> Decimal:
        return sum((self.parts[level] for level in UPPER_LEVELS), ZERO)

    @property
    def unallocated(self) -> Decimal:
        return self.received - self.kept - self.upward

    @property
    def upward_parts(self) -> list[Decimal]:
        return [self.parts[level] for level in self.shown]


@dataclass
class TownshipShare:
    township: OrgUnit | None
    rows: list = field(default_factory=list)
    shown: tuple = UPPER_LEVELS

    def _sum(self, name):
        return sum((getattr(row, name) for row in self.rows), ZERO)

    @property
    def received(self):
        return self._sum("received")

    @property
    def kept(self):
        return self._sum("kept")

    @property
    def upward(self):
        return self._sum("upward")

    @property
    def upward_parts(self):
        return [sum((row.parts[level] for row in self.rows), ZERO) for level in self.shown]


def _ancestors_by_kind(unit_path: str, units_by_path: dict, steplen: int) -> dict:
    found = {}
    for depth in range(1, len(unit_path) // steplen + 1):
        unit = units_by_path.get(unit_path[: depth * steplen])
        if unit is not None:
            found[unit.kind] = unit
    return found


def share_out_report(*, user, period: ReportPeriod) -> dict:
    """Per union of the user's area what it keeps and owes upward (per level) of what its
    enterprises paid in the period, and per township the total owed upward: five queries at any
    size (the sums per union, the units, the county, the share table's two)."""
    table = share_table(period.year)
    sums = list(
        LedgerEntry.objects.filter(entry_in_scope_q(user), period.entries_q(), received__gt=0)
        .order_by()
        .values("fund_kind", "enterprise__union_id", "enterprise__township_id")
        .annotate(
            received=Coalesce(Sum("received"), Value(ZERO), output_field=_MONEY),
            enterprises=Count("enterprise_id", distinct=True),
        )
    )
    unit_ids = {row["enterprise__union_id"] for row in sums} | {row["enterprise__township_id"] for row in sums}
    units = {unit.pk: unit for unit in OrgUnit.objects.filter(pk__in=unit_ids - {None})}
    upper = {u.path: u for u in OrgUnit.objects.filter(kind__in=[OrgUnitKind.TOWNSHIP, OrgUnitKind.COUNTY])}
    steplen = OrgUnit.steplen
    grouped: dict[tuple, dict] = {}
    for row in sums:
        union = units.get(row["enterprise__union_id"])
        kind = row["fund_kind"] if union is not None else FundKind.PREPARATORY
        located = units.get(row["enterprise__township_id"])
        if kind == FundKind.FUND:
            ancestors = _ancestors_by_kind(union.path, upper, steplen)
            key = (kind, union.pk)
        else:
            ancestors = _ancestors_by_kind(located.path, upper, steplen) if located else {}
            union = None
            key = (kind, located.pk if located else None)
        group = grouped.setdefault(
            key,
            {"union": union, "kind": kind, "ancestors": ancestors, "received": ZERO, "enterprises": 0},
        )
        group["received"] += row["received"]
        group["enterprises"] += row["enterprises"]
    townships: dict = {}
    problems = set()
    for group in grouped.values():
        ancestors = group["ancestors"]
        township = ancestors.get(OrgUnitKind.TOWNSHIP)
        level_units = {
            ShareLevel.GRASSROOTS: group["union"].pk if group["union"] else None,
            **{level: getattr(ancestors.get(kind), "pk", None) for level, kind in _UNIT_KIND_OF_LEVEL.items()},
        }
        shares = table.shares_for(group["kind"], level_units)
        if sum(shares.values(), Decimal(0)) != ONE:
            problems.add(group["kind"])
        parts = split_cents(group["received"], shares, residual=_residual(group["kind"], shares))
        row = ShareRow(
            township=township,
            union=group["union"],
            kind=group["kind"],
            enterprises=group["enterprises"],
            received=group["received"],
            parts=parts,
            shares=shares,
        )
        townships.setdefault(township.pk if township else None, TownshipShare(township)).rows.append(row)
    ordered = sorted(townships.values(), key=lambda t: t.township.path if t.township else "~")
    for township in ordered:
        township.rows.sort(key=lambda r: (r.kind != FundKind.FUND, r.union.path if r.union else ""))
    all_rows = [row for township in ordered for row in township.rows]
    # Columns for the levels that receive a share (the levels above the county rarely do in a
    # county's table); a level left out has 0.00 in every row, so the parts still add up.
    shown = tuple(level for level in UPPER_LEVELS if any(row.shares[level] for row in all_rows)) or (ShareLevel.COUNTY,)
    for item in (*all_rows, *ordered):
        item.shown = shown
    total = TownshipShare(None, all_rows, shown)
    return {
        "period": period,
        "table_year": table.year,
        "townships": ordered,
        "total": total,
        "problems": sorted(problems),
        "levels": shown,
    }


# --- small-enterprise refunds (小微企业工会经费返还) --------------------------------------------


@dataclass
class RefundRow:
    enterprise_id: int
    name: str
    township: str
    union: str
    employees: int
    paid_year: Decimal
    paid_period: Decimal
    refund: Decimal


def refund_due(*, share: Decimal, cap: Decimal | None, paid_before: Decimal, paid_period: Decimal) -> Decimal:
    """The refund for a period: the year's refund up to the period's end less the year's refund
    before it, each `share × paid` rounded half up and at most `cap` for the year. So the
    periods' refunds add up to the year's refund, to the cent, and the cap is never passed."""

    def through(paid: Decimal) -> Decimal:
        refund = to_cents(paid * share)
        return min(refund, cap) if cap is not None else refund

    return through(paid_before + paid_period) - through(paid_before)


def refund_list(*, user, period: ReportPeriod) -> dict:
    """The enterprises of the user's area whose union-fund payments earn a refund for the period
    under the year's RefundRule (the rule of that year only: a refund is granted year by year),
    and how much: two queries. Eligible: enterprises paying 工会经费 (筹备金 has no union to
    refund to) with at most `max_employees` employees, or whose payments of the whole year are at
    most `max_yearly_amount`."""
    rule = RefundRule.objects.filter(year=period.year).first()
    if rule is None:
        return {"period": period, "rule": None, "rows": [], "total": ZERO}
    year_start = period.start.replace(month=1, day=1)
    year_end = period.start.replace(month=12, day=31)
    in_period = period.entries_q()
    before = Q(period_end__lt=period.start)
    entries = LedgerEntry.objects.filter(
        entry_in_scope_q(user),
        fund_kind=FundKind.FUND,
        period_start__gte=year_start,
        period_end__lte=year_end,
        enterprise__union__isnull=False,
    )
    if rule.basis == RefundBasis.EMPLOYEES:
        entries = entries.filter(enterprise__employee_count__lte=rule.max_employees)
    sums = (
        entries.order_by()
        .values(
            "enterprise_id",
            "enterprise__name",
            "enterprise__township__name",
            "enterprise__union__name",
            "enterprise__employee_count",
        )
        .annotate(
            paid_year=Coalesce(Sum("received"), Value(ZERO), output_field=_MONEY),
            paid_period=Coalesce(Sum("received", filter=in_period), Value(ZERO), output_field=_MONEY),
            paid_before=Coalesce(Sum("received", filter=before), Value(ZERO), output_field=_MONEY),
        )
        .order_by("enterprise__township__name", "enterprise__name", "enterprise_id")
    )
    if rule.basis == RefundBasis.YEARLY_AMOUNT:
        sums = sums.filter(paid_year__lte=rule.max_yearly_amount)
    rows = []
    for row in sums:
        refund = refund_due(
            share=rule.share, cap=rule.cap, paid_before=row["paid_before"], paid_period=row["paid_period"]
        )
        if refund <= 0:
            continue
        rows.append(
            RefundRow(
                enterprise_id=row["enterprise_id"],
                name=row["enterprise__name"],
                township=row["enterprise__township__name"],
                union=row["enterprise__union__name"],
                employees=row["enterprise__employee_count"],
                paid_year=row["paid_year"],
                paid_period=row["paid_period"],
                refund=refund,
            )
        )
    return {"period": period, "rule": rule, "rows": rows, "total": sum((r.refund for r in rows), ZERO)}


__all__ = [
    "ShareTable",
    "refund_due",
    "refund_list",
    "share_out_report",
    "share_table",
    "split_cents",
]
