"""Background jobs whose row is the record: roster imports, large Excel exports.

A job row is written first and its task queued once the transaction commits. Its task claims
the row atomically (waiting → running), so a duplicate or redelivered message does nothing.
Whatever happens to the message, the row decides:

- a job still waiting JOB_REDISPATCH_AFTER after it was queued (Redis was down, the message was
  lost) is sent to the broker again by `jobs_sweep`, which beat runs every minute;
- a job still running JOB_LOST_GRACE after its task's hard time limit lost its worker (killed,
  out of memory, the machine restarted) and is marked failed with a Chinese message; its page
  offers "重试", which queues it again.

So every job ends done or failed. The apps owning a kind of job register it in their
AppConfig.ready() (`register_job_kind`); the thresholds are derived here, in one place.
"""

import importlib
import logging
import os
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

LOST_MESSAGE = (
    "后台处理意外中断（处理进程被终止或服务器重启），未写入任何数据。请点击“重试”重新执行；如再次失败，请联系管理员。"
)


# While a job runs, `error` holds this note once a redelivered message took it over.
TAKEN_OVER_NOTE = "上次处理意外中断，已自动重新开始。"
LOST_TWICE_MESSAGE = (
    "后台处理两次意外中断（处理进程被终止，可能是文件过大），未写入任何数据。"
    "请拆分文件后点击“重试”；如再次失败，请联系管理员。"
)


@dataclass(frozen=True)
class JobKind:
    """One kind of background job: its model, its task's name and its status values."""

    model: type
    task_name: str
    waiting: str
    running: str
    failed: str

    @property
    def task(self):
        module, name = self.task_name.rsplit(".", 1)
        return getattr(importlib.import_module(module), name)

    def lost_after(self) -> timedelta:
        """How long a job may run before it is known to be lost: its hard limit and a grace."""
        return timedelta(seconds=task_time_limit(self.task) + settings.JOB_LOST_GRACE)


_KINDS: dict[str, JobKind] = {}


def register_job_kind(kind: JobKind) -> None:
    _KINDS[kind.task_name] = kind


def job_kinds() -> list[JobKind]:
    return list(_KINDS.values())


def job_kind_of(model) -> JobKind:
    return next(kind for kind in _KINDS.values() if kind.model is model)


def job_claim(model, pk: int, *, redelivered: bool = False) -> bool:
    """Take the job for this run, atomically. Returns whether this run may do the work.

    A waiting job is taken (waiting → running); a duplicate message finds it taken. A message
    the broker *redelivered* means the run it was given to is over: its worker process died
    (reject_on_worker_lost), or the visibility timeout, longer than any run, passed. Such a
    message takes the running job over once; if that run's worker dies as well (a file that
    kills every worker, say), the job fails instead of being redelivered for ever.
    """
    kind = job_kind_of(model)
    manager, now = model._default_manager, timezone.now()
    if manager.filter(pk=pk, status=kind.waiting).update(status=kind.running, error="", updated_at=now):
        return True
    if not redelivered:
        return False
    running = manager.filter(pk=pk, status=kind.running)
    if running.exclude(error=TAKEN_OVER_NOTE).update(error=TAKEN_OVER_NOTE, updated_at=now):
        logger.warning("%s(%s): redelivered after its worker died, taken over", kind.task_name, pk)
        return True
    if running.update(status=kind.failed, error=LOST_TWICE_MESSAGE, finished_at=now, updated_at=now):
        logger.warning("%s(%s): its worker died twice, marked failed", kind.task_name, pk)
    return False


def task_time_limit(task) -> int:
    return task.time_limit or settings.CELERY_TASK_TIME_LIMIT


def job_time_limits(hard: int) -> dict:
    """The `time_limit` and `soft_time_limit` options of a job's task, from its hard limit."""
    return {"time_limit": hard, "soft_time_limit": max(1, hard - settings.JOB_SOFT_LIMIT_MARGIN)}


def job_dispatch(task, pk: int) -> None:
    """Queue `task(pk)` once the current transaction commits, without ever failing the caller.

    The publish is tried once with short timeouts (settings: CELERY_BROKER_TRANSPORT_OPTIONS):
    when the broker is down the request goes on at once and the job waits in its row, for
    `jobs_sweep` to send it again.
    """

    def send():
        from kombu.exceptions import OperationalError

        try:
            with task.app.producer_or_acquire() as producer:
                if not task.app.conf.task_always_eager:
                    # One attempt: kombu's publish would otherwise retry once, 2 s later.
                    producer.connection.ensure_connection(max_retries=0)
                task.apply_async((pk,), producer=producer, retry=False)
        except (OperationalError, OSError) as exc:
            logger.warning(
                "broker unavailable, %s(%s) stays queued in the database for the job sweep: %s",
                task.name,
                pk,
                type(exc).__name__,
            )

    transaction.on_commit(send, robust=True)


def jobs_sweep(*, now=None) -> dict:
    """Re-send jobs that waited too long, fail those that ran too long. Returns the counts."""
    now = now or timezone.now()
    counts = {"redispatched": 0, "failed": 0}
    for kind in job_kinds():
        manager = kind.model._default_manager
        lost = manager.filter(status=kind.running, updated_at__lt=now - kind.lost_after())
        # One conditional UPDATE: a job that finished meanwhile is not touched.
        failed = lost.update(status=kind.failed, error=LOST_MESSAGE, finished_at=now, updated_at=now)
        if failed:
            logger.warning("%s: %d job(s) lost their worker and were marked failed", kind.task_name, failed)
        counts["failed"] += failed
        waiting = manager.filter(
            status=kind.waiting, updated_at__lt=now - timedelta(seconds=settings.JOB_REDISPATCH_AFTER)
        )
        pks = list(waiting.order_by("pk").values_list("pk", flat=True)[:500])
        if pks:
            # Stamped, so each job is sent again at most once per JOB_REDISPATCH_AFTER.
            manager.filter(pk__in=pks, status=kind.waiting).update(updated_at=now)
            for pk in pks:
                job_dispatch(kind.task, pk)
            logger.info("%s: %d waiting job(s) sent to the broker again", kind.task_name, len(pks))
        counts["redispatched"] += len(pks)
    return counts


def fault_point(name: str) -> None:
    """Test-only: pause here while `<JOB_FAULT_POINTS_DIR>/<name>.pause` exists.

    The fault tests create the .pause file, wait for `<name>.reached` (which holds the pid of
    the process that waits), then kill it, or create `<name>.go` to let it go on. Without the
    setting (production) this does nothing.
    """
    folder = settings.JOB_FAULT_POINTS_DIR
    if not folder or not (Path(folder) / f"{name}.pause").exists():
        return
    (Path(folder) / f"{name}.reached").write_text(str(os.getpid()))
    deadline = time.monotonic() + 60
    while not (Path(folder) / f"{name}.go").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
