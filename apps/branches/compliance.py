"""The yearly rhythm the county checks: what is missing, as of a given day.

Used by the county's compliance page and by the reminder sweep, so both always agree.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q

from .choices import MeetingKind, OrgUnitKind, SubCommitteeKind
from .models import Enterprise, Meeting, OrgUnit
from .selectors import SUBCOMMITTEES_EXPECTED, enterprise_list, orgunit_list, subcommittees_missing, union_terms_ending


def meeting_deadline(year: int) -> datetime.date:
    month, day = (int(part) for part in settings.YEARLY_MEETING_DEADLINE.split("-"))
    return datetime.date(year, month, day)


@dataclass
class Findings:
    year: int
    today: datetime.date
    deadline: datetime.date
    townships_without_joint_meeting: list = field(default_factory=list)
    enterprises_without_congress: list = field(default_factory=list)
    unions_missing_subcommittees: list = field(default_factory=list)
    terms_ending: list = field(default_factory=list)

    @property
    def past_deadline(self) -> bool:
        return self.today > self.deadline

    @property
    def total(self) -> int:
        return (
            len(self.townships_without_joint_meeting)
            + len(self.enterprises_without_congress)
            + len(self.unions_missing_subcommittees)
            + len(self.terms_ending)
        )


def compliance_findings(*, user=None, today: datetime.date) -> Findings:
    """Four queries whatever the size of the county. `user=None` means the whole deployment."""
    year = today.year
    units = OrgUnit.objects.all() if user is None else orgunit_list(user=user)
    enterprises = Enterprise.objects.select_related("township") if user is None else enterprise_list(user=user)
    active = Q(is_active=True, archived_at__isnull=True)
    held_this_year = Meeting.objects.filter(held_on__year=year)

    townships = (
        units.filter(active, kind=OrgUnitKind.TOWNSHIP)
        .annotate(joint_held=Exists(held_this_year.filter(org_unit=OuterRef("pk"), kind=MeetingKind.JOINT_MEETING)))
        .filter(joint_held=False)
        .order_by("path")
    )
    congress_missing = (
        enterprises.filter(has_workers_congress=True, archived_at__isnull=True)
        .annotate(
            congress_held=Exists(held_this_year.filter(enterprise=OuterRef("pk"), kind=MeetingKind.WORKERS_CONGRESS))
        )
        .filter(congress_held=False)
        .order_by("township__path", "name")
    )
    # Which unions should have which sub-committees is the selectors' rule (the union page's too).
    unions = (
        units.filter(SUBCOMMITTEES_EXPECTED)
        .annotate(subcommittee_count=Count("subcommittees"))
        .filter(subcommittee_count__lt=len(SubCommitteeKind.values))
        .prefetch_related("subcommittees")
        .order_by("path")
    )
    missing = []
    for union in unions:
        union.missing_subcommittees = subcommittees_missing(
            union, kinds_present=[s.kind for s in union.subcommittees.all()]
        )
        if union.missing_subcommittees:
            missing.append(union)
    ending = union_terms_ending(units, today=today)
    return Findings(
        year=year,
        today=today,
        deadline=meeting_deadline(year),
        townships_without_joint_meeting=list(townships),
        enterprises_without_congress=list(congress_missing),
        unions_missing_subcommittees=missing,
        terms_ending=list(ending),
    )
