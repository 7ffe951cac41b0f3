"""Writes of the complaints app: registration, the workflow, attachments, the deadline sweep."""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import cached_property

from apps.branches.choices import OrgUnitKind
from apps.core.dates import check_plausible
from apps.core.errors import ApplicationError
from apps.core.history import acting_user
from apps.core.milestones import Message, Milestone, milestones_sweep
from apps.core.models import NotificationLevel
from apps.core.serials import serial_next
from apps.core.uploads import NOT_ALLOWED_MESSAGE, sniff_content_type

from .choices import OPEN_STATUSES, TRANSITIONS, ReminderKind, Status
from .deadlines import answer_due_at, last_day_to_answer
from .models import (
    Complaint,
    ComplaintAttachment,
    ComplaintStep,
    answer_time_normalized,
    normalize_complainant_phone,
)

logger = logging.getLogger(__name__)


def _next_tracking_number(year: int) -> str:
    """TS-2026-000123: the year received, and a serial that runs on across years (never reused)."""
    return f"TS-{year}-{serial_next('complaints_tracking'):06d}"


@transaction.atomic
def complaint_register(
    *,
    user,
    received_at: datetime.datetime,
    channel: str,
    enterprise,
    category: str,
    description: str,
    request: str = "",
    anonymous: bool = False,
    complainant_name: str = "",
    complainant_mobile: str = "",
    member=None,
    confidential: bool = True,
    consent_to_name: bool = False,
    handler=None,
) -> Complaint:
    errors = {}
    try:
        # The field's range (RECEIVED_RANGE: not later than now), before anything is computed
        # from it (the deadline, the tracking number's year); full_clean() checks it again.
        check_plausible(Complaint, received_at=received_at)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not description.strip():
        errors["description"] = "请写明投诉的事情经过。"
    if not anonymous and not complainant_name.strip():
        errors["complainant_name"] = "请填写投诉人姓名，或勾选“匿名投诉”。"
    if enterprise.archived_at is not None:
        errors["enterprise"] = "该企业已归档。"
    if errors:
        raise ValidationError(errors)
    township = enterprise.township
    local_year = timezone.localtime(received_at).year
    complaint = Complaint(
        tracking_number=_next_tracking_number(local_year),
        received_at=received_at,
        due_at=answer_due_at(received_at),
        channel=channel,
        anonymous=anonymous,
        complainant_name="" if anonymous else complainant_name.strip(),
        complainant_mobile="" if anonymous else normalize_complainant_phone(complainant_mobile),
        member=None if anonymous else member,
        confidential=confidential or anonymous,
        consent_to_name=consent_to_name and not anonymous,
        enterprise=enterprise,
        township=township,
        category=category,
        description=description.strip(),
        request=request.strip(),
        handler=handler or user,
    )
    complaint.full_clean()
    with acting_user(user):
        complaint.save()
        ComplaintStep.objects.create(complaint=complaint, from_status="", to_status=Status.RECEIVED, actor=user)
    return complaint


# Who may move a complaint on: the permission, and the workflow's next steps (TRANSITIONS). The
# one rule the service refuses by, the transition form's page opens by and the complaint page's
# buttons are drawn from (`complaint_transitions_allowed`).
TRANSITION_PERMISSION = "complaints.change_complaint"


def complaint_transition_refusal(*, user, complaint: Complaint, to_status: str) -> str | None:
    """Why `user` may not move `complaint` to `to_status` now, in Chinese; None when they may.
    `user=None` is the system's own job (the demo, a data load): the workflow alone decides."""
    if user is not None and not user.has_perm(TRANSITION_PERMISSION):
        return "您没有办理投诉的权限。"
    allowed = TRANSITIONS[Status(complaint.status)]
    if to_status not in allowed:
        names = "、".join(str(Status(s).label) for s in Status if s in allowed) or "无（已办结）"
        return f"“{complaint.get_status_display()}”的投诉不能直接改为“{Status(to_status).label}”；可以改为：{names}。"
    return None


def complaint_transitions_allowed(*, user, complaint: Complaint) -> list[Status]:
    """The steps `user` may take on `complaint` now, in the workflow's order (the page's buttons)."""
    return [
        status
        for status in Status
        if complaint_transition_refusal(user=user, complaint=complaint, to_status=status) is None
    ]


@transaction.atomic
def complaint_transition(*, user, complaint: Complaint, to_status: str, note: str = "", **details) -> Complaint:
    """Move a complaint one step along the workflow; anything else is refused with a reason.

    An answer (or a posting) records when it was given: `answered_at`, as typed (a phone answer
    given yesterday), or now; the seven-day rule reads it. Its checks are Complaint.clean()'s.
    """
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    from_status = complaint.status
    refusal = complaint_transition_refusal(user=user, complaint=complaint, to_status=to_status)
    if refusal:
        raise ApplicationError(refusal)
    now = timezone.now()
    fields = ["status", "updated_at"]
    if to_status in (Status.ANSWERED, Status.POSTED):
        answered_at = details.get("answered_at") or now
        complaint.answered_at = answer_time_normalized(complaint.received_at, answered_at)
        fields.append("answered_at")
    if to_status == Status.ANSWERED:
        _require(details, ["answer_method", "answer_text"], "请填写答复方式和答复内容。")
        complaint.answer_method, complaint.answer_text = details["answer_method"], details["answer_text"].strip()
        fields += ["answer_method", "answer_text"]
    elif to_status == Status.POSTED:
        _require(details, ["posted_where", "posted_text"], "请填写张榜地点和公布内容。")
        complaint.posted_where = details["posted_where"].strip()
        complaint.posted_text = details["posted_text"].strip()
        fields += ["posted_where", "posted_text"]
    elif to_status == Status.REFERRED:
        _require(details, ["referred_to"], "请选择转交的机构。")
        complaint.referred_to = details["referred_to"]
        fields.append("referred_to")
    elif to_status == Status.CLOSED:
        _require(details, ["satisfaction"], "请记录投诉人对处理结果的满意度。")
        complaint.satisfaction = details["satisfaction"]
        complaint.closed_at = now
        fields += ["satisfaction", "closed_at"]
    complaint.status = to_status
    complaint.full_clean()
    with acting_user(user):
        complaint.save(update_fields=fields)
        ComplaintStep.objects.create(
            complaint=complaint, from_status=from_status, to_status=to_status, actor=user, note=note
        )
    return complaint


def _require(details, names, message):
    if any(not str(details.get(name) or "").strip() for name in names):
        raise ValidationError(message)


def attachment_refusal(*, user, complaint: Complaint) -> str | None:
    """Why no evidence may be added to `complaint` now, or None: a closed complaint takes none.
    The page offers the upload only when this is None; the service refuses by it."""
    if user is not None and not user.has_perm(TRANSITION_PERMISSION):
        return "您没有办理投诉的权限。"
    if complaint.status == Status.CLOSED:
        return "该投诉已办结，不能再上传证据材料。"
    return None


@transaction.atomic
def attachment_add(*, user, complaint: Complaint, file_name: str, content: bytes) -> ComplaintAttachment:
    # The stored row's status, locked: a complaint closed in the meantime takes no evidence.
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    refusal = attachment_refusal(user=user, complaint=complaint)
    if refusal:
        raise ValidationError({"file": refusal})
    if len(content) > settings.COMPLAINT_ATTACHMENT_MAX_BYTES:
        limit = settings.COMPLAINT_ATTACHMENT_MAX_BYTES // (1024 * 1024)
        raise ValidationError({"file": f"文件过大：每个附件不能超过 {limit} MB。"})
    content_type = sniff_content_type(content)  # by its first bytes, not its name (apps.core.uploads)
    if content_type is None:
        raise ValidationError({"file": NOT_ALLOWED_MESSAGE})
    with acting_user(user):
        return ComplaintAttachment.objects.create(
            complaint=complaint,
            file_name=file_name[:200],
            content_type=content_type,
            size=len(content),
            content=content,
            uploaded_by=user,
        )


# --- the deadline reminders (milestones) -------------------------------------------------------
# Declared on the core milestone engine (apps.core.milestones) in ComplaintsConfig.ready():
# a warning COMPLAINT_WARNING_HOURS before the deadline and, at it, the overdue mark with its
# reminder and the escalation to county staff. Each exactly once per complaint.

MILESTONE_KINDS = {kind: f"complaints:{kind}" for kind in ReminderKind.values}
# Who is reminded, at a complaint's township and above it: the staff who may move a complaint on.
ESCALATION_PERMISSION = "complaints.change_complaint"


def complaint_deadline_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Warn before the deadline, mark overdue at it and escalate to county staff. Exactly once each.

    The complaints' part of the milestone sweep (beat runs all milestones in
    apps.core.tasks.sweep_milestones); returns how many complaints reached each reminder.
    """
    done = milestones_sweep(now=now, kinds=MILESTONE_KINDS.values())
    return {kind: done[milestone] for kind, milestone in MILESTONE_KINDS.items()}


def _open_due_within(lead: datetime.timedelta):
    """Open complaints whose deadline is at most `lead` away (or past), due `lead` before it."""

    def due(run):
        return Complaint.objects.filter(status__in=OPEN_STATUSES, due_at__lte=run.now + lead).annotate(
            milestone_due_at=F("due_at") - lead
        )

    return due


def _warning_due(run):
    return _open_due_within(datetime.timedelta(hours=settings.COMPLAINT_WARNING_HOURS))(run)


def _mark_overdue(ids: list[int], now: datetime.datetime) -> None:
    Complaint.objects.filter(pk__in=ids).update(is_overdue=True, updated_at=now)


class _Recipients:
    """Who is told at and above each township, read once per sweep (and only if something is due)."""

    @cached_property
    def _townships(self):
        from apps.branches.models import OrgUnit

        return list(OrgUnit.objects.filter(kind=OrgUnitKind.TOWNSHIP).only("pk", "path"))

    @cached_property
    def county_staff(self):
        """Who a complaint is escalated to (apps.accounts.selectors.user_list_to_notify_above):
        the staff above its township who may move a complaint on (the county's)."""
        from apps.accounts.selectors import user_list_to_notify_above

        return user_list_to_notify_above(perm=ESCALATION_PERMISSION, units=self._townships)

    @cached_property
    def chairs(self):
        """Who at a township is told (apps.accounts.selectors.user_list_to_notify): its staff who
        may move a complaint on."""
        from apps.accounts.selectors import user_list_to_notify

        return user_list_to_notify(perm=ESCALATION_PERMISSION, unit_ids=[t.pk for t in self._townships])


def complaint_reminder_recipients(complaint: Complaint, kind: str, directory: _Recipients) -> list:
    """Who is told that `complaint` reached reminder `kind`: the one place that decides.

    The warning and the overdue reminder go to its handler and its township's chairs; the
    escalation to the staff above its township (the county's).
    """
    if kind == ReminderKind.ESCALATION:
        return list(directory.county_staff.get(complaint.township_id, []))
    return [complaint.handler, *directory.chairs.get(complaint.township_id, [])]


def _notification_title(complaint, kind, last_day) -> str:
    if kind == ReminderKind.ESCALATION:
        return f"投诉逾期未答复：{complaint.tracking_number}（{complaint.township.name}）"
    if kind == ReminderKind.OVERDUE:
        return f"投诉已逾期：{complaint.tracking_number} 应于 {last_day:%m月%d日} 前答复"
    return f"投诉即将到期：{complaint.tracking_number} 请于 {last_day:%m月%d日} 前答复"


def _reminder_message(kind: str):
    level = NotificationLevel.WARNING if kind == ReminderKind.WARNING else NotificationLevel.DANGER

    def message(complaint, run) -> Message:
        return Message(
            title=_notification_title(complaint, kind, last_day_to_answer(complaint.due_at)),
            body=f"{complaint.enterprise.name} · {complaint.get_category_display()}",  # no complainant details
            link=complaint.get_absolute_url(),
            level=level,
        )

    return message


def _reminder_recipients(kind: str):
    def recipients(complaint, run):
        return complaint_reminder_recipients(complaint, kind, run.memo(_Recipients))

    return recipients


def complaint_milestones() -> list[Milestone]:
    """The three reminders of the seven-day deadline, as milestone declarations."""
    at_deadline = _open_due_within(datetime.timedelta(0))
    reached = {ReminderKind.WARNING: None, ReminderKind.OVERDUE: _mark_overdue, ReminderKind.ESCALATION: None}
    return [
        Milestone(
            kind=MILESTONE_KINDS[kind],
            due=_warning_due if kind == ReminderKind.WARNING else at_deadline,
            recipients=_reminder_recipients(kind),
            message=_reminder_message(kind),
            reached=reached[kind],
            select_related=("township", "handler", "enterprise"),
        )
        for kind in (ReminderKind.WARNING, ReminderKind.OVERDUE, ReminderKind.ESCALATION)
    ]
