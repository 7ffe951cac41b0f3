"""The Celery application: Redis broker, settings from Django's CELERY_ namespace."""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings.local")

app = Celery("unionportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def limit_memory_of_pool_process(**_kwargs):
    """Cap each pool process's address space (WORKER_MEMORY_LIMIT_MB): a spreadsheet that
    expands beyond it fails its task with a MemoryError instead of taking the machine.
    worker_max_memory_per_child then replaces a process that grew large."""
    import resource

    from django.conf import settings

    limit_mb = getattr(settings, "WORKER_MEMORY_LIMIT_MB", 0)
    if limit_mb:
        limit = limit_mb * 1024 * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
