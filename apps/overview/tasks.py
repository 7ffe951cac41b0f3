from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def refresh_unit_summaries() -> int:
    """Every ten minutes (CELERY_BEAT_SCHEDULE): the home page's key figures."""
    return services.unit_summaries_refresh()
