"""Pre-computed key figures per org unit: one pass over each big table, rolled up the tree.

Every figure is counted through the definition its own app's pages use, so the home page shows
what the page beside it shows (as of `refreshed_at`): members through
`apps.members.selectors.members_counted` (the member list's 在册（含接转中）), the formation rate
through `apps.branches.selectors.formation_counts_by_township`, the enrolment rate through
`apps.members.selectors.enrolment_counts_by_union` (the rate's per-union annotations), the
集体合同签订率 through `apps.contracts.selectors.coverage_counts_by_township`.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from apps.branches.choices import GRASSROOTS_KINDS, UnionStatus
from apps.branches.models import Enterprise, OrgUnit
from apps.branches.selectors import formation_counts_by_township, user_scope_path
from apps.complaints.choices import OPEN_STATUSES
from apps.complaints.models import Complaint
from apps.contracts.selectors import coverage_counts_by_township
from apps.dues.selectors.finance import collection_counts_by_township
from apps.members.selectors import enrolment_counts_by_union, members_counted

from .models import UnitSummary

COUNTERS = [field.name for field in UnitSummary._meta.fields if field.name not in {"unit", "refreshed_at"}]


def _ancestor_paths(path: str) -> list[str]:
    """The unit's own path and those of every unit above it."""
    step = OrgUnit.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


def unit_summaries_refresh(*, now: datetime.datetime | None = None, under: str = "") -> int:
    """Recount and replace the summaries of every township and higher unit; return how many.

    `under`: a unit's path, to recount only that unit and the units below it (the home page's
    刷新 button: the user's own area); units above it keep their figures until the next full
    refresh (Celery beat, every UNIT_SUMMARY_REFRESH_MINUTES).

    Each big table is read once, grouped by union or township (an index-only or sequential
    pass: seconds at province scale), and the counts are added to every ancestor in Python.
    Writes in one transaction, so the home page never shows half a refresh.
    """
    now = now or timezone.now()
    units = {
        path: (pk, kind)
        for pk, path, kind in OrgUnit.objects.filter(path__startswith=under).values_list("pk", "path", "kind")
    }
    path_of = {pk: path for path, (pk, _kind) in units.items()}
    totals = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))

    def add(unit_id, **counts):
        # A unit created after the unit list was read is counted at the next refresh.
        if unit_id not in path_of:
            return
        for path in _ancestor_paths(path_of[unit_id]):
            if not path.startswith(under):
                continue  # above the refreshed area
            row = totals[path]
            for name, value in counts.items():
                row[name] += value

    members = (
        members_counted()
        .filter(union__path__startswith=under)
        .order_by()
        .values("union_id")
        .annotate(n=Count("pk"), hardship=Count("pk", filter=Q(hardship=True)))
    )
    for row in members:
        add(row["union_id"], members_active=row["n"], members_hardship=row["hardship"])

    # The 职工入会率 as its pages count it: each union's own figures, plausible or left out.
    for union_id, (n_members, n_employees, problem) in enrolment_counts_by_union(under=under).items():
        if problem:
            add(union_id, enrolment_problems=1)
        else:
            add(union_id, enrolment_members=n_members, enrolment_employees=n_employees)

    unions = (
        OrgUnit.objects.filter(kind__in=GRASSROOTS_KINDS, archived_at__isnull=True, path__startswith=under)
        .order_by()
        .values("pk", "status")
    )
    for row in unions:
        if row["status"] == UnionStatus.APPROVED:
            add(row["pk"], unions_approved=1)
        elif row["status"] == UnionStatus.PENDING:
            add(row["pk"], unions_pending=1)

    # The formation rate's one definition (apps.branches.selectors), grouped by township.
    located = Enterprise.objects.filter(township__path__startswith=under) if under else None
    for township_id, row in formation_counts_by_township(located).items():
        add(township_id, enterprises=row["total"], enterprises_unionised=row["unionised"])

    # The 集体合同签订率's one definition (apps.contracts.selectors.coverage), on the refresh's day.
    for township_id, row in coverage_counts_by_township(located, day=timezone.localdate(now)).items():
        add(
            township_id,
            contracts_covered=row["covered"],
            contracts_covered_wage=row["wage"],
            contracts_covered_women=row["women"],
        )

    # The 经费收缴率's one definition (apps.dues.selectors.finance), for the refresh's year.
    for township_id, row in collection_counts_by_township(located, year=timezone.localdate(now).year).items():
        add(township_id, funds_due=row["due"], funds_counted=row["counted"])

    year_start = timezone.localtime(now).replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    complaints = (
        Complaint.objects.filter(Q(status__in=OPEN_STATUSES) | Q(received_at__gte=year_start))
        .filter(**({"township__path__startswith": under} if under else {}))
        .order_by()
        .values("township_id")
        .annotate(
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, is_overdue=True)),
            this_year=Count("pk", filter=Q(received_at__gte=year_start)),
        )
    )
    for row in complaints:
        add(
            row["township_id"],
            complaints_open=row["open"],
            complaints_overdue=row["overdue"],
            complaints_this_year=row["this_year"],
        )

    summaries = [
        UnitSummary(unit_id=pk, refreshed_at=now, **totals.get(path, dict.fromkeys(COUNTERS, 0)))
        for path, (pk, kind) in units.items()
        if kind not in GRASSROOTS_KINDS
    ]
    with transaction.atomic():
        UnitSummary.objects.bulk_create(
            summaries,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["unit"],
            update_fields=[*COUNTERS, "refreshed_at"],
        )
    return len(summaries)


def unit_summaries_refresh_for(*, user, now: datetime.datetime | None = None) -> int:
    """The home page's 刷新: recount the user's own area now (their unit and everything below it).

    A county's recount takes about 0.1 s (`make bench`), so it runs in the request; a
    grassroots union's user has no summaries (their home page counts live): nothing to do.
    """
    prefix = user_scope_path(user)
    if prefix is None or (user.org_unit is not None and user.org_unit.kind in GRASSROOTS_KINDS and prefix):
        return 0
    return unit_summaries_refresh(now=now, under=prefix)
