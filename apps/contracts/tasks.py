"""Celery tasks of the contracts app: thin shells around the milestone engine."""

from celery import shared_task


@shared_task
def contracts_sweep() -> dict:
    """The contracts' milestones alone (deemed in force, expired and the reminders). Beat runs every
    app's milestones in apps.core.tasks.sweep_milestones; this is for a sweep of contracts only."""
    from apps.core.milestones import milestones_sweep

    from .milestones import MILESTONE_KINDS

    return milestones_sweep(kinds=MILESTONE_KINDS)
