"""Background jobs whose row is the record: roster imports, large Excel exports.

A job row is written first and its task queued once the transaction commits (`publish`: once,
in bounded time, never failing the request). Its task claims the row atomically (waiting →
running) under its Celery task id, so a duplicate message does nothing, and only the message
that claimed a job may take it over when the broker redelivers it.
Whatever happens to the message, the row decides:

- a job still waiting JOB_REDISPATCH_AFTER after it was queued (Redis was down, the message was
  lost) is sent to the broker again by `jobs_sweep`, which beat runs every minute;
- a job still running JOB_LOST_GRACE after its task's hard time limit lost its worker (killed,
  out of memory, the machine restarted) and is marked failed with a Chinese message; its page
  offers "重试", which queues it again. "重试" is offered for interruptions only
  (`job_is_interruption`); a failure the file or the data caused says what to do instead.

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


def job_claim(model, pk: int, *, task_id: str = "", redelivered: bool = False) -> bool:
    """Take the job for this run, atomically. Returns whether this run may do the work.

    A waiting job is taken (waiting → running) and the claiming message's Celery task id is
    stored on it (`task_id`); a duplicate message finds it taken. A message the broker
    *redelivered* means the run it was given to is over: its worker process died
    (reject_on_worker_lost), or the visibility timeout, longer than any run, passed. Such a
    message takes the running job over only if it is *the same message* (its task id is the
    stored one): a stale copy of a message whose job the sweep failed and "重试" queued again
    (with a new id) never touches the new run. It takes over once; if that run's worker dies
    as well (a file that kills every worker, say), the job fails instead of being redelivered
    for ever. Every later write of the run filters on the task id (`job_rows`).
    """
    kind = job_kind_of(model)
    manager, now = model._default_manager, timezone.now()
    claimed = manager.filter(pk=pk, status=kind.waiting).update(
        status=kind.running, task_id=task_id, error="", retryable=False, updated_at=now
    )
    if claimed:
        return True
    if not redelivered:
        return False
    running = manager.filter(pk=pk, status=kind.running, task_id=task_id)
    if running.exclude(error=TAKEN_OVER_NOTE).update(error=TAKEN_OVER_NOTE, updated_at=now):
        logger.warning("%s(%s): redelivered after its worker died, taken over", kind.task_name, pk)
        return True
    failed = running.update(
        status=kind.failed, error=LOST_TWICE_MESSAGE, retryable=True, finished_at=now, updated_at=now
    )
    if failed:
        logger.warning("%s(%s): its worker died twice, marked failed", kind.task_name, pk)
    return False


def job_rows(model, pk: int, task_id: str):
    """The job's row while it is still this run's: running, claimed by this task id."""
    kind = job_kind_of(model)
    return model._default_manager.filter(pk=pk, status=kind.running, task_id=task_id)


def job_is_interruption(exc: BaseException) -> bool:
    """Whether a job failed because it was interrupted, not because of its file or data: then
    running it again can succeed, and its page offers "重试". The time limit, and a lost
    connection to the database or the broker; anything else (a row the code cannot handle, a
    constraint the data breaks, memory a file exhausts, a filter that no longer validates)
    would fail the same way again."""
    from celery.exceptions import SoftTimeLimitExceeded
    from django.db import InterfaceError
    from django.db import OperationalError as DatabaseOperationalError
    from kombu.exceptions import OperationalError as BrokerOperationalError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    interruptions = (
        SoftTimeLimitExceeded,
        DatabaseOperationalError,
        InterfaceError,
        BrokerOperationalError,
        RedisConnectionError,
        RedisTimeoutError,
        ConnectionError,
        TimeoutError,
    )
    return isinstance(exc, interruptions)


class JobFailed(Exception):
    """What a job's task raises instead of the exception that failed it: the job id and the
    exception's class only. An exception's message can hold personal data (PostgreSQL's
    'DETAIL: Failing row contains (...)' holds a member's name and birth date), and Celery
    logs the message of whatever a task raises."""


def job_failure_logged(what: str, pk: int, exc: BaseException) -> None:
    """Log a job's failure with its id, the exception's class and where it was raised (the
    traceback's frames: code, no values), never the exception's message."""
    import traceback

    frames = "".join(traceback.format_tb(exc.__traceback__))
    logger.error("%s %s failed: %s\n%s", what, pk, type(exc).__name__, frames.rstrip())


def job_run_failed(model, pk: int, task_id: str, exc: BaseException, *, what: str, message: str) -> None:
    """Record that this run of a job failed: logged without the exception's message, the row
    (if still this run's) marked failed with `message`, and "重试" offered only after an
    interruption. The caller re-raises, for the task's own failure."""
    kind = job_kind_of(model)
    job_failure_logged(what, pk, exc)
    now = timezone.now()
    job_rows(model, pk, task_id).update(
        status=kind.failed,
        error=message,
        retryable=job_is_interruption(exc),
        finished_at=now,
        updated_at=now,
    )


def job_failed(what: str, pk: int, exc: BaseException) -> JobFailed:
    """The exception a job's task raises (`raise job_failed(...) from None`) for Celery's log."""
    return JobFailed(f"{what} {pk} failed: {type(exc).__name__}")


def task_time_limit(task) -> int:
    return task.time_limit or settings.CELERY_TASK_TIME_LIMIT


def job_time_limits(hard: int) -> dict:
    """The `time_limit` and `soft_time_limit` options of a job's task, from its hard limit."""
    return {"time_limit": hard, "soft_time_limit": max(1, hard - settings.JOB_SOFT_LIMIT_MARGIN)}


# While the broker is known to be down, publishing is not tried again for this long (seconds):
# a request that queues many messages (an email per notification) waits on it once, not once each.
BROKER_RETRY_AFTER = 10.0
_broker_down_until = 0.0


def broker_down_reset() -> None:
    """Forget that the broker was down: the next publish tries it again at once."""
    global _broker_down_until
    _broker_down_until = 0.0


def publish(task, *args) -> bool:
    """Send `task(*args)` to the broker now: once, in bounded time, never failing the caller.

    The publish is tried once with short timeouts (settings: CELERY_BROKER_TRANSPORT_OPTIONS).
    When it fails, nothing more is tried for BROKER_RETRY_AFTER seconds in this process, so a
    request waits on a broker that is down once at most. What is not sent is not lost: the
    database is the record, and a periodic task sends it again (jobs: `jobs_sweep`, emails:
    send_pending_notification_emails). Returns whether the message went out.
    """
    global _broker_down_until
    from kombu.exceptions import OperationalError

    eager = task.app.conf.task_always_eager
    if not eager and time.monotonic() < _broker_down_until:
        logger.warning("broker down, %s not sent now; the database keeps it for the next sweep", task.name)
        return False
    try:
        with task.app.producer_or_acquire() as producer:
            if not eager:
                # One attempt: kombu's publish would otherwise retry once, 2 s later.
                producer.connection.ensure_connection(max_retries=0)
            task.apply_async(args, producer=producer, retry=False)
    except (OperationalError, OSError) as exc:
        if not eager:
            _broker_down_until = time.monotonic() + BROKER_RETRY_AFTER
        logger.warning(
            "broker unavailable, %s not sent now; the database keeps it for the next sweep: %s",
            task.name,
            type(exc).__name__,
        )
        return False
    return True


def publish_on_commit(task, *args) -> None:
    """`publish(task, *args)` once the current transaction commits. Every message the portal
    queues from a request goes this way, never by a plain `.delay()`."""
    transaction.on_commit(lambda: publish(task, *args), robust=True)


def job_dispatch(task, pk: int) -> None:
    """Queue `task(pk)` once the current transaction commits, without ever failing the caller:
    when the broker is down the request goes on at once and the job waits in its row, for
    `jobs_sweep` to send it again."""
    publish_on_commit(task, pk)


def jobs_sweep(*, now=None) -> dict:
    """Re-send jobs that waited too long, fail those that ran too long. Returns the counts."""
    now = now or timezone.now()
    counts = {"redispatched": 0, "failed": 0}
    for kind in job_kinds():
        manager = kind.model._default_manager
        lost = manager.filter(status=kind.running, updated_at__lt=now - kind.lost_after())
        # One conditional UPDATE: a job that finished meanwhile is not touched.
        failed = lost.update(status=kind.failed, error=LOST_MESSAGE, retryable=True, finished_at=now, updated_at=now)
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
