from celery import shared_task
from django.conf import settings

from apps.core.jobs import job_time_limits

from . import services


@shared_task(ignore_result=True)
def refresh_unit_summaries() -> int:
    """Every ten minutes (CELERY_BEAT_SCHEDULE): the home page's key figures."""
    return services.unit_summaries_refresh()


@shared_task(ignore_result=True)
def refresh_assessment_snapshots() -> dict:
    """Every hour (CELERY_BEAT_SCHEDULE): the open assessment years' snapshots and scores."""
    from .assessment import refresh_open_years

    return refresh_open_years()


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    **job_time_limits(settings.ASSESSMENT_REFRESH_TIME_LIMIT),
)
def run_assessment_refresh(self, job_id: int):
    """County staff's on-demand refresh of a year (apps.overview.assessment.refresh_job_run)."""
    from apps.core.jobs import job_failed

    from .assessment import refresh_job_run

    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    try:
        return refresh_job_run(job_id=job_id, task_id=self.request.id or "", redelivered=redelivered)
    except Exception as exc:
        raise job_failed("assessment refresh", job_id, exc) from None
