"""Celery tasks of the training app: thin shells around the milestone engine."""

from celery import shared_task


@shared_task
def training_sweep() -> dict:
    """The training reminders alone. Beat runs every app's milestones in
    apps.core.tasks.sweep_milestones; this is for a sweep of training only (tests, a shell)."""
    from apps.core.milestones import milestones_sweep

    from .milestones import MILESTONE_KINDS

    return milestones_sweep(kinds=MILESTONE_KINDS)
