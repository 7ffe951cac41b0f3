"""Celery tasks of the aid app: thin shells around the milestone engine."""

from celery import shared_task


@shared_task
def aid_sweep() -> dict:
    """The hardship-aid reminders alone. Beat runs every app's milestones in
    apps.core.tasks.sweep_milestones; this is for a sweep of aid only (tests, a shell)."""
    from apps.core.milestones import milestones_sweep

    from .milestones import KIND

    return milestones_sweep(kinds=[KIND])
