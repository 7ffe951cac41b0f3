"""Imports from a spreadsheet, for every app: a parser and a writer plugged into one flow.

upload (checked by content and size, nothing stored when refused) → dry run in Celery with a
progress bar → a per-row report in Chinese (errors and warnings, how to fix them) → confirm →
the same check again and the valid rows written in one transaction (all or nothing) → the
report stays downloadable as Excel, row numbers and messages only, no personal data. Running
the same file again changes nothing when the writer is idempotent (the roster's is, on the ID
number). The job is a row of the app's model (an :class:`ImportJob`), claimed and failed as
every background job is (apps.core.jobs): a duplicate message does nothing, a lost worker ends
the job "失败" with "重试", a failure the file caused says to correct the file.

An app plugs in an :class:`Importer` subclass:

- ``parse(job, content)``: the **parser**, the file's rows as :class:`ImportRow` (row number,
  cleaned values, errors, warnings), or a fatal Chinese message; no database writes.
- ``plan(job, rows, progress)`` (optional): what each row would do against the database
  (create, update, unchanged, ...), with its own errors; by default every valid row is
  created.
- ``write(job, plan)``: the **writer**, called inside the transaction that also records the
  result, only when confirming; it must not fail for a row the plan called valid. Before it,
  that transaction takes an advisory lock (``write_lock_key``: by default one per kind of
  import) and runs ``plan`` again, so the plan written is the one the database holds now.

and a Celery task that calls :func:`import_task_run`. Views: :mod:`apps.core.import_views`.
"""

from __future__ import annotations

import json
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .history import acting_user
from .jobs import (
    JobKind,
    fault_point,
    job_claim,
    job_dispatch,
    job_failed,
    job_is_interruption,
    job_rows,
    job_run_failed,
    register_job_kind,
)
from .models import BaseModel
from .spreadsheets import SheetLimits, spreadsheet_kind, spreadsheet_problem
from .text import tidy_punctuation

logger = logging.getLogger(__name__)


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    CHECKED = "checked", _("Checked (dry run)")
    IMPORTED = "imported", _("Imported")
    FAILED = "failed", _("Failed")


class ImportJob(BaseModel):
    """One uploaded file and its import: checked (dry run) first, then imported.

    The file is kept in the database, not in a public media folder: an office's spreadsheet is
    full of personal data. The report holds row numbers, statuses and messages, never values.
    """

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    # Who confirmed the import (or queued its retry): the writes are recorded as theirs.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    file_name = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField(_("file"))
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    commit = models.BooleanField(_("import (not only check)"), default=False)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    report = models.JSONField(_("report"), default=list, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    # Failed because it was interrupted (apps.core.jobs.job_is_interruption): "重试" is offered.
    retryable = models.BooleanField(_("can be retried"), default=False, editable=False)
    # The Celery task id of the message that claimed it (apps.core.jobs.job_claim).
    task_id = models.CharField(_("task id"), max_length=64, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ImportStatus.values),
                name="%(app_label)s_%(class)s_valid_status",
                violation_error_message=_("Unknown import status."),
            ),
            models.CheckConstraint(
                condition=models.Q(processed_rows__lte=models.F("total_rows")),
                name="%(app_label)s_%(class)s_progress_within_total",
                violation_error_message=_("Progress cannot pass the number of rows."),
            ),
        ]

    def __str__(self):
        return self.file_name

    @property
    def progress_percent(self):
        return int(self.processed_rows * 100 / self.total_rows) if self.total_rows else 0

    @property
    def can_retry(self) -> bool:
        """Failed because it was interrupted (worker lost, time limit, a lost connection), not
        because of the file or its data: those would fail the same way again."""
        return self.status == ImportStatus.FAILED and self.retryable

    @property
    def is_done(self) -> bool:
        return self.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING)


@dataclass
class ImportRow:
    """One row of the file as the parser read it: ``values`` cleaned, ``errors`` and
    ``warnings`` in Chinese (a row with an error is not written)."""

    row: int
    values: dict[str, Any]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "error" if self.errors else "warning" if self.warnings else "valid"

    @property
    def messages(self) -> list[str]:
        # Put together from parts ("{column}：{Django's message}"): no "。；" or "：:" (apps.core.text).
        return [tidy_punctuation(message) for message in self.errors + self.warnings]


@dataclass
class ParsedFile:
    """What the parser made of the file: its rows, or ``error``, why none could be read."""

    rows: list = field(default_factory=list)
    error: str | None = None


class ImportFileError(Exception):
    """Raised by a parser for a problem of the whole file (Chinese): the job ends failed with it."""


# A failure caused by the file or its data: running it again would fail the same way. {noun} is
# the importer's word for its file (花名册, 纳税明细...).
FILE_FAILED_MESSAGE = (
    "导入失败，未写入任何数据：{noun}中有平台无法处理的内容（{error}）。"
    "请检查并修改文件后重新上传；如仍失败，请联系管理员。"
)
MEMORY_FAILED_MESSAGE = "{noun}过大，处理时超出内存限制，未写入任何数据。请将{noun}拆分为较小的文件后重新上传。"
INTERRUPTED_MESSAGE = "导入中断，未写入任何数据（{error}）。请点击“重试”；如再次失败，请联系管理员。"
TIMEOUT_MESSAGE = (
    "处理超时（超过约 {minutes} 分钟），未写入任何数据。请点击“重试”；如再次超时，请将{noun}拆分后分批导入。"
)

# The write met a row another writer added after the import's own plan (outside the imports'
# lock, e.g. a member entered by hand at that moment): nothing written, and running it again
# plans with that row.
CONFLICT_MESSAGE = "导入时，另一项操作同时登记了{noun}中的部分数据，为避免重复，未写入任何数据。请点击“重试”。"

BASE_ACTION_LABELS = {"create": "导入", "skip": "有错误，不导入"}


class Importer:
    """One kind of import: the app's model, task, parser and writer; the flow is this class's.

    Subclass it in the app (``apps/<app>/imports.py``) and register the instance in the app's
    ``AppConfig.ready()`` with :func:`register_importer`.
    """

    model: ClassVar[type[ImportJob]]
    # Dotted path of the app's Celery task (a thin shell around import_task_run).
    task_name: ClassVar[str]
    # Names this import in logs and test fault points ("<what>-running", ...).
    what: ClassVar[str] = "import"
    # Setting holding the task's hard time limit in seconds.
    time_limit_setting: ClassVar[str] = "ROSTER_IMPORT_TIME_LIMIT"
    # What the file must be: checked by content (the first bytes), never by the name alone.
    kinds: ClassVar[tuple[str, ...]] = ("xlsx", "xls")
    wrong_type_message: ClassVar[str] = "请上传 Excel 文件（.xlsx 或 .xls）。"
    action_labels: ClassVar[dict[str, str]] = BASE_ACTION_LABELS
    progress_every: ClassVar[int] = 500
    # The word for the file in messages.
    noun: ClassVar[str] = "文件"
    # The history context's key for the job's id (default: the model's name, "rosterimport").
    history_key: ClassVar[str] = ""

    # --- what an app plugs in ----------------------------------------------------------------

    # A confirmed import plans under the write lock in any case (execute: replan); planning it
    # before the lock too only tells early what the file's plan was a moment ago. An importer
    # whose plan is a large share of its cost (a city's tax statement) turns it off: a
    # confirmed import then only reads the file before taking the lock.
    plan_before_lock = True

    def limits(self) -> SheetLimits:
        return SheetLimits.from_settings()

    def file_problem(self, content: bytes) -> str | None:
        """Why this file is refused before anything is stored (Chinese), or None."""
        return spreadsheet_problem(content, limits=self.limits())

    def parse(self, job: ImportJob, content: bytes) -> ParsedFile:
        """The parser: the file's rows, cleaned and checked; no database writes."""
        raise NotImplementedError

    def plan(self, job: ImportJob, rows: list, progress) -> tuple[list[dict], Any, dict[str, int]]:
        """(report entries, the plan for ``write``, extra summary counts). An entry is
        ``{"row", "status", "messages", "action"}``. By default valid rows are created."""
        report, creates = [], []
        for index, row in enumerate(rows, start=1):
            action = "skip" if row.status == "error" else "create"
            if action == "create":
                creates.append(row)
            report.append({"row": row.row, "status": row.status, "messages": row.messages, "action": action})
            progress(index)
        return report, creates, {"create": len(creates), "skip": len(rows) - len(creates)}

    def write(self, job: ImportJob, plan: Any) -> None:
        """The writer: the plan's rows in the transaction the import commits in."""
        raise NotImplementedError

    def write_lock_key(self, job: ImportJob) -> str:
        """Which writes of this import wait for each other: the import's transaction holds a
        PostgreSQL advisory lock on this key (with the model's table) from before its final plan
        until it commits. By default every import of this kind waits for the one writing (a
        person may be in two unions' files); an import may narrow it (a union's id)."""
        return ""

    @contextmanager
    def audit_context(self, job: ImportJob):
        """Who imported (apps.core.history.acting_user: the user who confirmed it, else the
        uploader, e.g. for the command line's import), and from which file, on every history
        event the import writes (metadata ``history_key``: the job's id)."""
        user = (job.confirmed_by if job.commit else None) or job.uploaded_by
        with acting_user(user), pghistory.context(**{self.history_key or job._meta.model_name: job.pk}):
            yield

    def failure_message(self, exc: BaseException) -> str:
        from celery.exceptions import SoftTimeLimitExceeded

        if isinstance(exc, SoftTimeLimitExceeded):
            return TIMEOUT_MESSAGE.format(minutes=getattr(settings, self.time_limit_setting) // 60, noun=self.noun)
        if job_is_interruption(exc):
            return INTERRUPTED_MESSAGE.format(error=type(exc).__name__)
        if isinstance(exc, MemoryError):
            return MEMORY_FAILED_MESSAGE.format(noun=self.noun)
        return FILE_FAILED_MESSAGE.format(error=type(exc).__name__, noun=self.noun)

    # --- the flow ----------------------------------------------------------------------------

    @property
    def task(self):
        return self.job_kind().task

    def job_kind(self) -> JobKind:
        return JobKind(
            model=self.model,
            task_name=self.task_name,
            waiting=ImportStatus.QUEUED,
            running=ImportStatus.RUNNING,
            failed=ImportStatus.FAILED,
        )

    def start(self, *, user, file_name: str, content: bytes, **fields) -> ImportJob:
        """Store the upload and queue its dry run. Refuses, before storing anything, a file that
        is not one of ``kinds`` by its content or is beyond the limits (the worker checks the
        same again before it reads a row). ``fields`` are the app's own (the roster's union)."""
        if spreadsheet_kind(content) not in self.kinds:
            raise ValidationError({"file": self.wrong_type_message})
        problem = self.file_problem(content)
        if problem:
            raise ValidationError({"file": problem})
        job = self.model.objects.create(
            uploaded_by=user, file_name=file_name[:200], content=content, commit=False, **fields
        )
        job_dispatch(self.task, job.pk)
        return job

    def confirm(self, *, job: ImportJob, user) -> ImportJob:
        """After a dry run ``user`` looked at: run it again for real, its writes recorded as
        ``user``'s (who confirmed, not who uploaded)."""
        with transaction.atomic(), acting_user(user):
            job = self.model.objects.select_for_update().defer("content", "report").get(pk=job.pk)
            if job.status != ImportStatus.CHECKED:
                raise ValidationError("只有检查完成、尚未导入的文件可以确认导入。")
            job.commit = True
            job.status = ImportStatus.QUEUED
            job.processed_rows = 0
            job.confirmed_by = user
            job.save(update_fields=["commit", "status", "processed_rows", "confirmed_by", "updated_at"])
            job_dispatch(self.task, job.pk)
        return job

    def retry(self, *, job: ImportJob, user) -> ImportJob:
        """Queue again a check or an import that was interrupted (its page's "重试" button); an
        import's writes are then recorded as ``user``'s, who asked for them this time."""
        with transaction.atomic(), acting_user(user):
            job = self.model.objects.select_for_update().defer("content", "report").get(pk=job.pk)
            if not job.can_retry:
                raise ValidationError("只有因中断而失败的检查或导入可以重试；文件本身有问题时，请修改后重新上传。")
            job.status = ImportStatus.QUEUED
            job.error = ""
            job.processed_rows = 0
            job.finished_at = None
            fields = ["status", "error", "processed_rows", "finished_at", "updated_at"]
            if job.commit and user is not None:
                job.confirmed_by = user
                fields.append("confirmed_by")
            job.save(update_fields=fields)
            job_dispatch(self.task, job.pk)
        return job

    def execute(self, *, import_id: int, task_id: str = "", redelivered: bool = False) -> ImportJob:
        """The Celery task's body, for the check and for the import. Safe to run twice.

        The row is claimed atomically (apps.core.jobs.job_claim): a duplicate message finds it
        taken, a redelivered one takes it over once. The import's writes and its final status
        commit in one transaction, under a lock on the row that is still running: a worker
        killed before the commit wrote nothing, and a run after the commit (or after the sweep
        failed the job) writes nothing again.
        """
        model = self.model
        claimed = job_claim(model, import_id, task_id=task_id, redelivered=redelivered)
        job = model.objects.select_related("uploaded_by", "confirmed_by").get(pk=import_id)
        if not claimed:
            return job
        ours = job_rows(model, import_id, task_id)
        try:
            fault_point(f"{self.what}-running")
            if job.commit and not self.plan_before_lock:
                report, summary, plan = self.read_for_write(job)
            else:
                report, summary, plan = self.check(job)
            status = ImportStatus.IMPORTED if job.commit else ImportStatus.CHECKED
            if summary.get("fatal"):
                status = ImportStatus.FAILED
            with transaction.atomic(), self.audit_context(job):
                # Locked and still ours: nothing is written for a job the sweep gave up on.
                if not ours.select_for_update().exists():
                    return model.objects.get(pk=import_id)
                if job.commit and status == ImportStatus.IMPORTED:
                    # One import of this kind writes at a time, and it plans again once it may:
                    # the plan it writes saw every row committed before it (another import of
                    # the same people, a confirm clicked twice), so nobody is entered twice.
                    self.lock_writes(job)
                    report, summary, plan = self.replan(job)
                    self.write(job, plan)
                    fault_point(f"{self.what}-written")
                ours.update(
                    status=status,
                    report=report,
                    summary=summary,
                    error=summary.get("fatal", ""),
                    finished_at=timezone.now(),
                    processed_rows=summary.get("rows", 0),
                    total_rows=summary.get("rows", 0),
                )
        except Exception as exc:
            # Never the exception's message: a database error's DETAIL holds the failing row.
            conflict = _is_unique_violation(exc)
            message = CONFLICT_MESSAGE.format(noun=self.noun) if conflict else self.failure_message(exc)
            job_run_failed(model, import_id, task_id, exc, what=self.what, message=message)
            if conflict:  # a race, not the file: "重试" plans with the other writer's rows
                model.objects.filter(pk=import_id, task_id=task_id, status=ImportStatus.FAILED, error=message).update(
                    retryable=True
                )
            raise
        # Named apart, so a fault test waiting for the import's commit is never caught by a dry run.
        fault_point(f"{self.what}-committed" if job.commit else f"{self.what}-checked")
        job.refresh_from_db()
        return job

    def check(self, job: ImportJob):
        """Every row's result and what the import would write: (report, summary, plan). The
        parsed rows are kept on ``job`` (this run's instance) for :meth:`replan`."""
        parsed = self._read(job)
        if parsed.error:
            return [], {"fatal": parsed.error, "rows": 0}, None
        rows = parsed.rows
        job_rows(self.model, job.pk, job.task_id).update(total_rows=len(rows), processed_rows=0)

        def progress(index):
            if index % self.progress_every == 0:
                # Outside the import's transaction (autocommit), so the progress bar sees it at
                # once; updated_at is the job's heartbeat (apps.core.jobs).
                job_rows(self.model, job.pk, job.task_id).update(processed_rows=index, updated_at=timezone.now())

        report, plan, counts = self.plan(job, rows, progress)
        return report, self._summary(rows, report, counts), plan

    def read_for_write(self, job: ImportJob):
        """The file of a confirmed import read and parsed (its rows kept for :meth:`replan`),
        outside the import's transaction: (report, summary, plan) with the summary's ``fatal``
        set when the file cannot be read, else empty until :meth:`replan` fills them."""
        parsed = self._read(job)
        if parsed.error:
            return [], {"fatal": parsed.error, "rows": 0}, None
        job_rows(self.model, job.pk, job.task_id).update(total_rows=len(parsed.rows), processed_rows=0)
        return [], {"rows": len(parsed.rows)}, None

    def replan(self, job: ImportJob):
        """The plan again, inside the import's transaction and its lock (:meth:`execute`), for
        the rows :meth:`check` parsed: what the write does is what the database holds now."""
        rows = getattr(job, "_import_rows", None)
        if rows is None:  # a check that kept no rows: read the file again
            parsed = self._read(job)
            if parsed.error:
                raise ImportFileError(parsed.error)
            rows = parsed.rows
        report, plan, counts = self.plan(job, rows, lambda index: None)
        return report, self._summary(rows, report, counts), plan

    def lock_writes(self, job: ImportJob) -> None:
        """Wait for any other import of the same :meth:`write_lock_key` to commit (a
        transaction-level advisory lock: released when this import's transaction ends)."""
        key = f"import:{self.model._meta.db_table}:{self.write_lock_key(job)}"
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])

    def _read(self, job: ImportJob) -> ParsedFile:
        try:
            parsed = self.parse(job, bytes(job.content))
        except ImportFileError as exc:
            parsed = ParsedFile(error=str(exc))
        if not parsed.error:
            job._import_rows = parsed.rows
        return parsed

    @staticmethod
    def _summary(rows, report, counts) -> dict:
        return {
            "rows": len(rows),
            "valid": sum(1 for r in report if r["status"] == "valid"),
            "warning": sum(1 for r in report if r["status"] == "warning"),
            "error": sum(1 for r in report if r["status"] == "error"),
            **counts,
        }


def _is_unique_violation(exc: BaseException) -> bool:
    from django.db import IntegrityError

    cause = exc.__cause__
    code = getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)  # psycopg2, psycopg 3
    return isinstance(exc, IntegrityError) and code == "23505"


_IMPORTERS: dict[type, Importer] = {}


def register_importer(importer: Importer) -> None:
    """An app's import: its job kind for the sweep (apps.core.jobs), and its views' importer."""
    _IMPORTERS[importer.model] = importer
    register_job_kind(importer.job_kind())


def importer_for(model) -> Importer:
    return _IMPORTERS[model]


def import_task_run(importer: Importer, task, import_id: int) -> str:
    """The body of an import's Celery task (``bind=True``): run it, and on failure raise what
    apps.core.jobs wants Celery to log (the job id and the exception's class only)."""
    redelivered = bool((task.request.delivery_info or {}).get("redelivered"))
    try:
        return importer.execute(import_id=import_id, task_id=task.request.id or "", redelivered=redelivered).status
    except Exception as exc:  # logged by the import without its message; Celery logs this instead
        raise job_failed(importer.what.replace("-", " "), import_id, exc) from None


# --- reading the report ------------------------------------------------------------------------

REPORT_STATUSES = {"problems": ("error", "warning"), "error": ("error",), "warning": ("warning",)}
ALL_REPORT_STATUSES = ("valid", "warning", "error")

_REPORT_ENTRIES_SQL = """
SELECT {what}
FROM {table} AS r
CROSS JOIN LATERAL jsonb_array_elements(r.report) WITH ORDINALITY AS e(entry, n)
WHERE r.id = %s AND e.entry->>'status' = ANY(%s)
"""


class ImportReportEntries:
    """The entries of one import's per-row report with the given statuses, in row order, read
    from the database a slice at a time: a page or a download never holds the whole report.

    A Django ``Paginator`` takes it as its object list (``count()`` and slicing).
    """

    def __init__(self, job: ImportJob, statuses=ALL_REPORT_STATUSES):
        self.import_id = job.pk
        self.statuses = list(statuses)
        self.summary = job.summary or {}
        self.sql = _REPORT_ENTRIES_SQL.replace("{table}", connection.ops.quote_name(job._meta.db_table))

    def count(self) -> int:
        """From the summary the import stored with its report (rows per status), when it has
        them all: a page then reads the report once, for its slice; else counted in the report."""
        counts = [self.summary.get(status) for status in self.statuses]
        if all(isinstance(n, int) and not isinstance(n, bool) for n in counts):
            return sum(counts)
        with connection.cursor() as cursor:
            cursor.execute(self.sql.format(what="count(*)"), [self.import_id, self.statuses])
            return cursor.fetchone()[0]

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[dict]:
        if not isinstance(window, slice) or window.step not in (None, 1):
            raise TypeError("report entries are read by slices")
        start = window.start or 0
        limit = "ALL" if window.stop is None else str(max(window.stop - start, 0))
        with connection.cursor() as cursor:
            cursor.execute(
                self.sql.format(what="e.entry::text") + f" ORDER BY e.n LIMIT {limit} OFFSET %s",
                [self.import_id, self.statuses, start],
            )
            return [json.loads(text) for (text,) in cursor.fetchall()]

    def batches(self, size: int = 5000):
        """Every entry in order, through a server-side cursor ``size`` at a time (the report
        download): one query, and never the whole report in the web process."""
        with connection.chunked_cursor() as cursor:
            cursor.execute(self.sql.format(what="e.entry::text") + " ORDER BY e.n", [self.import_id, self.statuses])
            while rows := cursor.fetchmany(size):
                yield from (json.loads(text) for (text,) in rows)


def import_report_entries(*, job: ImportJob, status: str = "problems") -> ImportReportEntries:
    """The report rows a status filter picks (an unknown filter picks the default, the problems)."""
    return ImportReportEntries(job, REPORT_STATUSES.get(status, REPORT_STATUSES["problems"]))


# --- the database's own rules, for many rows at once ----------------------------------------------


def check_constraint_violations(model, records: list[dict]) -> dict[int, list[str]]:
    """{index of a record: names of the model's CHECK constraints it breaks}, in one query.

    Each record maps column names to values (as JSON: dates as ISO text); a column it lacks is
    NULL, which a CHECK lets pass. The conditions are the table's own, read from the database
    (``pg_constraint``), so the dry run holds a row to exactly what the INSERT would, without a
    query per row and without writing anything.
    """
    if not records:
        return {}
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'c' ORDER BY conname",
            [table],
        )
        checks = [(name, definition) for name, definition in cursor.fetchall() if definition.startswith("CHECK")]
        if not checks:
            return {}
        # The definitions are the database's own text ("CHECK ((join_date >= birth_date))"),
        # evaluated against each record read as a row of the table's type.
        cases = ", ".join(
            f"CASE WHEN ({definition[len('CHECK') :]}) IS FALSE THEN %s::text END" for _name, definition in checks
        )
        quoted = connection.ops.quote_name(table)
        cursor.execute(
            f"SELECT ordinality - 1, ARRAY[{cases}] "  # noqa: S608 - the table's own names and definitions
            f"FROM json_populate_recordset(NULL::{quoted}, %s) WITH ORDINALITY",
            [*(name for name, _definition in checks), json.dumps(records, default=_json_value, ensure_ascii=False)],
        )
        return {index: [n for n in names if n] for index, names in cursor.fetchall() if any(names)}


def _json_value(value):
    # Dates and times as ISO 8601, microseconds kept (DjangoJSONEncoder cuts them to milliseconds).
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
