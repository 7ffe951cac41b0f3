"""The branches app's rates (registered in BranchesConfig.ready())."""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.indicators import Rate, register_indicator

from .choices import GRASSROOTS_KINDS, MeetingKind, OrgUnitKind, SubCommitteeKind
from .selectors import (
    formation_counts,
    subcommittee_counts,
    titled_counts,
    township_meeting_counts,
    township_titled_counts,
)


def formation_rate(*, user, unit=None, counts: dict | None = None) -> Rate | None:
    """工会组建率: enterprises with an approved union ÷ active enterprises with 25+ employees.

    `counts`: {"total", "unionised"} as `formation_counts` counts them, pre-computed for the
    home page (apps.overview counts them through the same selectors).
    """
    unit = unit if unit is not None else user.org_unit
    if unit is not None and unit.kind in GRASSROOTS_KINDS:
        return None
    if counts is None:
        counts = formation_counts(user=user, unit=unit)
    query = {"min_employees": settings.FORMATION_RATE_MIN_EMPLOYEES}
    if unit is not None and unit.kind == OrgUnitKind.TOWNSHIP:
        query["township"] = unit.pk
    return Rate(
        numerator=counts["unionised"],
        denominator=counts["total"],
        numerator_label="已批准建会企业",
        denominator_label=f"{settings.FORMATION_RATE_MIN_EMPLOYEES}人以上企业",
        url=reverse("branches:formation_rate"),
        numerator_url=f"{reverse('branches:enterprise_list')}?{urlencode({**query, 'union_status': 'approved'})}",
        denominator_url=f"{reverse('branches:enterprise_list')}?{urlencode(query)}",
    )


# --- the yearly assessment's rates of the organisation (issue 17) -------------------------------
#
# Each is one query through apps.branches.selectors, applies to a township or a higher unit (None
# for a grassroots union) and links its two numbers to the union or township list that shows
# exactly those rows. They are left off the home page (held at 10 queries): the county
# assessment reads them from the registry.


def _scope(*, user, unit):
    """The unit counted (None: the user's whole area), or False when the rates do not apply."""
    unit = unit if unit is not None else user.org_unit
    if unit is not None and unit.kind in GRASSROOTS_KINDS:
        return False
    return unit


def _township_query(unit) -> dict:
    return {"township": unit.pk} if unit is not None and unit.kind == OrgUnitKind.TOWNSHIP else {}


def _list(name: str, query: dict) -> str:
    return f"{reverse(name)}?{urlencode(query)}"


def _subcommittee_rate(*, user, unit, kind, numerator_label: str) -> Rate | None:
    unit = _scope(user=user, unit=unit)
    if unit is False:
        return None
    counts = subcommittee_counts(user=user, unit=unit, kind=kind)
    # SUBCOMMITTEE_BASE as the union list's filters spell it.
    query = {**_township_query(unit), "status": "approved", "formation_form": "committee", "is_active": "true"}
    return Rate(
        numerator=counts["with_"],
        denominator=counts["total"],
        numerator_label=numerator_label,
        denominator_label="已批准建会的基层工会（工会委员会）",
        numerator_url=_list("branches:union_list", {**query, "subcommittee": kind}),
        denominator_url=_list("branches:union_list", query),
    )


def subcommittee_audit_rate(*, user, unit=None) -> Rate | None:
    """经审会同步组建率: approved grassroots unions with a committee that have set up their fund
    audit committee ÷ those unions (selectors.SUBCOMMITTEE_BASE: an organiser's union sets up none)."""
    return _subcommittee_rate(
        user=user, unit=unit, kind=SubCommitteeKind.FUND_AUDIT, numerator_label="已建经费审查委员会的基层工会"
    )


def subcommittee_women_rate(*, user, unit=None) -> Rate | None:
    """女职委同步组建率: as `subcommittee_audit_rate`, for the women workers' committee."""
    return _subcommittee_rate(
        user=user, unit=unit, kind=SubCommitteeKind.WOMEN, numerator_label="已建女职工委员会的基层工会"
    )


def _meeting_rate(*, user, unit, year, kind, numerator_label: str) -> Rate | None:
    unit = _scope(user=user, unit=unit)
    if unit is False:
        return None
    year = year or timezone.localdate().year
    counts = township_meeting_counts(user=user, unit=unit, kind=kind, year=year)
    query = {"kind": OrgUnitKind.TOWNSHIP.value, **_township_query(unit)}
    return Rate(
        numerator=counts["with_"],
        denominator=counts["total"],
        numerator_label=numerator_label.format(year=year),
        denominator_label="乡镇（街道）工会",
        numerator_url=_list("branches:orgunit_list", {**query, "held": kind, "held_year": year}),
        denominator_url=_list("branches:orgunit_list", query),
    )


def joint_meeting_held(*, user, unit=None, year: int | None = None) -> Rate | None:
    """党政工联席会议: townships that held at least one in `year` ÷ townships (a township: 1/1 or 0/1)."""
    return _meeting_rate(
        user=user,
        unit=unit,
        year=year,
        kind=MeetingKind.JOINT_MEETING,
        numerator_label="{year}年召开党政工联席会议的乡镇",
    )


def township_congress_held(*, user, unit=None, year: int | None = None) -> Rate | None:
    """乡镇工会大会: townships that held it in `year` ÷ townships (a township: 1/1 or 0/1)."""
    return _meeting_rate(
        user=user,
        unit=unit,
        year=year,
        kind=MeetingKind.TOWNSHIP_ASSEMBLY,
        numerator_label="{year}年召开乡镇工会大会的乡镇",
    )


def titles_earned(*, user, unit=None, year: int | None = None) -> Rate | None:
    """称号: approved grassroots unions holding a title (合格示范, 省百强, 职工之家: any of
    RatingTitle) awarded for `year` ÷ approved grassroots unions (selectors.TITLED_BASE).

    A township union's own title is not a grassroots union's: it is in neither side.
    """
    unit = _scope(user=user, unit=unit)
    if unit is False:
        return None
    year = year or timezone.localdate().year
    counts = titled_counts(user=user, unit=unit, year=year)
    query = {**_township_query(unit), "status": "approved", "is_active": "true"}
    return Rate(
        numerator=counts["with_"],
        denominator=counts["total"],
        numerator_label=f"{year}年获得称号的基层工会",
        denominator_label="已批准建会的基层工会",
        numerator_url=_list("branches:union_list", {**query, "title_year": year}),
        denominator_url=_list("branches:union_list", query),
    )


def township_titles_earned(*, user, unit=None, year: int | None = None) -> Rate | None:
    """乡镇工会称号: townships whose union holds a title awarded for `year` (合格示范, 省百强
    乡镇工会) ÷ townships (a township: 1/1 or 0/1); the grassroots unions' are `titles_earned`."""
    unit = _scope(user=user, unit=unit)
    if unit is False:
        return None
    year = year or timezone.localdate().year
    counts = township_titled_counts(user=user, unit=unit, year=year)
    query = {"kind": OrgUnitKind.TOWNSHIP.value, **_township_query(unit)}
    return Rate(
        numerator=counts["with_"],
        denominator=counts["total"],
        numerator_label=f"{year}年获得称号的乡镇（街道）工会",
        denominator_label="乡镇（街道）工会",
        numerator_url=_list("branches:orgunit_list", {**query, "title_year": year}),
        denominator_url=_list("branches:orgunit_list", query),
    )


def register() -> None:
    """The assessment's rates of the organisation (the formation rate is registered in apps.py)."""
    rates = [
        ("subcommittee_audit_rate", subcommittee_audit_rate, _("Fund audit committees set up"), 110, False),
        ("subcommittee_women_rate", subcommittee_women_rate, _("Women workers' committees set up"), 120, False),
        ("joint_meeting_held", joint_meeting_held, _("Joint meetings held"), 130, True),
        ("township_congress_held", township_congress_held, _("Township union assemblies held"), 140, True),
        ("titles_earned", titles_earned, _("Titles earned"), 150, True),
        ("township_titles_earned", township_titles_earned, _("Township union titles earned"), 160, True),
    ]
    for name, func, label, order, per_year in rates:
        register_indicator(
            f"branches.{name}",
            func,
            label=label,
            permission="branches.view_orgunit",
            order=order,
            per_year=per_year,
            home_page=False,
        )
