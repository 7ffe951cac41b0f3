"""The training reminders on the core milestone engine (registered in TrainingConfig.ready()).

Three milestones, kinds "training:<name>", each exactly once per subject (and occurrence)
however often or concurrently the sweep runs: the engine's claim decides.

- signup_closing (a quota: programme × township): sign-up closes within 7 days and the township
  still has places of its quota (and the batch of its capacity) → that township's staff who
  nominate;
- starts_soon (a programme): it starts within 3 days and has enrolled trainees → the staff of the
  trainees' townships who nominate;
- attendance_missing (a session): 3 days after it, no attendance entered (sessions of the last
  30 days) → the organiser's staff who record attendance.

The occurrence is the date concerned (sign-up's last day, the first day), so a programme moved
to new dates is reminded again. Reminders never name a trainee.
"""

import datetime

from django.db.models import CharField, Count, Exists, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apps.accounts.selectors import user_list_to_notify
from apps.core.milestones import Message, Milestone, MilestoneRun, register_milestone
from apps.core.models import NotificationLevel

from .choices import NominationStatus, ProgrammeStatus
from .models import Nomination, Programme, Quota, Session

KINDS = {name: f"training:{name}" for name in ("signup_closing", "starts_soon", "attendance_missing")}
MILESTONE_KINDS = tuple(KINDS.values())

SIGNUP_CLOSING_DAYS = 7
STARTS_SOON_DAYS = 3
ATTENDANCE_GRACE_DAYS = 3
# Sessions older than this are not chased any more (the programme's own page shows the gap).
ATTENDANCE_LOOKBACK_DAYS = 30

NOMINATE_PERMISSION = "training.add_nomination"
ATTENDANCE_PERMISSION = "training.add_attendance"


def _today(run: MilestoneRun) -> datetime.date:
    return timezone.localtime(run.now).date()  # the portal's time zone: Asia/Shanghai


def _enrolled(**filters) -> Coalesce:
    rows = Nomination.objects.filter(status=NominationStatus.NOMINATED, **filters)
    return Coalesce(
        Subquery(rows.order_by().values("programme").annotate(n=Count("pk")).values("n")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def _signup_closing(run: MilestoneRun) -> QuerySet:
    today = _today(run)
    return (
        Quota.objects.filter(
            programme__signup_closes_on__gte=today,
            programme__signup_closes_on__lte=today + datetime.timedelta(days=SIGNUP_CLOSING_DAYS),
            programme__signup_opens_on__lte=today,
        )
        .exclude(programme__status=ProgrammeStatus.CANCELLED)
        .annotate(
            township_enrolled=_enrolled(programme=OuterRef("programme"), township=OuterRef("township")),
            programme_enrolled=_enrolled(programme=OuterRef("programme")),
        )
        .filter(township_enrolled__lt=F("places"), programme_enrolled__lt=F("programme__capacity"))
        .annotate(milestone_occurrence=Cast(F("programme__signup_closes_on"), CharField()))
    )


def _starts_soon(run: MilestoneRun) -> QuerySet:
    today = _today(run)
    return (
        Programme.objects.filter(starts_on__gte=today, starts_on__lte=today + datetime.timedelta(days=STARTS_SOON_DAYS))
        .exclude(status=ProgrammeStatus.CANCELLED)
        .filter(Exists(Nomination.objects.filter(programme=OuterRef("pk"), status=NominationStatus.NOMINATED)))
        .annotate(milestone_occurrence=Cast(F("starts_on"), CharField()))
    )


def _attendance_missing(run: MilestoneRun) -> QuerySet:
    today = _today(run)
    return Session.objects.filter(
        attendance_recorded_at__isnull=True,
        held_on__lte=today - datetime.timedelta(days=ATTENDANCE_GRACE_DAYS),
        held_on__gte=today - datetime.timedelta(days=ATTENDANCE_LOOKBACK_DAYS),
    ).exclude(programme__status=ProgrammeStatus.CANCELLED)


# --- who is told --------------------------------------------------------------------------------


def _staff(perm: str, unit_ids: frozenset) -> list:
    by_unit = user_list_to_notify(perm=perm, unit_ids=sorted(unit_ids))
    return [user for unit_id in sorted(unit_ids) for user in by_unit.get(unit_id, [])]


def _trainee_townships(programme_id: int) -> frozenset:
    return frozenset(
        Nomination.objects.filter(programme_id=programme_id, status=NominationStatus.NOMINATED)
        .values_list("township_id", flat=True)
        .distinct()
    )


def signup_closing_recipients(quota: Quota, run: MilestoneRun) -> list:
    return run.memo(_staff, NOMINATE_PERMISSION, frozenset({quota.township_id}))


def starts_soon_recipients(programme: Programme, run: MilestoneRun) -> list:
    return run.memo(_staff, NOMINATE_PERMISSION, _trainee_townships(programme.pk))


def attendance_missing_recipients(session: Session, run: MilestoneRun) -> list:
    return run.memo(_staff, ATTENDANCE_PERMISSION, frozenset({session.programme.organiser_id}))


# --- what they are told -------------------------------------------------------------------------


def _link(view_name: str, pk: int, anchor: str = "") -> str:
    """The page a reminder opens; empty while the training pages are not mounted."""
    try:
        return reverse(view_name, kwargs={"pk": pk}) + anchor
    except NoReverseMatch:
        return ""


def _enrolled_by_township(programme_id: int) -> dict[int, int]:
    rows = (
        Nomination.objects.filter(programme_id=programme_id, status=NominationStatus.NOMINATED)
        .order_by()
        .values("township_id")
        .annotate(n=Count("pk"))
    )
    return {row["township_id"]: row["n"] for row in rows}


def _signup_closing_message(quota: Quota, run) -> Message:
    # The engine loads the subjects again (without the due set's annotations): one count per programme.
    programme = quota.programme
    enrolled = run.memo(_enrolled_by_township, programme.pk).get(quota.township_id, 0)
    left = quota.places - enrolled
    return Message(
        title=f"培训报名即将截止：{programme} 还有 {left} 个名额",
        body=(
            f"{quota.township.name}分配名额 {quota.places} 个，已报名 {enrolled} 人。"
            f"报名于 {programme.signup_closes_on:%m月%d日} 截止，请及时推荐学员。"
        ),
        link=_link("training:nomination_create", programme.pk),
        level=NotificationLevel.WARNING,
    )


def _starts_soon_message(programme: Programme, run) -> Message:
    return Message(
        title=f"培训班即将开班：{programme} 于 {programme.starts_on:%m月%d日} 开班",
        body=f"地点：{programme.venue or '另行通知'}。请通知本乡镇已报名的学员按时参加。",
        link=_link("training:programme_detail", programme.pk, "#nominations"),
        level=NotificationLevel.INFO,
    )


def _attendance_missing_message(session: Session, run) -> Message:
    return Message(
        title=f"培训签到未登记：{session.programme} {session.held_on:%m月%d日}“{session.subject}”",
        body="课程结束已满3天，尚未登记签到情况，请尽快登记，以便评定结业。",
        link=_link("training:attendance", session.pk),
        level=NotificationLevel.WARNING,
    )


def training_milestones() -> list[Milestone]:
    return [
        Milestone(
            kind=KINDS["signup_closing"],
            due=_signup_closing,
            recipients=signup_closing_recipients,
            message=_signup_closing_message,
            select_related=("programme", "township"),
        ),
        Milestone(
            kind=KINDS["starts_soon"],
            due=_starts_soon,
            recipients=starts_soon_recipients,
            message=_starts_soon_message,
        ),
        Milestone(
            kind=KINDS["attendance_missing"],
            due=_attendance_missing,
            recipients=attendance_missing_recipients,
            message=_attendance_missing_message,
            select_related=("programme",),
        ),
    ]


def register() -> None:
    for milestone in training_milestones():
        register_milestone(milestone)
