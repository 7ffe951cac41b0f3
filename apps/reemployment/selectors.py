"""Reads of the re-employment app. Row scoping for cases, bases and targets lives here, once.

Who sees what: a case, a base, a target belong to a township; the staff of that township and
of the levels above it (the county's staff every township's) see them, nobody else.

The re-employed of a year are the cases whose employment began that year (`employed_on`); the
yearly report, the indicator `reemployment.reemployed` and the case list's filter
`?status=employed&employed_year=` all count through `reemployed_q`.
"""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.branches.choices import OrgUnitKind
from apps.branches.selectors import orgunit_list, user_scope_path

from .choices import CaseStatus, HelpKind
from .models import BaseYear, ReemploymentBase, ReemploymentCase, ReemploymentHelp, ReemploymentTarget


def _in_scope(user, relation: str = "township__") -> Q:
    prefix = user_scope_path(user)
    if prefix is None:
        return Q(pk__in=[])
    if prefix == "":
        return Q()
    return Q(**{f"{relation}path__startswith": prefix})


def _count(queryset, group: str) -> Coalesce:
    """A correlated COUNT(*) of `queryset` (filtered on OuterRef, grouped by `group`), 0 if none."""
    return Coalesce(
        Subquery(queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def reemployed_q(year: int, relation: str = "") -> Q:
    return Q(**{f"{relation}status": CaseStatus.EMPLOYED, f"{relation}employed_on__year": year})


# --- cases --------------------------------------------------------------------------------------


def case_list(*, user, filters: dict | None = None):
    """Cases of townships in the user's area, newest registration first. The encrypted ID number is
    not read (lists show the masked one). `filters`: "township" (a unit id), "status", "reason",
    "year" (registered that year), "employed_year" (re-employed that year), "member" (a member id)."""
    queryset = (
        ReemploymentCase.objects.filter(_in_scope(user))
        .select_related("township", "member", "employer")
        .defer("id_number", "member__id_number")
    )
    filters = filters or {}
    if filters.get("township"):
        queryset = queryset.filter(township_id=filters["township"])
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    if filters.get("reason"):
        queryset = queryset.filter(reason=filters["reason"])
    if filters.get("year"):
        queryset = queryset.filter(registered_on__year=filters["year"])
    if filters.get("employed_year"):
        queryset = queryset.filter(reemployed_q(int(filters["employed_year"])))
    if filters.get("member"):
        queryset = queryset.filter(member_id=filters["member"])
    return queryset.order_by("-registered_on", "-id")


def case_helps(case: ReemploymentCase):
    return case.helps.select_related("base", "given_by").order_by("given_on", "id")


def member_cases(*, user, member):
    """A member's cases the user may see (the member page's panel)."""
    return case_list(user=user, filters={"member": member.pk})


def township_choices(*, user):
    """The townships of the user's area (the register form, the filters, the target page)."""
    return orgunit_list(user=user).filter(kind=OrgUnitKind.TOWNSHIP).order_by("path")


# --- bases --------------------------------------------------------------------------------------


def base_list(*, user, year: int | None = None, active_only: bool = False):
    """Bases of townships in the user's area, each with `places` offered and `filled` in `year`
    (default this year), in one query however many."""
    year = year or timezone.localdate().year
    places = BaseYear.objects.filter(base=OuterRef("pk"), year=year).values("places")[:1]
    placements = ReemploymentHelp.objects.filter(base=OuterRef("pk"), kind=HelpKind.BASE, given_on__year=year)
    queryset = (
        ReemploymentBase.objects.filter(_in_scope(user))
        .select_related("township", "enterprise")
        .annotate(
            places=Coalesce(Subquery(places), Value(0), output_field=IntegerField()),
            filled=_count(placements, "base"),
        )
    )
    if active_only:
        queryset = queryset.filter(closed_on__isnull=True)
    return queryset.order_by("closed_on", "name", "id")


def base_years(base: ReemploymentBase):
    """A base's places per year with `filled`, newest year first (one query)."""
    placements = ReemploymentHelp.objects.filter(
        base=OuterRef("base"), kind=HelpKind.BASE, given_on__year=OuterRef("year")
    )
    return base.years.annotate(filled=_count(placements, "base")).order_by("-year")


def base_placements(*, user, base: ReemploymentBase):
    """The people placed at a base whose cases the user may see, newest first."""
    return (
        ReemploymentHelp.objects.filter(base=base, kind=HelpKind.BASE)
        .filter(_in_scope(user, "case__township__"))
        .select_related("case", "case__township")
        .defer("case__id_number")
        .order_by("-given_on", "-id")
    )


# --- targets and the yearly report ----------------------------------------------------------------


def target_list(*, user):
    return ReemploymentTarget.objects.filter(_in_scope(user)).select_related("township")


def yearly_report(*, user, year: int):
    """The townships of the user's area with, for `year`: `registered` (cases registered), `employed`
    (re-employed, `reemployed_q`), `seeking` (open cases registered that year), `target`
    (None: none set), `placed` (placements at bases). One query, whatever the number of townships."""
    cases = ReemploymentCase.objects.filter(township=OuterRef("pk"))
    target = ReemploymentTarget.objects.filter(township=OuterRef("pk"), year=year).values("persons")[:1]
    placements = ReemploymentHelp.objects.filter(case__township=OuterRef("pk"), kind=HelpKind.BASE, given_on__year=year)
    return township_choices(user=user).annotate(
        registered=_count(cases.filter(registered_on__year=year), "township"),
        employed=_count(cases.filter(reemployed_q(year)), "township"),
        seeking=_count(cases.filter(registered_on__year=year, status=CaseStatus.SEEKING), "township"),
        placed=_count(placements, "case__township"),
        target=Subquery(target, output_field=IntegerField()),
    )


def report_totals(rows) -> dict:
    """The report's sum line, from the rows already read (no query)."""
    totals = {"registered": 0, "employed": 0, "seeking": 0, "placed": 0, "target": 0}
    for row in rows:
        for key in totals:
            totals[key] += getattr(row, key) or 0
    return totals


def reemployed_counts(*, user, unit=None, year: int) -> dict:
    """The indicator's figures for the user's area (or `unit` in it), in one query: `employed` (as
    the report counts) and `target` (the townships' targets summed), and `credited`: per township
    the re-employed up to its target (a township above its target is at 100 %, not 数据待核实)."""
    queryset = target_list(user=user).filter(year=year)
    if unit is not None:
        queryset = queryset.filter(township__path__startswith=unit.path)
    employed = ReemploymentCase.objects.filter(reemployed_q(year), township=OuterRef("township"))
    rows = list(queryset.annotate(employed=_count(employed, "township")).values_list("persons", "employed"))
    return {
        "target": sum(p for p, _ in rows),
        "employed": sum(e for _, e in rows),
        "credited": sum(min(p, e) for p, e in rows),
    }


def reemployed_total(*, user, year: int) -> int:
    return ReemploymentCase.objects.filter(_in_scope(user)).filter(reemployed_q(year)).aggregate(n=Count("pk"))["n"]
