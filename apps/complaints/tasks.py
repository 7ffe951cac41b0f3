from celery import shared_task


@shared_task
def complaint_deadline_sweep() -> dict:
    """The complaints' deadline reminders alone (beat runs every milestone in
    apps.core.tasks.sweep_milestones; this stays for a sweep of complaints only)."""
    from .services import complaint_deadline_sweep as sweep

    return sweep()
