"""The contracts app's indicators (registered in ContractsConfig.ready())."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.branches.choices import GRASSROOTS_KINDS, OrgUnitKind
from apps.core.indicators import Rate, register_indicator

from .selectors.coverage import coverage_counts, coverage_day


def coverage_rate(*, user, unit=None, year: int | None = None, counts: dict | None = None) -> Rate | None:
    """集体合同签订率: unionised enterprises covered by a contract in force ÷ unionised enterprises
    (apps.contracts.selectors.coverage), today or on 31 December of a past `year`.

    `counts`: {"unionised", "covered"} as `coverage_counts` counts them, pre-computed for the home
    page (apps.overview counts them through the same selectors, for today).
    """
    unit = unit if unit is not None else user.org_unit
    if unit is not None and unit.kind in GRASSROOTS_KINDS:
        return None
    if counts is None:
        counts = coverage_counts(user=user, unit=unit, year=year)
    query = {}
    if unit is not None and unit.kind == OrgUnitKind.TOWNSHIP:
        query["township"] = unit.pk
    past = year is not None and year < coverage_day().year
    if past:
        query["year"] = year
    enterprises = reverse("contracts:coverage_enterprises")
    page = reverse("contracts:coverage")
    return Rate(
        numerator=counts["covered"],
        denominator=counts["unionised"],
        numerator_label="已签集体合同企业",
        denominator_label="已建会企业",
        url=f"{page}?{urlencode({'year': year})}" if past else page,
        numerator_url=f"{enterprises}?{urlencode({**query, 'covered': 'any'})}",
        denominator_url=f"{enterprises}?{urlencode(query)}" if query else enterprises,
    )


def _special_coverage_rate(*, user, unit, year, kind: str, numerator_label: str) -> Rate | None:
    """The share of `coverage_rate`'s unionised enterprises covered by a `kind` ("wage" or "women")
    contract in force on the day: the same counts (selectors.coverage), the kind's column."""
    unit = unit if unit is not None else user.org_unit
    if unit is not None and unit.kind in GRASSROOTS_KINDS:
        return None
    counts = coverage_counts(user=user, unit=unit, year=year)
    query = {}
    if unit is not None and unit.kind == OrgUnitKind.TOWNSHIP:
        query["township"] = unit.pk
    if year is not None and year < coverage_day().year:
        query["year"] = year
    enterprises = reverse("contracts:coverage_enterprises")
    page = reverse("contracts:coverage")
    return Rate(
        numerator=counts[kind],
        denominator=counts["unionised"],
        numerator_label=numerator_label,
        denominator_label="已建会企业",
        url=f"{page}?{urlencode({'year': year})}" if "year" in query else page,
        numerator_url=f"{enterprises}?{urlencode({**query, 'covered': kind})}",
        denominator_url=f"{enterprises}?{urlencode(query)}" if query else enterprises,
    )


def wage_coverage_rate(*, user, unit=None, year: int | None = None) -> Rate | None:
    """工资专项集体合同覆盖率: unionised enterprises covered by a wage contract in force ÷ unionised enterprises."""
    return _special_coverage_rate(
        user=user, unit=unit, year=year, kind="wage", numerator_label="已签工资专项集体合同企业"
    )


def women_coverage_rate(*, user, unit=None, year: int | None = None) -> Rate | None:
    """女职工专项集体合同覆盖率: unionised enterprises covered by a women workers' contract in force
    ÷ unionised enterprises."""
    return _special_coverage_rate(
        user=user, unit=unit, year=year, kind="women", numerator_label="已签女职工专项集体合同企业"
    )


def register() -> None:
    register_indicator(
        "contracts.coverage",
        coverage_rate,
        label=_("Collective contract coverage"),
        permission="contracts.view_contract",
        order=250,
        per_year=True,
        summarised=True,  # the home page passes apps.overview's pre-computed totals
    )
    for key, func, label, order in (
        ("contracts.wage_coverage", wage_coverage_rate, _("Wage contract coverage"), 260),
        ("contracts.women_coverage", women_coverage_rate, _("Women workers' contract coverage"), 270),
    ):
        register_indicator(
            key, func, label=label, permission="contracts.view_contract", order=order, per_year=True, home_page=False
        )
