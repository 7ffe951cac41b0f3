"""Writes of the core app: notifications."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from .history import acting_user
from .models import Notification, NotificationLevel

logger = logging.getLogger(__name__)


def model_update(*, instance, fields: list[str], data: dict, user) -> tuple[object, bool]:
    """Update `fields` of `instance` from `data`, validate the row and save only what changed.

    The one way a service updates a row (HackSoft's common/services.py): fields missing from
    `data` are left alone, an unchanged value is not written, `updated_at` follows a change,
    `full_clean()` holds the row's rules, and the audit history records `user` as the actor.
    Returns the instance and whether anything changed.
    """
    model_fields = {field.name: field for field in instance._meta.get_fields()}
    changed = []
    many_to_many = {}
    for name in fields:
        if name not in data:
            continue
        field = model_fields.get(name)
        if field is None:
            raise ValueError(f"{type(instance).__name__} has no field {name!r}")
        if field.many_to_many:
            many_to_many[name] = data[name]
        elif getattr(instance, name) != data[name]:
            setattr(instance, name, data[name])
            changed.append(name)
    if not changed and not many_to_many:
        return instance, False
    with transaction.atomic(), acting_user(user):
        if changed:
            if "updated_at" in model_fields:
                changed.append("updated_at")
            instance.full_clean()
            instance.save(update_fields=changed)
        for name, value in many_to_many.items():
            getattr(instance, name).set(value)
    return instance, True


@transaction.atomic
def notification_send(
    *,
    recipient,
    title: str,
    body: str = "",
    link: str = "",
    level: str = NotificationLevel.INFO,
    dedupe_key: str = "",
    email: bool = True,
) -> Notification | None:
    """Store an in-app notification and queue its email once the transaction commits.

    With a `dedupe_key`, a second call for the same recipient and key stores nothing and
    returns None: this is what makes reminders exactly-once under retries and concurrency.
    """
    notification = Notification(
        recipient=recipient,
        title=title,
        body=body,
        link=link,
        level=level,
        dedupe_key=dedupe_key,
    )
    notification.full_clean(validate_constraints=False)
    try:
        # A savepoint, so a duplicate leaves the caller's transaction usable.
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        if not dedupe_key:
            raise
        return None
    if email and recipient.email:
        _email_on_commit(notification.pk)
    return notification


def _email_on_commit(notification_id: int) -> None:
    """Queue the email once the transaction commits: one message for all the emails of one
    transaction (a transfer notifies every staff member of a township), published the one way
    that never fails the caller nor holds it long (apps.core.jobs.publish). Anything not sent
    is picked up by the periodic send_pending_notification_emails task."""
    from .jobs import publish
    from .tasks import send_notification_emails

    connection = transaction.get_connection()
    batch = getattr(connection, "_notification_emails", None)
    # Still waiting for this transaction's commit? (A rollback drops the hook, not the attribute.)
    if batch is None or not any(hook is batch["send"] for _sids, hook, _robust in connection.run_on_commit):

        def send():
            ids = batch["ids"]
            connection._notification_emails = None
            publish(send_notification_emails, ids)

        batch = {"ids": [], "send": send}
        connection._notification_emails = batch
        transaction.on_commit(send, robust=True)
    batch["ids"].append(notification_id)


@transaction.atomic
def notification_send_many(*, notifications: list[Notification]) -> int:
    """Store many deduplicated notifications in one insert and queue their emails in one task.

    For sweeps that may notify thousands at once. Every item needs a `dedupe_key`; one that was
    stored before is skipped (the unique constraint decides). Returns how many were new.
    """
    if not notifications:
        return 0
    if any(not n.dedupe_key for n in notifications):
        raise ValueError("notification_send_many needs a dedupe_key on every notification")
    keys = {(n.recipient_id, n.dedupe_key) for n in notifications}
    before = set(
        Notification.objects.filter(dedupe_key__in={key for _r, key in keys}).values_list("recipient_id", "dedupe_key")
    )
    Notification.objects.bulk_create(notifications, batch_size=1000, ignore_conflicts=True)
    new_keys = keys - before
    to_email = list(
        Notification.objects.filter(dedupe_key__in={key for _r, key in new_keys}, emailed_at__isnull=True)
        .exclude(recipient__email="")
        .values_list("pk", "recipient_id", "dedupe_key")
    )
    ids = [pk for pk, recipient_id, key in to_email if (recipient_id, key) in new_keys]
    if ids:
        from .jobs import publish_on_commit
        from .tasks import send_notification_emails

        publish_on_commit(send_notification_emails, ids)
    return len(new_keys)


def notification_email(*, notification_id: int) -> bool:
    """Email one notification, once. Returns whether an email went out now."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("recipient").filter(pk=notification_id).first()
        )
        if notification is None or notification.emailed_at or not notification.recipient.email:
            return False
        body = notification.body
        if notification.link:
            body = f"{body}\n\n{settings.PORTAL_BASE_URL.rstrip('/')}{notification.link}"
        send_mail(
            subject=notification.title,
            message=body,
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at", "updated_at"])
    logger.info("notification %s emailed", notification_id)
    return True


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])


def notification_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now(), updated_at=timezone.now()
    )


def notification_pending_email_ids(*, older_than_minutes: int = 5, within_days: int = 2) -> list[int]:
    """Notifications whose email never went out (the broker was down, a worker died)."""
    now = timezone.now()
    return list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            created_at__lte=now - timedelta(minutes=older_than_minutes),
            created_at__gte=now - timedelta(days=within_days),
        )
        .exclude(recipient__email="")
        .values_list("pk", flat=True)[:1000]
    )


# --- large Excel exports ---------------------------------------------------------------------


EXPORT_FAILED_MESSAGE = "导出中断，未生成文件。请点击“重试”；如再次失败，请联系管理员。"
EXPORT_TIMEOUT_MESSAGE = "导出超时，未生成文件。请点击“重试”；如再次超时，请用筛选条件缩小范围后分批导出。"
# Failures a retry would repeat: the filters no longer give an export, or the data cannot be written.
EXPORT_REFUSED_MESSAGE = "导出失败，未生成文件：{reason}请回到列表，修改筛选条件后重新导出。"
EXPORT_BROKEN_MESSAGE = "导出失败，未生成文件（{error}）。请回到列表重新导出；如仍失败，请联系管理员。"
EXPORT_PURGED_MESSAGE = "该导出已超过保留期限，文件和筛选条件均已清除，不能重试。请回到列表重新导出。"


def _export_failure_message(exc) -> str:
    from celery.exceptions import SoftTimeLimitExceeded

    from .errors import ApplicationError
    from .jobs import job_is_interruption

    if isinstance(exc, SoftTimeLimitExceeded):
        return EXPORT_TIMEOUT_MESSAGE
    if job_is_interruption(exc):
        return EXPORT_FAILED_MESSAGE
    if isinstance(exc, ApplicationError | ValidationError):
        reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else exc.message
        return EXPORT_REFUSED_MESSAGE.format(reason=reason.rstrip("。") + "。")
    return EXPORT_BROKEN_MESSAGE.format(error=type(exc).__name__)


def export_job_start(*, user, path: str, query: str, rows: int):
    """Record a large export and have a worker write it once this transaction commits.

    The row is the record: when the broker is down the request still answers at once, and
    the job sweep (apps.core.jobs) sends the job again once the broker is back.
    """
    from .models import ExportJob

    job = ExportJob.objects.create(requested_by=user, path=path, query=query, total_rows=rows)
    _export_job_queue(job)
    return job


def _export_job_queue(job) -> None:
    from .jobs import job_dispatch
    from .tasks import run_export_job

    job_dispatch(run_export_job, job.pk)


@transaction.atomic
def export_job_retry(*, job):
    """Queue a failed export again (its page's "重试" button)."""
    from .models import ExportJob, ExportStatus

    job = ExportJob.objects.select_for_update().defer("content").get(pk=job.pk)
    if job.status != ExportStatus.FAILED:
        raise ValidationError("只有失败的导出可以重试。")
    if job.purged:
        raise ValidationError(EXPORT_PURGED_MESSAGE)
    if not job.retryable:
        raise ValidationError("只有因中断而失败的导出可以重试；请回到列表，修改筛选条件后重新导出。")
    job.status, job.error, job.processed_rows, job.finished_at = ExportStatus.PENDING, "", 0, None
    job.save(update_fields=["status", "error", "processed_rows", "finished_at", "updated_at"])
    _export_job_queue(job)
    return job


def export_job_run(*, job_id: int, task_id: str = "", redelivered: bool = False):
    """Write the export the way the list's export view would, as its requester, with progress.

    The view is found again from the stored path, so the rows are exactly those the requester's
    scope and filters give now. Claimed atomically (apps.core.jobs.job_claim): a duplicate
    message does nothing; one the broker redelivered takes the running job over, once.
    """
    from django.http import HttpRequest, QueryDict
    from django.urls import resolve

    from .exports import xlsx_file_name
    from .jobs import fault_point, job_claim, job_rows, job_run_failed
    from .models import ExportJob, ExportStatus
    from .replica import reads_from_replica

    if not job_claim(ExportJob, job_id, task_id=task_id, redelivered=redelivered):
        return None
    job = ExportJob.objects.select_related("requested_by").defer("content").get(pk=job_id)
    running = job_rows(ExportJob, job_id, task_id)
    try:
        fault_point("export-running")
        match = resolve(job.path)
        request = HttpRequest()
        request.method, request.path, request.path_info = "GET", job.path, job.path
        request.GET = QueryDict(job.query)
        request.user = job.requested_by
        view = match.func.view_class()
        view.setup(request, *match.args, **match.kwargs)

        def progress(written):
            # updated_at is the job's heartbeat (apps.core.jobs); a write: the primary.
            running.update(processed_rows=min(written, job.total_rows), updated_at=timezone.now())

        # The rows from the replica when there is one (apps.core.replica); the job's own row
        # above and its progress and result are read and written on the primary.
        with reads_from_replica():
            queryset = view.export_queryset()
            content = view.export_content(queryset, progress=progress)
    except Exception as exc:  # any failure is shown to the requester, then re-raised for the task
        job_run_failed(ExportJob, job_id, task_id, exc, what="export job", message=_export_failure_message(exc))
        raise
    done = running.update(
        status=ExportStatus.DONE,
        error="",
        content=content,
        file_name=xlsx_file_name(view.export_filename),
        processed_rows=job.total_rows,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    if not done:  # marked lost meanwhile: its page offers a retry
        return None
    notification_send(
        recipient=job.requested_by,
        title="Excel 导出已完成，可以下载",
        link=job.get_absolute_url(),
        email=False,
    )
    return job_id


def export_jobs_purge(*, now=None) -> int:
    """Remove the files (personal data) of exports made more than EXPORT_KEEP_HOURS ago, and the
    filters they were made with (a search for a name or an ID number is kept there in the clear),
    whatever became of the export: done, failed, still waiting or lost. Such a job is not
    retried any more (ExportJob.purged)."""
    from django.db.models import Q

    from .models import ExportJob, ExportStatus

    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.EXPORT_KEEP_HOURS)
    # One still waiting would otherwise run, later, without its filters: the whole scope.
    ExportJob.objects.filter(created_at__lt=cutoff, status__in=[ExportStatus.PENDING, ExportStatus.RUNNING]).update(
        status=ExportStatus.FAILED, error=EXPORT_PURGED_MESSAGE, retryable=False, finished_at=now, updated_at=now
    )
    kept = Q(content__isnull=False) | ~Q(query="")
    return ExportJob.objects.filter(kept, created_at__lt=cutoff).update(content=None, query="", updated_at=now)
