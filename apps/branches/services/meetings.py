"""Meetings held and titles awarded."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.core.history import acting_user

from ..choices import MeetingKind
from ..models import Enterprise, Meeting, OrgUnit, Rating


@transaction.atomic
def meeting_record(
    *,
    user,
    org_unit: OrgUnit,
    kind: str,
    held_on: datetime.date,
    title: str,
    enterprise: Enterprise | None = None,
    attendees: int | None = None,
    notes: str = "",
) -> Meeting:
    if held_on > timezone.localdate() + datetime.timedelta(days=1):
        raise ValidationError({"held_on": "会议日期不能晚于今天：请在会议召开后再登记。"})
    # Who holds which kind, and the congress's enterprise: Meeting.clean() (full_clean below).
    meeting = Meeting(
        org_unit=org_unit,
        kind=kind,
        held_on=held_on,
        title=title.strip(),
        enterprise=enterprise if kind == MeetingKind.WORKERS_CONGRESS else None,
        attendees=attendees,
        notes=notes,
        recorded_by=user,
    )
    meeting.full_clean()
    with acting_user(user):
        meeting.save()
    return meeting


@transaction.atomic
def rating_record(*, user, org_unit: OrgUnit, title: str, year: int, checklist: str) -> Rating:
    """A title awarded to `org_unit`, by the level above (never by the unit itself)."""
    if user is not None and user.org_unit_id == org_unit.pk:
        raise ApplicationError("称号由上级工会评定，不能为本单位记录称号。")
    if not checklist.strip():
        raise ValidationError({"checklist": "请填写评定依据（逐条列出达到的标准）。"})
    if Rating.objects.filter(org_unit=org_unit, title=title, year=year).exists():
        raise ValidationError({"title": "该组织本年度已记录此称号。"})
    rating = Rating(org_unit=org_unit, title=title, year=year, checklist=checklist.strip(), awarded_by=user)
    rating.full_clean()
    with acting_user(user):
        rating.save()
    return rating
