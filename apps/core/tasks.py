"""Celery tasks of the core app: thin shells around services."""

from celery import shared_task
from django.conf import settings
from django.core import management

from .jobs import job_time_limits


@shared_task
def ping() -> str:
    """A smoke task: proves a worker is consuming the queue."""
    return "pong"


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5, ignore_result=True)
def send_notification_email(notification_id: int) -> bool:
    from .services import notification_email

    return notification_email(notification_id=notification_id)


@shared_task(ignore_result=True)
def send_notification_emails(notification_ids: list[int]) -> int:
    """Email a batch of notifications (each at most once)."""
    from .services import notification_email

    return sum(notification_email(notification_id=pk) for pk in notification_ids)


@shared_task
def clear_expired_sessions() -> None:
    management.call_command("clearsessions")


@shared_task
def send_pending_notification_emails() -> int:
    """Every few minutes: queue the emails that were not sent when their notification was made."""
    from .jobs import publish
    from .services import notification_pending_email_ids

    ids = notification_pending_email_ids()
    if ids:
        publish(send_notification_emails, ids)
    return len(ids)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    **job_time_limits(settings.EXPORT_JOB_TIME_LIMIT),
)
def run_export_job(self, job_id: int):
    """Write one large export; safe to run twice (the job row is claimed atomically)."""
    from .jobs import job_failed
    from .services import export_job_run

    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    try:
        return export_job_run(job_id=job_id, task_id=self.request.id or "", redelivered=redelivered)
    except Exception as exc:  # logged by the service without its message; Celery logs this instead
        raise job_failed("export job", job_id, exc) from None


@shared_task
def sweep_background_jobs() -> dict:
    """Every minute: re-send jobs that waited too long, fail those whose worker was lost."""
    from .jobs import jobs_sweep

    return jobs_sweep()


@shared_task
def purge_old_exports() -> int:
    """Hourly: an export's file is kept for a day, then removed."""
    from .services import export_jobs_purge

    return export_jobs_purge()


@shared_task
def sweep_milestones() -> dict:
    """Every few minutes: every app's milestone reminders (apps.core.milestones), each exactly once."""
    from .milestones import milestones_sweep

    return milestones_sweep()
