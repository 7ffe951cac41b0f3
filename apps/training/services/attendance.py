"""Attendance (签到) per session, and completion by the programme's rule."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.core.history import acting_user

from ..choices import NominationStatus, ProgrammeStatus
from ..models import Attendance, Nomination, Programme, Session
from .common import check_manages, check_open, programme_locked

__all__ = ["AttendanceEntry", "attendance_record", "completion_assess", "completion_reached"]

ZERO = Decimal("0")


@dataclass(frozen=True)
class AttendanceEntry:
    """One line of a session's sign-in list: the trainee's nomination, present or not, and the
    hours attended (None: the whole session if present, 0 if absent)."""

    nomination_id: int
    present: bool
    hours: Decimal | None = None


@transaction.atomic
def attendance_record(
    *, user, session: Session, entries: Iterable[AttendanceEntry], now: datetime.datetime | None = None
) -> list[Attendance]:
    """Enter (or correct) a session's sign-in list in one transaction: all lines or none.

    Each line names an enrolled trainee of the session's programme; hours lie between 0 and the
    session's hours (0 for an absence). Lines already entered are updated, new ones added; the
    trainees not listed are left as they were. The session is marked entered (no more reminder).
    """
    now = now or timezone.now()
    session = Session.objects.select_for_update().select_related("programme__organiser").get(pk=session.pk)
    programme = session.programme
    check_manages(user, programme.organiser)
    check_open(programme)
    if session.held_on > timezone.localdate(now):
        raise ApplicationError("课程尚未举行，不能登记签到。")
    entries = list(entries)
    ids = [entry.nomination_id for entry in entries]
    if len(ids) != len(set(ids)):
        raise ApplicationError("签到名单中有学员重复。")
    enrolled = set(
        programme.nominations.filter(pk__in=ids, status=NominationStatus.NOMINATED).values_list("pk", flat=True)
    )
    if missing := [i for i in ids if i not in enrolled]:
        raise ApplicationError(f"签到名单中有 {len(missing)} 人不是该培训班的已报名学员。")
    existing = {row.nomination_id: row for row in session.attendances.all()}
    new, changed = [], []
    for entry in entries:
        hours = entry.hours if entry.hours is not None else (session.hours if entry.present else ZERO)
        hours = Decimal(hours)
        if not entry.present and hours != 0:
            raise ApplicationError("缺勤学员的学时应为 0。")
        if not ZERO <= hours <= session.hours:
            raise ApplicationError(f"学时应在 0 至 {session.hours} 之间。")
        row = existing.get(entry.nomination_id)
        if row is None:
            row = Attendance(
                nomination_id=entry.nomination_id, session=session, present=entry.present, hours=hours, recorded_by=user
            )
            # The unique (nomination, session) is the database's: one query, not one per line.
            row.full_clean(validate_constraints=False, exclude=["nomination", "session"])
            new.append(row)
        elif (row.present, row.hours) != (entry.present, hours):
            row.present, row.hours, row.recorded_by, row.updated_at = entry.present, hours, user, now
            row.full_clean(validate_constraints=False, exclude=["nomination", "session"])
            changed.append(row)
    with acting_user(user):
        Attendance.objects.bulk_create(new)
        if changed:
            Attendance.objects.bulk_update(changed, ["present", "hours", "recorded_by", "updated_at"])
        session.attendance_recorded_at = now
        session.save(update_fields=["attendance_recorded_at", "updated_at"])
    return [*new, *changed]


def completion_reached(*, attended: Decimal, total: Decimal, share: Decimal) -> bool:
    """The completion rule: at least `share` of the programme's hours attended (exactly the share
    completes: 80 of 100 hours at 0.80 does, 79.9 does not). Decimal throughout, no rounding."""
    return total > 0 and attended >= share * total


@transaction.atomic
def completion_assess(*, user, programme: Programme, now: datetime.datetime | None = None) -> dict:
    """After the last session: each enrolled trainee's hours attended and whether they completed
    (completion_reached with the programme's share); the programme is marked finished.

    May run again after an attendance correction. A trainee who already holds a certificate
    stays completed (the certificate is issued for good); `kept` counts those the new figures
    would not complete. Returns {"completed", "not_completed", "kept", "total_hours"}.
    """
    now = now or timezone.now()
    programme = programme_locked(programme)
    check_manages(user, programme.organiser)
    check_open(programme)
    total = programme.sessions.aggregate(total=Sum("hours"))["total"] or ZERO
    last_day = programme.sessions.order_by("-held_on").values_list("held_on", flat=True).first()
    if last_day is None:
        raise ApplicationError("该培训班还没有课程。")
    if last_day > timezone.localdate(now):
        raise ApplicationError(f"最后一次课程在 {last_day:%Y-%m-%d}，课程结束后才能评定结业。")
    nominations = list(
        Nomination.objects.filter(programme=programme, status=NominationStatus.NOMINATED)
        .annotate(attended=Sum("attendances__hours"))
        .prefetch_related("certificates")
    )
    counts = {"completed": 0, "not_completed": 0, "kept": 0, "total_hours": total}
    changed = []
    for nomination in nominations:
        attended = nomination.attended or ZERO
        reached = completion_reached(attended=attended, total=total, share=programme.completion_share)
        certified = bool(nomination.certificates.all())
        if certified and not reached:
            counts["kept"] += 1
        completed = reached or certified
        counts["completed" if completed else "not_completed"] += 1
        if (nomination.completed, nomination.hours_attended) != (
            completed,
            attended,
        ) or nomination.completed_at is None:
            nomination.completed = completed
            nomination.hours_attended = attended
            nomination.completed_at = now
            nomination.updated_at = now
            changed.append(nomination)
    with acting_user(user):
        if changed:
            Nomination.objects.bulk_update(changed, ["completed", "hours_attended", "completed_at", "updated_at"])
        if programme.status != ProgrammeStatus.FINISHED:
            programme.status = ProgrammeStatus.FINISHED
            programme.save(update_fields=["status", "updated_at"])
    return counts
