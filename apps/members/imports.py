"""Roster (花名册) import: check first (dry run), then import; all or nothing; progress as it goes.

The per-row report keeps row numbers, statuses and messages only, never the personal data.
"""

import io
import json
import logging

import pghistory
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from apps.branches.models import OrgUnit
from apps.core.jobs import fault_point, job_claim, job_is_interruption, job_rows, job_run_failed

from .choices import ImportStatus
from .idnumbers import mask_id_number
from .models import Member, RosterImport
from .roster import parse_roster, roster_file_problem, row_problems
from .selectors import id_hash_of
from .services import any_of, card_numbers_issue
from .validators import is_mobile

logger = logging.getLogger(__name__)

XLSX_MAGIC = b"PK\x03\x04"
PROGRESS_EVERY = 500
WRITE_BATCH = 2000
UPDATABLE = ("real_name", "ethnicity", "education", "political_status", "mobile", "employment_form")
ACTION_LABELS = {
    "create": "新会员",
    "update": "更新已有会员",
    "unchanged": "已是本工会会员，无变化",
    "transfer": "已是其他工会会员，需办理会籍接转",
    "skip": "有错误，不导入",
}


def roster_import_start(*, user, union: OrgUnit, file_name: str, content: bytes) -> RosterImport:
    """Store the upload and queue its dry run. Refuses, before storing anything, what is not an
    .xlsx workbook within the roster limits (size, size unpacked, rows, columns, merged ranges);
    the worker checks the same again before it reads a row."""
    if not file_name.lower().endswith(".xlsx") or not content.startswith(XLSX_MAGIC):
        raise ValidationError({"file": "请上传 Excel 2007 及以上格式（.xlsx）的花名册；.xls 请先另存为 .xlsx。"})
    problem = roster_file_problem(content)
    if problem:
        raise ValidationError({"file": problem})
    roster_import = RosterImport.objects.create(
        union=union, uploaded_by=user, file_name=file_name[:200], content=content, commit=False
    )
    _queue(roster_import)
    return roster_import


def roster_import_confirm(*, roster_import: RosterImport) -> RosterImport:
    """After a dry run the user looked at: run it again for real."""
    with transaction.atomic():
        roster_import = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
        if roster_import.status != ImportStatus.CHECKED:
            raise ValidationError("只有检查完成、尚未导入的花名册可以确认导入。")
        roster_import.commit = True
        roster_import.status = ImportStatus.QUEUED
        roster_import.processed_rows = 0
        roster_import.save(update_fields=["commit", "status", "processed_rows", "updated_at"])
        _queue(roster_import)
    return roster_import


def roster_import_retry(*, roster_import: RosterImport) -> RosterImport:
    """Queue again a check or an import that was interrupted (its page's "重试" button)."""
    with transaction.atomic():
        roster_import = RosterImport.objects.select_for_update().defer("content").get(pk=roster_import.pk)
        if not roster_import.can_retry:
            raise ValidationError("只有因中断而失败的检查或导入可以重试；文件本身有问题时，请修改后重新上传。")
        roster_import.status = ImportStatus.QUEUED
        roster_import.error = ""
        roster_import.processed_rows = 0
        roster_import.finished_at = None
        roster_import.save(update_fields=["status", "error", "processed_rows", "finished_at", "updated_at"])
        _queue(roster_import)
    return roster_import


def _queue(roster_import):
    from apps.core.jobs import job_dispatch

    from .tasks import run_roster_import

    job_dispatch(run_roster_import, roster_import.pk)


def _progress(roster_import, processed):
    # Outside the import's transaction (autocommit), so the progress bar sees it at once;
    # updated_at is the job's heartbeat (apps.core.jobs).
    job_rows(RosterImport, roster_import.pk, roster_import.task_id).update(
        processed_rows=processed, updated_at=timezone.now()
    )


# A failure caused by the file or its data: running it again would fail the same way.
FILE_FAILED_MESSAGE = (
    "导入失败，未写入任何数据：花名册中有平台无法处理的内容（{error}）。"
    "请检查并修改文件后重新上传；如仍失败，请联系管理员。"
)
MEMORY_FAILED_MESSAGE = "花名册过大，处理时超出内存限制，未写入任何数据。请将花名册拆分为较小的文件后重新上传。"
INTERRUPTED_MESSAGE = "导入中断，未写入任何数据（{error}）。请点击“重试”；如再次失败，请联系管理员。"


def _failure_message(exc) -> str:
    if isinstance(exc, SoftTimeLimitExceeded):
        minutes = settings.ROSTER_IMPORT_TIME_LIMIT // 60
        return (
            f"处理超时（超过约 {minutes} 分钟），未写入任何数据。请点击“重试”；如再次超时，请将花名册拆分后分批导入。"
        )
    if job_is_interruption(exc):
        return INTERRUPTED_MESSAGE.format(error=type(exc).__name__)
    if isinstance(exc, MemoryError):
        return MEMORY_FAILED_MESSAGE
    return FILE_FAILED_MESSAGE.format(error=type(exc).__name__)


def roster_import_execute(*, import_id: int, task_id: str = "", redelivered: bool = False) -> RosterImport:
    """The Celery task's body, for the check and for the import. Safe to run twice.

    The row is claimed atomically (apps.core.jobs.job_claim): a duplicate message finds it
    taken, a redelivered one takes it over once. The import's writes and its final status
    commit in one transaction, under a lock on the row that is still running: a worker killed
    before the commit wrote nothing, and a run after the commit (or after the sweep failed the
    job) writes nothing again.
    """
    claimed = job_claim(RosterImport, import_id, task_id=task_id, redelivered=redelivered)
    roster_import = RosterImport.objects.select_related("union", "uploaded_by").get(pk=import_id)
    if not claimed:
        return roster_import
    ours = job_rows(RosterImport, import_id, task_id)
    try:
        fault_point("roster-import-running")
        report, summary, plan = _check(roster_import)
        status = ImportStatus.IMPORTED if roster_import.commit else ImportStatus.CHECKED
        if summary.get("fatal"):
            status = ImportStatus.FAILED
        with transaction.atomic(), _audit_context(roster_import):
            # Locked and still ours: nothing is written for a job the sweep gave up on.
            if not ours.select_for_update().exists():
                return RosterImport.objects.get(pk=import_id)
            if roster_import.commit and status == ImportStatus.IMPORTED:
                _write(roster_import.union, *plan)
                fault_point("roster-import-written")
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
        job_run_failed(RosterImport, import_id, task_id, exc, what="roster import", message=_failure_message(exc))
        raise
    fault_point("roster-import-committed")
    roster_import.refresh_from_db()
    return roster_import


def _check(roster_import):
    """Every row's result and what the import would write: (report, summary, plan)."""
    parsed = parse_roster(io.BytesIO(bytes(roster_import.content)))
    if parsed.error:
        return [], {"fatal": parsed.error, "rows": 0}, ([], [], {})
    rows = parsed.rows
    job_rows(RosterImport, roster_import.pk, roster_import.task_id).update(total_rows=len(rows), processed_rows=0)
    union = roster_import.union
    hashes = {r.row: id_hash_of(r.data["id_number"]) for r in rows if r.status != "error"}
    # Only what the comparison and an update need: the encrypted ID number is not decrypted
    # for every member already registered (a re-imported file of 10,000 rows would be 10,000).
    fields = ("id", "id_hash", "union_id", *UPDATABLE)
    existing = {
        member.id_hash: member for member in Member.objects.filter(id_hash__in=any_of(hashes.values())).only(*fields)
    }
    file_cards = {(r.data.get("card_number") or "").upper() for r in rows if r.data.get("card_number")}
    taken_cards = dict(Member.objects.filter(card_number__in=any_of(file_cards)).values_list("card_number", "id_hash"))

    report, creates, updates = [], [], []
    seen_cards = {}
    counts = {"create": 0, "update": 0, "unchanged": 0, "transfer": 0, "skip": 0}
    for index, row in enumerate(rows, start=1):
        status, messages = row.status, list(row.messages)
        if status == "error":
            action = "skip"
        else:
            data = row.data
            member = existing.get(hashes[row.row])
            card = (data.get("card_number") or "").upper()
            if card and card in seen_cards:
                status, action = "error", "skip"
                messages.append(f"会员证号：与第 {seen_cards[card]} 行重复，请核对；留空则由平台发放新证号。")
            elif member is None:
                if card and card in taken_cards and taken_cards[card] != hashes[row.row]:
                    status, action = "error", "skip"
                    messages.append("会员证号：该证号已属于另一名会员，请核对；留空则由平台发放新证号。")
                else:
                    action = "create"
                    creates.append((row, card))
            elif member.union_id == union.pk:
                # Only what the file says overwrites: an empty cell never blanks a stored value.
                changes = {
                    name: value
                    for name in UPDATABLE
                    if (value := _value(data, name)) and value != getattr(member, name)
                }
                if changes:
                    action = "update"
                    for name, value in changes.items():
                        setattr(member, name, value)
                    updates.append((member, list(changes)))
                else:
                    action = "unchanged"
            else:
                action = "transfer"
                if status == "valid":
                    status = "warning"
                messages.append(
                    "该身份证号码已在其他工会登记为会员（一人只入会一次）：未重复导入，请在会员页面办理会籍接转。"
                )
        if card_of := (row.data.get("card_number") or "").upper():
            seen_cards.setdefault(card_of, row.row)
        counts[action] += 1
        report.append({"row": row.row, "status": status, "messages": messages, "action": action})
        if index % PROGRESS_EVERY == 0:
            _progress(roster_import, index)

    summary = {
        "rows": len(rows),
        "valid": sum(1 for r in report if r["status"] == "valid"),
        "warning": sum(1 for r in report if r["status"] == "warning"),
        "error": sum(1 for r in report if r["status"] == "error"),
        **counts,
    }
    return report, summary, (creates, updates, hashes)


def _value(data, name):
    value = data.get(name) or ""
    if name == "mobile" and not is_mobile(value):
        return ""  # a malformed mobile was reported as a warning; it is not stored
    return value


def _audit_context(roster_import):
    """Who imported, and from which roster, on every history event the import writes."""
    user = roster_import.uploaded_by
    return pghistory.context(user=user.pk, user_name=user.get_username(), roster_import=roster_import.pk)


def _write(union, creates, updates, hashes):
    # The check's own rule, once more before anything is written: a row it let through that the
    # model refuses fails the import whole (nothing written), it never half-writes.
    for row, _card in creates:
        if problems := row_problems(row.data):
            raise ValueError(f"roster row {row.row} fails the member check: {sorted(problems)}")
    needs_card = [row for row, card in creates if not card]
    file_cards = {card for _row, card in creates if card}
    issued = iter(card_numbers_issue([row.data["join_date"].year for row in needs_card], file_cards))
    id_number = Member._meta.get_field("id_number")
    records = [
        {
            "real_name": row.data["real_name"],
            # Encrypted here as the field stores it: the insert below bypasses the field.
            "id_number": id_number.get_db_prep_save(row.data["id_number"], connection),
            "id_hash": hashes[row.row],
            "id_masked": mask_id_number(row.data["id_number"]),
            "sex": row.data["sex"],
            "birth_date": row.data["birth_date"],
            "ethnicity": _value(row.data, "ethnicity"),
            "education": _value(row.data, "education"),
            "political_status": _value(row.data, "political_status"),
            "mobile": _value(row.data, "mobile"),
            "employment_form": row.data["employment_form"],
            "join_date": row.data["join_date"],
            "card_number": card.upper() if card else next(issued),
        }
        for row, card in creates
    ]
    now = timezone.now()
    _insert_members(records, common={"union_id": union.pk}, now=now)
    # One UPDATE per set of changed columns and batch, not one per member; bulk_update does not
    # touch auto_now fields, so updated_at is set here as save() would.
    by_fields = {}
    for member, fields in updates:
        member.updated_at = now
        by_fields.setdefault(tuple(fields), []).append(member)
    for fields, members in by_fields.items():
        Member.objects.bulk_update(members, [*fields, "updated_at"], batch_size=WRITE_BATCH)


def _insert_members(records: list[dict], *, common: dict, now) -> None:
    """INSERT new members in one statement, the rows sent as one JSON document.

    ``records`` map column names to each member's values, ready for the database (the ID
    number already encrypted); ``common`` holds the values all of them share. A column in
    neither gets the model field's default, and auto_now fields get ``now``.

    bulk_create sends every value as a quoted literal in a 20-column UNNEST(ARRAY[...]) that
    PostgreSQL parses one constant at a time, after Django prepared each value of a model
    instance in Python: for 10,000 members that was about 1.2 s of the import, this is about
    half. It runs through Django's cursor, so pghistory's context (who, which import) reaches
    the statement-level history trigger as for any other statement.
    """
    if not records:
        return
    base = {}
    for field in Member._meta.concrete_fields:
        if field.primary_key:
            continue
        auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        base[field.column] = now if auto else field.get_db_prep_save(field.get_default(), connection)
    unknown = (set(records[0]) | set(common)) - set(base)
    if unknown:
        raise ValueError(f"not columns of {Member._meta.db_table}: {sorted(unknown)}")
    base |= common
    table = connection.ops.quote_name(Member._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in base)
    with connection.cursor() as cursor:
        # Each JSON object becomes a row of the table's own type; keys it lacks come from the base row.
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} "  # noqa: S608 - names come from the model
            f"FROM json_populate_recordset(json_populate_record(NULL::{table}, %s), %s)",
            [json.dumps(base, default=_json_value), json.dumps(records, default=_json_value, ensure_ascii=False)],
        )


def _json_value(value):
    # Dates and times as ISO 8601, microseconds kept (DjangoJSONEncoder cuts them to milliseconds).
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
