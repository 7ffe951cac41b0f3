from celery import shared_task


@shared_task
def complaint_deadline_sweep() -> dict:
    """Every few minutes (Django admin → Periodic tasks): the seven-day deadline reminders."""
    from .services import complaint_deadline_sweep as sweep

    return sweep()
