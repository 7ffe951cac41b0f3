"""集体合同签订率: which unionised enterprises a contract in force covers, per township.

The one definition, read by the coverage page, the list behind each of its numbers, the
indicator (home page, assessment), the township and union panels and the home page's
pre-computed figures (apps.overview):

- the base (denominator) is the formation rate's unionised enterprises: the enterprises
  `apps.branches.selectors.formation_enterprises` counts whose union the level above approved
  (the `unionised` of `formation_aggregates`, taken from there, not restated here);
- an enterprise is covered on a day when at least one contract in force on that day lists it
  (`apps.contracts.models.contract_in_force_on` on its coverage rows): its own enterprise
  contract, or a regional or industry contract that names it, of any kind; beside it, covered by
  a comprehensive (综合性), a wage (工资专项) and a women workers' (女职工专项) contract in force;
- workers covered: the employees (`employee_count`) of the covered unionised enterprises; and the
  contracts' own `workers_covered` figures, summed over the contracts in force of the township;
- the day: today for the current year, 31 December for a past year;
- rows are the enterprises' townships (`Enterprise.township`), as for the formation rate.

Every count is one aggregate query with filtered counts over EXISTS subqueries, whatever the
number of townships, enterprises and contracts.
"""

import datetime

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.branches.choices import GRASSROOTS_KINDS, OrgUnitKind
from apps.branches.models import Enterprise
from apps.branches.selectors import enterprise_list, formation_aggregates, formation_enterprises, orgunit_list

from ..choices import ContractKind
from ..models import Contract, ContractCoverage, contract_in_force_on
from .scoping import contract_in_scope_q

__all__ = [
    "COVERED_CHOICES",
    "coverage_counts",
    "coverage_counts_by_township",
    "coverage_day",
    "coverage_enterprises",
    "coverage_enterprises_filter",
    "coverage_rate_by_township",
    "coverage_years",
    "enterprise_contracts",
    "enterprise_is_covered",
]

# What the list behind each number shows (`coverage_enterprises(covered=...)`).
COVERED_CHOICES = {
    "any": "已签订集体合同",
    "none": "未签订集体合同",
    "comprehensive": "已签综合性集体合同",
    "wage": "已签工资专项集体合同",
    "women": "已签女职工专项集体合同",
    "wage_missing": "未签工资专项集体合同",
    "women_missing": "未签女职工专项集体合同",
}

# The kinds counted beside "any contract" (key in the counts: the contract kind or None for any).
_KINDS = {
    "covered": None,
    "comprehensive": ContractKind.COMPREHENSIVE,
    "wage": ContractKind.WAGE,
    "women": ContractKind.WOMEN,
}

EMPTY_COUNTS = {
    "unionised": 0,
    "covered": 0,
    "comprehensive": 0,
    "wage": 0,
    "women": 0,
    "workers": 0,
    "workers_covered": 0,
}


def coverage_day(year: int | None = None, *, today: datetime.date | None = None) -> datetime.date:
    """The day the rate is counted on: today in the current year (or a later one), 31 December of a past one."""
    today = today or timezone.localdate()
    if year is None or year >= today.year:
        return today
    return datetime.date(year, 12, 31)


def coverage_years(*, today: datetime.date | None = None, back: int = 10) -> list[int]:
    """The years the page offers, newest first (no query)."""
    today = today or timezone.localdate()
    return list(range(today.year, today.year - back, -1))


def _unionised_q() -> Q:
    """`unionised` as the formation rate counts it (an approved union), from its own definition."""
    return formation_aggregates()["unionised"].filter


def _in_force(day: datetime.date, kind=None):
    """EXISTS a contract in force on `day` (of `kind`, if given) covering the outer enterprise."""
    rows = ContractCoverage.objects.filter(enterprise=OuterRef("pk")).filter(
        contract_in_force_on(day, prefix="contract__")
    )
    if kind is not None:
        rows = rows.filter(contract__kind=kind)
    return Exists(rows)


def _unionised(queryset=None):
    """The base: the formation rate's enterprises with an approved union."""
    return formation_enterprises(queryset).filter(_unionised_q())


def _aggregates(day: datetime.date) -> dict:
    covered = _in_force(day)
    aggregates = {name: Count("pk", filter=_in_force(day, kind)) for name, kind in _KINDS.items()}
    aggregates["unionised"] = Count("pk")
    aggregates["workers"] = Coalesce(Sum("employee_count"), Value(0), output_field=IntegerField())
    aggregates["workers_covered"] = Coalesce(
        Sum("employee_count", filter=covered), Value(0), output_field=IntegerField()
    )
    return aggregates


def coverage_counts_by_township(queryset=None, *, day: datetime.date) -> dict:
    """{township id: {"unionised", "covered", "comprehensive", "wage", "women", "workers",
    "workers_covered"}} of the enterprises in `queryset` (all when None) on `day`: one query."""
    rows = _unionised(queryset).order_by().values("township_id").annotate(**_aggregates(day))
    return {row.pop("township_id"): row for row in rows}


def _townships(*, user, unit=None):
    townships = orgunit_list(user=user).filter(kind=OrgUnitKind.TOWNSHIP)
    if unit is not None:
        townships = townships.filter(path__startswith=unit.path)
    return townships


def _contract_counts_by_township(*, user, townships, day) -> dict:
    """{township id: {"contracts", "contract_workers"}}: contracts in force and their own workers_covered."""
    rows = (
        Contract.objects.filter(contract_in_scope_q(user))
        .in_force_on(day)
        .filter(township__in=townships)
        .order_by()
        .values("township_id")
        .annotate(contracts=Count("pk"), contract_workers=Coalesce(Sum("workers_covered"), Value(0)))
    )
    return {row.pop("township_id"): row for row in rows}


def _with_rates(row: dict) -> dict:
    base = row["unionised"]
    for name in ("covered", "comprehensive", "wage", "women"):
        row[f"{name}_rate"] = row[name] / base if base else None
    row["rate"] = row["covered_rate"]
    row["uncovered"] = base - row["covered"]
    row["wage_missing"] = base - row["wage"]
    row["women_missing"] = base - row["women"]
    return row


def coverage_rate_by_township(*, user, year: int | None = None, today: datetime.date | None = None) -> dict:
    """签订率 per township in the user's area and the total: three queries at any size.

    {"day", "rows": [{"township", counts..., rates...}], "total": {counts..., rates...}}.
    A grassroots officer's area holds no township: no rows (their union's enterprises are on
    the list, `coverage_enterprises`).
    """
    day = coverage_day(year, today=today)
    townships = list(_townships(user=user).order_by("path"))
    counts = coverage_counts_by_township(Enterprise.objects.filter(township__in=townships), day=day)
    contracts = _contract_counts_by_township(user=user, townships=townships, day=day)
    rows = []
    total = {**EMPTY_COUNTS, "contracts": 0, "contract_workers": 0}
    for township in townships:
        row = {
            **EMPTY_COUNTS,
            **counts.get(township.pk, {}),
            **contracts.get(township.pk, {"contracts": 0, "contract_workers": 0}),
        }
        for name in total:
            total[name] += row[name]
        rows.append({"township": township, **_with_rates(row)})
    return {"day": day, "rows": rows, "total": _with_rates(total)}


def coverage_counts(*, user, unit=None, year: int | None = None, today: datetime.date | None = None) -> dict | None:
    """The counts of `coverage_counts_by_township` under one unit (a township or higher; None: the
    user's area), summed, one query; None for a grassroots union, to which the rate does not apply."""
    unit = unit if unit is not None else user.org_unit
    if unit is not None and unit.kind in GRASSROOTS_KINDS:
        return None
    day = coverage_day(year, today=today)
    located = Enterprise.objects.filter(township__in=_townships(user=user, unit=unit).values("pk"))
    counts = _unionised(located).aggregate(**_aggregates(day))
    return _with_rates({**counts, "day": day})


def coverage_enterprises(
    *, user, township=None, covered: str | None = None, year: int | None = None, today: datetime.date | None = None
):
    """The list behind each number: the user's unionised enterprises (of `township`), by `covered`
    (a key of COVERED_CHOICES; None: the whole base), on the day of `year`, each with
    `contracts_in_force` (the contracts in force that day covering it, one query for a page).

    Scoped as the enterprise list (a grassroots officer: their union's enterprises).
    """
    return coverage_enterprises_filter(
        _unionised(enterprise_list(user=user)), township=township, covered=covered, year=year, today=today
    )


def coverage_enterprises_filter(
    queryset, *, township=None, covered: str | None = None, year: int | None = None, today: datetime.date | None = None
):
    """`coverage_enterprises`' filters on a queryset of it (the list's filter set applies them)."""
    day = coverage_day(year, today=today)
    if township is not None:
        queryset = queryset.filter(township=township)
    if covered:
        kinds = {"wage": ContractKind.WAGE, "women": ContractKind.WOMEN, "comprehensive": ContractKind.COMPREHENSIVE}
        if covered == "any":
            queryset = queryset.filter(_in_force(day))
        elif covered == "none":
            queryset = queryset.filter(~_in_force(day))
        elif covered in kinds:
            queryset = queryset.filter(_in_force(day, kinds[covered]))
        elif covered in ("wage_missing", "women_missing"):
            queryset = queryset.filter(~_in_force(day, kinds[covered.removesuffix("_missing")]))
        else:
            raise ValueError(covered)
    in_force = (
        Contract.objects.in_force_on(day).only("pk", "number", "kind", "scope", "term_end").order_by("kind", "number")
    )
    return queryset.prefetch_related(None).prefetch_related(
        Prefetch("covering_contracts", queryset=in_force, to_attr="contracts_in_force")
    )


def enterprise_contracts(*, user, enterprise, day: datetime.date | None = None, rows: int = 20) -> dict:
    """The enterprise page's contracts panel, one query: the contracts the user may see that cover
    `enterprise` (any status), newest first, each with `in_force` (on `day`, default today), the
    first `rows` of them and whether there are `more`; and `covered` (enterprise_is_covered).

    The query also reads the contracts in force the user may not see (a county-wide industry
    contract covers a township's enterprise too), sorted after the visible ones and never
    returned: with no visible contract, one of them is the row that says the enterprise is
    covered. The flag is the EXISTS of enterprise_is_covered, the same on every row.
    """
    day = day or timezone.localdate()
    # `visible` as an EXISTS on the row's own pk: an expression whatever the user's scope is (the
    # county's empty Q, or none at all), which a bare Q in an annotation is not.
    visible = Exists(Contract.objects.filter(contract_in_scope_q(user), pk=OuterRef("pk")))
    found = list(
        Contract.objects.filter(coverage__enterprise=enterprise)
        .annotate(
            visible=visible,
            in_force=ExpressionWrapper(contract_in_force_on(day), output_field=BooleanField()),
            covered=Exists(_covering_in_force(enterprise, day=day)),
        )
        .filter(Q(visible=True) | Q(in_force=True))
        .select_related("union")
        .defer("women_protections", "main_terms")
        .order_by("-visible", "-requested_on", "-id")[: rows + 1]
    )
    contracts = [contract for contract in found if contract.visible]
    return {
        "contracts": contracts[:rows],
        "more": len(contracts) > rows,
        "covered": found[0].covered if found else False,
    }


def _covering_in_force(enterprise, *, day: datetime.date):
    return ContractCoverage.objects.filter(enterprise=enterprise).filter(contract_in_force_on(day, prefix="contract__"))


def enterprise_is_covered(enterprise, *, day: datetime.date | None = None) -> bool:
    """Whether a contract in force on `day` (default today) covers the enterprise, whoever may see
    that contract (a county-wide industry contract covers a township's enterprise too): one query."""
    return _covering_in_force(enterprise, day=day or timezone.localdate()).exists()
