"""Reads of the branches app. Row scoping for org units lives here and only here."""

from django.db.models import Count, Q

from .choices import COUNTY_AND_ABOVE_KINDS, GRASSROOTS_KINDS, FormationForm, OrgUnitKind, UnionStatus
from .models import OrgUnit


def user_scope_path(user) -> str | None:
    """The path prefix of everything the user may see; '' for all, None for nothing."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return ""
    if user.org_unit_id is None:
        return None
    return user.org_unit.path


def user_oversees_townships(user) -> bool:
    """County (or higher) staff, and users with no unit: their lists span many townships, so
    choice lists ask them for a township first and big lists are read in their display order."""
    return user.org_unit is None or user.org_unit.kind in COUNTY_AND_ABOVE_KINDS


def orgunit_list(*, user, filters=None):
    """Org units in the user's subtree: county staff the county, township staff the township."""
    prefix = user_scope_path(user)
    if prefix is None:
        return OrgUnit.objects.none()
    queryset = OrgUnit.objects.all() if prefix == "" else OrgUnit.objects.filter(path__startswith=prefix)
    filters = filters or {}
    if filters.get("q"):
        queryset = queryset.filter(name__icontains=filters["q"])
    if filters.get("kind"):
        queryset = queryset.filter(kind=filters["kind"])
    return queryset.order_by("path")


def orgunit_neighbourhood(*, user, unit) -> tuple[list, list]:
    """A unit's visible ancestors (breadcrumbs) and its children, in one query."""
    paths = [unit.path[: i * unit.steplen] for i in range(1, unit.depth)]
    units = (
        orgunit_list(user=user)
        .filter(Q(path__in=paths) | Q(path__startswith=unit.path, depth=unit.depth + 1))
        .order_by("depth", "name")
    )
    ancestors, children = [], []
    for other in units:
        (ancestors if other.depth < unit.depth else children).append(other)
    return ancestors, children


def union_approval_parties(union) -> tuple:
    """The 工会成立批复's addressee and signer, whoever prints it (not scoped to the reader: a
    grassroots officer prints their own union's approval without seeing the township): the
    union's parent by path (the township that registered it) and the level above it (the county
    union, which approves; the parent itself when that is the top). One query."""
    step = union.steplen
    parent_path = union.path[: (union.depth - 1) * step]
    above_path = union.path[: max(union.depth - 2, 1) * step]
    units = {u.path: u for u in OrgUnit.objects.filter(path__in=[parent_path, above_path])}
    return units.get(parent_path), units.get(above_path)


def orgunit_overview(*, user):
    """The home page's summary: the user's own unit and how many units of each kind it holds."""
    prefix = user_scope_path(user)
    if prefix is None:
        return {"unit": None, "counts": {}}
    # What lies under the user's own unit: the unit itself is never one of its own 下辖 units.
    units = orgunit_list(user=user)
    if not user.is_superuser and user.org_unit_id is not None:
        units = units.exclude(pk=user.org_unit_id)
    counts = units.aggregate(
        townships=Count("pk", filter=Q(kind=OrgUnitKind.TOWNSHIP)),
        grassroots=Count("pk", filter=Q(kind__in=GRASSROOTS_KINDS)),
        total=Count("pk"),
    )
    return {"unit": user.org_unit if not user.is_superuser else None, "counts": counts}


def enterprise_list(*, user):
    """Enterprises of the townships in the user's subtree, or covered by a union in it."""
    from .models import Enterprise

    prefix = user_scope_path(user)
    queryset = Enterprise.objects.select_related("township", "union")
    if prefix is None:
        return queryset.none()
    if prefix == "":
        return queryset
    units_in_scope = OrgUnit.objects.filter(path__startswith=prefix).values("pk")
    in_scope = Q(township_id__in=units_in_scope) | Q(union_id__in=units_in_scope)
    if user_oversees_townships(user):
        # Thousands of enterprises: read them in name order (index) and keep those in scope.
        return queryset.filter(in_scope)
    # A township's hundred among a city's tens of thousands: two index lookups joined by
    # UNION. (Either way round, the other plan cost 40 ms at ten counties: issue 6's benchmark.)
    located = Enterprise.objects.filter(township_id__in=units_in_scope).values("pk")
    covered = Enterprise.objects.filter(union_id__in=units_in_scope).values("pk")
    return queryset.filter(pk__in=located.union(covered))


def enterprise_search(queryset, q: str):
    """One box for a part of an enterprise's name or its whole credit code (in any of the
    spellings the credit-code check cleans up); the enterprise list and the header search ask here."""
    from .validators import normalize_credit_code

    q = (q or "").strip()
    if not q:
        return queryset
    if enterprise_search_is_exact(q):
        return queryset.filter(credit_code=normalize_credit_code(q))
    return queryset.filter(name__icontains=q)


def enterprise_search_is_exact(q: str) -> bool:
    """Whether `enterprise_search` takes the term for a whole credit code (an indexed lookup)."""
    from .validators import normalize_credit_code

    return len(normalize_credit_code((q or "").strip())) == 18


def formation_enterprises(queryset=None, *, min_employees: int | None = None):
    """The enterprises the 工会组建率 counts: active ones with at least `min_employees` employees.

    The one definition of the formation rate, with `formation_aggregates`: the formation-rate page,
    the indicator and the home page's pre-computed figures (apps.overview) all count through these.
    """
    from django.conf import settings

    from .models import Enterprise

    if min_employees is None:
        min_employees = settings.FORMATION_RATE_MIN_EMPLOYEES
    queryset = Enterprise.objects.all() if queryset is None else queryset
    return queryset.filter(archived_at__isnull=True, employee_count__gte=min_employees)


def formation_aggregates() -> dict:
    """What is counted of those enterprises. A union counts once the level above approved it (工会法 art. 12)."""
    return {
        "total": Count("pk"),
        "unionised": Count("pk", filter=Q(union__status=UnionStatus.APPROVED)),
        "pending": Count("pk", filter=Q(union__status=UnionStatus.PENDING)),
    }


def formation_counts_by_township(queryset=None, *, min_employees: int | None = None) -> dict:
    """{township id: {"total", "unionised", "pending"}} of the enterprises in `queryset`: one query."""
    rows = (
        formation_enterprises(queryset, min_employees=min_employees)
        .order_by()
        .values("township_id")
        .annotate(**formation_aggregates())
    )
    return {row.pop("township_id"): row for row in rows}


def formation_rate_by_township(*, user, min_employees: int | None = None):
    """工会组建率 per township: unionised / active enterprises with at least `min_employees`.

    Two queries whatever the number of townships and enterprises.
    """
    from .models import Enterprise

    townships = list(orgunit_list(user=user).filter(kind=OrgUnitKind.TOWNSHIP).order_by("path"))
    counts = formation_counts_by_township(
        Enterprise.objects.filter(township__in=townships), min_employees=min_employees
    )
    rows = []
    for township in townships:
        row = counts.get(township.pk, {"total": 0, "unionised": 0, "pending": 0})
        rate = row["unionised"] / row["total"] if row["total"] else None
        rows.append(
            {
                "township": township,
                "total": row["total"],
                "unionised": row["unionised"],
                "pending": row["pending"],
                "rate": rate,
            }
        )
    return rows


def formation_counts(*, user, unit=None) -> dict | None:
    """The formation rate's counts under one unit (township or higher; None: the user's area), one query.

    Counts what `formation_rate_by_township` counts for the townships under the unit, summed.
    None for a grassroots union, to which the rate does not apply.
    """
    from .models import Enterprise

    unit = unit if unit is not None else user.org_unit
    if unit is not None and unit.kind in GRASSROOTS_KINDS:
        return None
    townships = orgunit_list(user=user).filter(kind=OrgUnitKind.TOWNSHIP)
    if unit is not None:
        townships = townships.filter(path__startswith=unit.path)
    return formation_enterprises(Enterprise.objects.filter(township__in=townships.values("pk"))).aggregate(
        **formation_aggregates()
    )


def union_list(*, user):
    """Grassroots unions in the user's subtree, with their township's name and enterprise count.

    Both are correlated subqueries, computed for the page's rows only: a GROUP BY over every
    union would cost the whole province on each page view.
    """
    from django.db.models import IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce, Length, Substr

    from .models import Enterprise

    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - OrgUnit.steplen)
    covered = Enterprise.objects.filter(union=OuterRef("pk")).order_by().values("union").annotate(n=Count("pk"))
    return (
        orgunit_list(user=user)
        .filter(kind__in=GRASSROOTS_KINDS)
        .annotate(
            township_name=Subquery(OrgUnit.objects.filter(path=parent_path).values("name")[:1]),
            enterprise_count=Coalesce(Subquery(covered.values("n"), output_field=IntegerField()), 0),
        )
    )


def _in_scope(user, relation):
    """Rows hanging on an org unit (via `relation`) inside the user's subtree."""
    prefix = user_scope_path(user)
    if prefix is None:
        return Q(pk__in=[])
    if prefix == "":
        return Q()
    return Q(**{f"{relation}__path__startswith": prefix})


def meeting_list(*, user):
    from .models import Meeting

    return Meeting.objects.filter(_in_scope(user, "org_unit")).select_related("org_unit", "enterprise")


def subcommittee_list(*, user):
    from .models import SubCommittee

    return SubCommittee.objects.filter(_in_scope(user, "union")).select_related("union")


def officer_list(*, user):
    from .models import Officer

    return Officer.objects.filter(_in_scope(user, "union")).select_related("union")


def election_list(*, user):
    from .models import Election

    return Election.objects.filter(_in_scope(user, "union")).select_related("union", "recorded_by")


def rating_list(*, user):
    from .models import Rating

    return Rating.objects.filter(_in_scope(user, "org_unit")).select_related("org_unit")


def union_terms_ending(units, *, today):
    """Active grassroots unions among `units` whose term ends within TERM_END_REMINDER_DAYS (or has ended).

    The yearly compliance check and the to-do list both take their terms ending from here.
    """
    import datetime

    from django.conf import settings

    horizon = today + datetime.timedelta(days=settings.TERM_END_REMINDER_DAYS)
    return units.filter(
        is_active=True, archived_at__isnull=True, kind__in=GRASSROOTS_KINDS, term_end__lte=horizon
    ).order_by("term_end", "path")


# --- sub-committees a union should have ------------------------------------------------------

# 同步建立: a grassroots union that forms a union committee sets up its women workers', fund
# audit and mediation committees with it, from its registration on (pending or approved), for
# as long as it is active. A union with an organiser (组织员), or whose form is not recorded, has
# none to set up. The union's page and the yearly compliance check (and its reminders) ask this.
SUBCOMMITTEES_EXPECTED = Q(
    kind__in=GRASSROOTS_KINDS,
    formation_form=FormationForm.COMMITTEE,
    status__in=[UnionStatus.PENDING, UnionStatus.APPROVED],
    is_active=True,
    archived_at__isnull=True,
)


def subcommittees_expected(union) -> bool:
    return (
        union.is_grassroots
        and union.formation_form == FormationForm.COMMITTEE
        and union.status in (UnionStatus.PENDING, UnionStatus.APPROVED)
        and union.is_active
        and union.archived_at is None
    )


def subcommittees_missing(union, *, kinds_present) -> list[str]:
    """The labels of the sub-committees `union` should have and has not (none when it need not)."""
    from .choices import SubCommitteeKind

    if not subcommittees_expected(union):
        return []
    return [str(kind.label) for kind in SubCommitteeKind if kind not in set(kinds_present)]


# --- the yearly assessment's rates of the organisation (apps.branches.indicators) ----------------

# The unions the 同步组建率 counts: approved grassroots unions that must set up their
# sub-committees (the rule above: a committee, active, not archived). An organiser's union has
# none to set up, so it is in neither side of the rate.
SUBCOMMITTEE_BASE = SUBCOMMITTEES_EXPECTED & Q(status=UnionStatus.APPROVED)

# The unions the titles rate counts: approved grassroots unions, active and not archived.
TITLED_BASE = Q(kind__in=GRASSROOTS_KINDS, status=UnionStatus.APPROVED, is_active=True, archived_at__isnull=True)


def _under(queryset, unit):
    return queryset if unit is None else queryset.filter(path__startswith=unit.path)


def has_subcommittee(kind):
    """EXISTS a sub-committee of `kind` of the outer union."""
    from django.db.models import Exists, OuterRef

    from .models import SubCommittee

    return Exists(SubCommittee.objects.filter(union=OuterRef("pk"), kind=kind))


def has_title(year: int):
    """EXISTS a title (any of RatingTitle) awarded to the outer unit for `year`."""
    from django.db.models import Exists, OuterRef

    from .models import Rating

    return Exists(Rating.objects.filter(org_unit=OuterRef("pk"), year=year))


def township_titled_counts(*, user, unit=None, year: int) -> dict:
    """{"total", "with_"}: the townships under `unit` (a township itself: one), and those whose
    union holds a title awarded for `year` (合格示范, 省百强: a township union's titles). One query."""
    townships = _under(orgunit_list(user=user).filter(kind=OrgUnitKind.TOWNSHIP), unit)
    return townships.order_by().aggregate(total=Count("pk"), with_=Count("pk", filter=has_title(year)))


def held_meeting(kind, year: int):
    """EXISTS a meeting of `kind` held by the outer unit in `year`."""
    from django.db.models import Exists, OuterRef

    from .models import Meeting

    return Exists(Meeting.objects.filter(org_unit=OuterRef("pk"), kind=kind, held_on__year=year))


def subcommittee_counts(*, user, unit=None, kind) -> dict:
    """{"total", "with_"}: the 同步组建率 of sub-committee `kind` under `unit` (None: the user's
    area): SUBCOMMITTEE_BASE unions, and those of them with that sub-committee. One query."""
    unions = _under(orgunit_list(user=user).filter(SUBCOMMITTEE_BASE), unit)
    return unions.order_by().aggregate(total=Count("pk"), with_=Count("pk", filter=has_subcommittee(kind)))


def titled_counts(*, user, unit=None, year: int) -> dict:
    """{"total", "with_"}: TITLED_BASE unions under `unit`, and those holding a title of `year`. One query."""
    unions = _under(orgunit_list(user=user).filter(TITLED_BASE), unit)
    return unions.order_by().aggregate(total=Count("pk"), with_=Count("pk", filter=has_title(year)))


def township_meeting_counts(*, user, unit=None, kind, year: int) -> dict:
    """{"total", "with_"}: the townships under `unit` (a township itself: one), and those that
    held at least one meeting of `kind` in `year`. One query."""
    townships = _under(orgunit_list(user=user).filter(kind=OrgUnitKind.TOWNSHIP), unit)
    return townships.order_by().aggregate(total=Count("pk"), with_=Count("pk", filter=held_meeting(kind, year)))
