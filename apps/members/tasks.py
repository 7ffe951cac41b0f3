from celery import shared_task


@shared_task
def run_roster_import(import_id: int) -> str:
    """Check or import one uploaded roster (idempotent: a finished import is left alone)."""
    from .imports import roster_import_execute

    return roster_import_execute(import_id=import_id).status
