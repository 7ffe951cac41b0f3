"""Writes of the complaints app: registration, the workflow, attachments, the deadline sweep."""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.functional import cached_property

from apps.accounts.roles import COUNTY_STAFF, ROLE_NAMES, TOWNSHIP_STAFF
from apps.branches.choices import OrgUnitKind
from apps.core.dates import check_plausible
from apps.core.errors import ApplicationError
from apps.core.models import Notification, NotificationLevel
from apps.core.services import notification_send_many

from .choices import OPEN_STATUSES, TRANSITIONS, ReminderKind, Status
from .deadlines import answer_due_at, last_day_to_answer
from .models import Complaint, ComplaintAttachment, ComplaintReminder, ComplaintStep

logger = logging.getLogger(__name__)

# What an attachment may be, recognised by its first bytes (not by its name).
ALLOWED_ATTACHMENTS = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png", b"%PDF-": "application/pdf"}


def _next_tracking_number(year: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('complaints_tracking_serial')")
        return f"TS-{year}-{cursor.fetchone()[0]:06d}"


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
        complainant_mobile="" if anonymous else complainant_mobile.strip(),
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
    complaint.save()
    ComplaintStep.objects.create(complaint=complaint, from_status="", to_status=Status.RECEIVED, actor=user)
    return complaint


@transaction.atomic
def complaint_transition(*, user, complaint: Complaint, to_status: str, note: str = "", **details) -> Complaint:
    """Move a complaint one step along the workflow; anything else is refused with a reason."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    from_status = complaint.status
    allowed = TRANSITIONS[Status(from_status)]
    if to_status not in allowed:
        names = "、".join(str(Status(s).label) for s in allowed) or "无（已办结）"
        raise ApplicationError(
            f"“{complaint.get_status_display()}”的投诉不能直接改为“{Status(to_status).label}”；可以改为：{names}。"
        )
    now = timezone.now()
    fields = ["status", "updated_at"]
    if to_status == Status.ANSWERED:
        _require(details, ["answer_method", "answer_text"], "请填写答复方式和答复内容。")
        complaint.answer_method, complaint.answer_text = details["answer_method"], details["answer_text"].strip()
        complaint.answered_at = details.get("answered_at") or now
        fields += ["answer_method", "answer_text", "answered_at"]
    elif to_status == Status.POSTED:
        _require(details, ["posted_where", "posted_text"], "请填写张榜地点和公布内容。")
        complaint.posted_where = details["posted_where"].strip()
        complaint.posted_text = details["posted_text"].strip()
        complaint.answered_at = details.get("answered_at") or now
        fields += ["posted_where", "posted_text", "answered_at"]
    elif to_status == Status.REFERRED:
        _require(details, ["referred_to"], "请选择转交的机构。")
        complaint.referred_to = details["referred_to"]
        fields.append("referred_to")
    elif to_status == Status.CLOSED:
        _require(details, ["satisfaction"], "请记录投诉人对处理结果的满意度。")
        complaint.satisfaction = details["satisfaction"]
        complaint.closed_at = now
        fields += ["satisfaction", "closed_at"]
    if complaint.answered_at and complaint.answered_at < complaint.received_at:
        raise ValidationError({"answered_at": "答复时间不能早于收到时间。"})
    complaint.status = to_status
    complaint.full_clean()
    complaint.save(update_fields=fields)
    ComplaintStep.objects.create(
        complaint=complaint, from_status=from_status, to_status=to_status, actor=user, note=note
    )
    return complaint


def _require(details, names, message):
    if any(not str(details.get(name) or "").strip() for name in names):
        raise ValidationError(message)


@transaction.atomic
def attachment_add(*, user, complaint: Complaint, file_name: str, content: bytes) -> ComplaintAttachment:
    if len(content) > settings.COMPLAINT_ATTACHMENT_MAX_BYTES:
        limit = settings.COMPLAINT_ATTACHMENT_MAX_BYTES // (1024 * 1024)
        raise ValidationError({"file": f"文件过大：每个附件不能超过 {limit} MB。"})
    content_type = next((kind for magic, kind in ALLOWED_ATTACHMENTS.items() if content.startswith(magic)), None)
    if content_type is None:
        raise ValidationError({"file": "只能上传 JPG、PNG 图片或 PDF 文件。"})
    return ComplaintAttachment.objects.create(
        complaint=complaint,
        file_name=file_name[:200],
        content_type=content_type,
        size=len(content),
        content=content,
        uploaded_by=user,
    )


# --- the deadline sweep --------------------------------------------------------------------------


CLAIM_SQL = """
INSERT INTO complaints_complaintreminder (complaint_id, kind, sent_at)
SELECT c.id, %(kind)s, %(now)s
FROM complaints_complaint c
WHERE c.status = ANY(%(open)s) AND c.due_at {op} %(edge)s {only}
ON CONFLICT (complaint_id, kind) DO NOTHING
RETURNING complaint_id
"""

# Errors that say the database itself is gone, not that one complaint is bad: the sweep stops
# (the next run does it all) instead of trying, and logging, every complaint in turn.
CONNECTION_ERRORS = (OperationalError, InterfaceError)


def _claim(kind: str, *, op: str, edge: datetime.datetime, now: datetime.datetime, only=None) -> list[int]:
    """Record a reminder for every complaint that is due one and has none yet; return those ids.

    One statement: the unique index decides, so two sweeps at once claim each complaint once.
    `only` limits it to one complaint (the sweep's complaint-by-complaint pass).
    """
    assert op in ("<=", "<")  # noqa: S101 - the only two comparisons the sweep uses
    with connection.cursor() as cursor:
        cursor.execute(
            CLAIM_SQL.format(op=op, only="" if only is None else "AND c.id = %(only)s"),
            {"kind": kind, "now": now, "open": list(OPEN_STATUSES), "edge": edge, "only": only},
        )
        return [row[0] for row in cursor.fetchall()]


def complaint_deadline_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Warn before the deadline, mark overdue at it and escalate to county staff. Exactly once each.

    The claim, the overdue mark and the notifications of a complaint commit together: a worker
    killed half-way rolls back and the next sweep does it. All complaints due go in one
    transaction (a backlog of thousands in a few statements); if that fails, the sweep goes
    complaint by complaint, each in its own savepoint, so one bad row is logged by its id and
    skipped (the next run retries it) and every other complaint still gets its reminders.
    """
    now = now or timezone.now()
    recipients = _Recipients()
    try:
        with transaction.atomic():
            return _sweep(now=now, recipients=recipients)
    except CONNECTION_ERRORS:
        raise
    except Exception as exc:
        logger.warning("Deadline sweep: the batch failed (%s); going complaint by complaint.", type(exc).__name__)
    totals = {"warning": 0, "overdue": 0, "escalation": 0}
    for pk in _due_for_a_reminder(now):
        try:
            with transaction.atomic():
                done = _sweep(now=now, recipients=recipients, only=pk)
        except CONNECTION_ERRORS:
            raise
        except Exception as exc:
            # The id only: a database error's text can quote the row, complainant included.
            logger.error("Deadline sweep skipped complaint %s (%s); the next run retries it.", pk, type(exc).__name__)
            continue
        for kind, count in done.items():
            totals[kind] += count
    return totals


def _due_for_a_reminder(now):
    """Ids of open complaints that are due a reminder they have not had (ids only: nothing to misread)."""
    reminders = ComplaintReminder.objects.filter(complaint=OuterRef("pk"))
    missing = {kind: ~Exists(reminders.filter(kind=kind)) for kind in ReminderKind.values}
    warn_edge = now + datetime.timedelta(hours=settings.COMPLAINT_WARNING_HOURS)
    return list(
        Complaint.objects.filter(status__in=OPEN_STATUSES, due_at__lte=warn_edge)
        .filter(
            Q(missing[ReminderKind.WARNING])
            | Q(due_at__lte=now) & (Q(missing[ReminderKind.OVERDUE]) | Q(missing[ReminderKind.ESCALATION]))
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _sweep(*, now, recipients, only=None) -> dict[str, int]:
    warn = _claim(
        ReminderKind.WARNING,
        op="<=",
        edge=now + datetime.timedelta(hours=settings.COMPLAINT_WARNING_HOURS),
        now=now,
        only=only,
    )
    overdue = _claim(ReminderKind.OVERDUE, op="<=", edge=now, now=now, only=only)
    escalate = _claim(ReminderKind.ESCALATION, op="<=", edge=now, now=now, only=only)
    if overdue:
        Complaint.objects.filter(pk__in=overdue).update(is_overdue=True, updated_at=now)
    batch = [
        *_notifications(warn, ReminderKind.WARNING, recipients),
        *_notifications(overdue, ReminderKind.OVERDUE, recipients),
        *_notifications(escalate, ReminderKind.ESCALATION, recipients),
    ]
    # One insert for the whole sweep: a day's backlog of thousands costs one round trip.
    notification_send_many(notifications=batch)
    return {"warning": len(warn), "overdue": len(overdue), "escalation": len(escalate)}


class _Recipients:
    """County staff and township chairs, read once per sweep (and only if something is due)."""

    @cached_property
    def county_staff(self):
        users = get_user_model().objects.filter(is_active=True)
        return list(users.filter(groups__name=ROLE_NAMES[COUNTY_STAFF]).select_related("org_unit"))

    @cached_property
    def chairs(self):
        users = get_user_model().objects.filter(is_active=True)
        chairs = {}
        for user in users.filter(groups__name=ROLE_NAMES[TOWNSHIP_STAFF], org_unit__kind=OrgUnitKind.TOWNSHIP):
            chairs.setdefault(user.org_unit_id, []).append(user)
        return chairs


def _notification_title(complaint, kind, last_day) -> str:
    if kind == ReminderKind.ESCALATION:
        return f"投诉逾期未答复：{complaint.tracking_number}（{complaint.township.name}）"
    if kind == ReminderKind.OVERDUE:
        return f"投诉已逾期：{complaint.tracking_number} 应于 {last_day:%m月%d日} 前答复"
    return f"投诉即将到期：{complaint.tracking_number} 请于 {last_day:%m月%d日} 前答复"


def _notifications(ids, kind, recipients) -> list[Notification]:
    if not ids:
        return []
    complaints = Complaint.objects.filter(pk__in=ids).select_related("township", "handler", "enterprise")
    batch = []
    for complaint in complaints:
        last_day = last_day_to_answer(complaint.due_at)
        if kind == ReminderKind.ESCALATION:
            users = [
                u for u in recipients.county_staff if u.org_unit and complaint.township.path.startswith(u.org_unit.path)
            ]
            level = NotificationLevel.DANGER
        else:
            users = [complaint.handler, *recipients.chairs.get(complaint.township_id, [])]
            level = NotificationLevel.DANGER if kind == ReminderKind.OVERDUE else NotificationLevel.WARNING
        title = _notification_title(complaint, kind, last_day)
        body = f"{complaint.enterprise.name} · {complaint.get_category_display()}"  # no complainant details
        for user in {u.pk: u for u in users if u is not None}.values():
            batch.append(
                Notification(
                    recipient=user,
                    title=title,
                    body=body,
                    link=complaint.get_absolute_url(),
                    level=level,
                    dedupe_key=f"complaints:{kind}:{complaint.pk}",
                )
            )
    return batch
