"""Pre-computed key figures per org unit: one pass over each big table, rolled up the tree."""

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from apps.branches.choices import GRASSROOTS_KINDS, UnionStatus
from apps.branches.models import OrgUnit
from apps.branches.selectors import formation_counts_by_township
from apps.complaints.choices import OPEN_STATUSES
from apps.complaints.models import Complaint
from apps.members.choices import ARCHIVED_STATUSES
from apps.members.models import Member

from .models import UnitSummary

COUNTERS = [field.name for field in UnitSummary._meta.fields if field.name not in {"unit", "refreshed_at"}]


def _ancestor_paths(path: str) -> list[str]:
    """The unit's own path and those of every unit above it."""
    step = OrgUnit.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


def unit_summaries_refresh(*, now: datetime.datetime | None = None) -> int:
    """Recount everything and replace the summaries of every township and higher unit; return how many.

    Each big table is read once, grouped by union or township (an index-only or sequential
    pass: seconds at province scale), and the counts are added to every ancestor in Python.
    Runs in one transaction, so the home page never shows half a refresh.
    """
    now = now or timezone.now()
    units = {path: (pk, kind) for pk, path, kind in OrgUnit.objects.values_list("pk", "path", "kind")}
    path_of = {pk: path for path, (pk, _kind) in units.items()}
    totals = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))

    def add(unit_id, **counts):
        # A unit created after the unit list was read is counted at the next refresh.
        if unit_id not in path_of:
            return
        for path in _ancestor_paths(path_of[unit_id]):
            row = totals[path]
            for name, value in counts.items():
                row[name] += value

    members = (
        Member.objects.exclude(status__in=ARCHIVED_STATUSES)
        .filter(union__archived_at__isnull=True)  # a dissolved union's members are not counted
        .order_by()
        .values("union_id")
        .annotate(n=Count("pk"), hardship=Count("pk", filter=Q(hardship=True)))
    )
    for row in members:
        add(row["union_id"], members_active=row["n"], members_hardship=row["hardship"])

    unions = (
        OrgUnit.objects.filter(kind__in=GRASSROOTS_KINDS, archived_at__isnull=True).order_by().values("pk", "status")
    )
    for row in unions:
        if row["status"] == UnionStatus.APPROVED:
            add(row["pk"], unions_approved=1)
        elif row["status"] == UnionStatus.PENDING:
            add(row["pk"], unions_pending=1)

    # The formation rate's one definition (apps.branches.selectors), grouped by township.
    for township_id, row in formation_counts_by_township().items():
        add(township_id, enterprises=row["total"], enterprises_unionised=row["unionised"])

    year_start = timezone.localtime(now).replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    complaints = (
        Complaint.objects.filter(Q(status__in=OPEN_STATUSES) | Q(received_at__gte=year_start))
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
