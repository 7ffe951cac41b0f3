from celery import shared_task
from django.conf import settings

from apps.core.jobs import job_time_limits


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    **job_time_limits(settings.ROSTER_IMPORT_TIME_LIMIT),
)
def run_roster_import(self, import_id: int) -> str:
    """Check or import one uploaded roster; safe to run twice (the row is claimed atomically,
    and the import's writes commit together with its final status: apps.core.imports)."""
    from apps.core.imports import import_task_run

    from .imports import ROSTER

    return import_task_run(ROSTER, self, import_id)


@shared_task(ignore_result=True)
def expire_transfer_requests() -> int:
    """Beat, hourly: cancel transfer-in requests left unanswered too long (safe to run twice)."""
    from .services import transfer_expire_requests

    return len(transfer_expire_requests())
