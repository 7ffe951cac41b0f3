"""Roster (花名册) import on the core import framework (apps.core.imports): the roster's parser
(apps.members.roster) and its writer (new members in one INSERT, changed ones in bulk updates).

The per-row report keeps row numbers, statuses and messages only, never the personal data.
"""

import json
import logging

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from apps.branches.models import Enterprise, OrgUnit
from apps.core.imports import Importer, ParsedFile, check_constraint_violations

from .codelists import note_after_update
from .idnumbers import mask_id_number
from .models import Member, RosterImport
from .roster import parse_roster, roster_file_problem, row_problems
from .selectors import id_hash_of, user_oversees_union
from .services import EDITABLE_FIELDS, any_of, card_numbers_issue, union_takes_members, workplace_problem
from .validators import is_mobile

logger = logging.getLogger(__name__)

WRITE_BATCH = 2000
# What a re-imported roster may correct: member_update's fields (the hardship flag is not one: it
# follows the member's hardship file, apps.aid).
UPDATABLE = EDITABLE_FIELDS
ACTION_LABELS = {
    "create": "新会员",
    "update": "更新已有会员",
    "unchanged": "已是本工会会员，无变化",
    "transfer": "已是其他工会会员，需办理会籍接转",
    "skip": "有错误，不导入",
}


class RosterImporter(Importer):
    """The roster import: a parse of the office's 花名册, compared with the members on record."""

    model = RosterImport
    task_name = "apps.members.tasks.run_roster_import"
    what = "roster-import"
    time_limit_setting = "ROSTER_IMPORT_TIME_LIMIT"
    wrong_type_message = "请上传 Excel 格式（.xlsx 或 .xls）的花名册；其他格式请先在 Excel 中另存为 .xlsx。"
    action_labels = ACTION_LABELS
    history_key = "roster_import"
    noun = "花名册"

    def start(self, *, user, file_name: str, content: bytes, union: OrgUnit, **fields):
        """Only into a union of the user's area (a grassroots officer's: their own union)."""
        if user is not None and not user_oversees_union(user, union):
            raise ValidationError({"union": "只能向您所辖的工会导入花名册。"})
        return super().start(user=user, file_name=file_name, content=content, union=union, **fields)

    def file_problem(self, content):
        return roster_file_problem(content)

    def parse(self, job, content):
        if problem := _union_problem(job.union):
            return ParsedFile(error=problem)
        parsed = parse_roster(content)
        return ParsedFile(rows=parsed.rows, error=parsed.error)

    def plan(self, job, rows, progress):
        return _plan(job, rows, progress)

    def check(self, job):
        return _check(job)  # looked up at call time: the fault tests replace it

    def write(self, job, plan):
        _write(job.union, *plan)


ROSTER = RosterImporter()


def roster_import_start(*, user, union: OrgUnit, file_name: str, content: bytes) -> RosterImport:
    """Store the upload and queue its dry run. Refuses, before storing anything, what is not an
    .xlsx or .xls workbook (by its content) within the roster limits (size, size unpacked, rows,
    columns, merged ranges); the worker checks the same again before it reads a row."""
    return ROSTER.start(user=user, file_name=file_name, content=content, union=union)


def roster_import_confirm(*, roster_import: RosterImport, user) -> RosterImport:
    """After a dry run ``user`` looked at: run it again for real (the members' history names
    ``user``, who confirmed)."""
    return ROSTER.confirm(job=roster_import, user=user)


def roster_import_retry(*, roster_import: RosterImport, user) -> RosterImport:
    """Queue again a check or an import that was interrupted (its page's "重试" button)."""
    return ROSTER.retry(job=roster_import, user=user)


def roster_import_execute(*, import_id: int, task_id: str = "", redelivered: bool = False) -> RosterImport:
    """The Celery task's body, for the check and for the import. Safe to run twice
    (apps.core.imports.Importer.execute)."""
    return ROSTER.execute(import_id=import_id, task_id=task_id, redelivered=redelivered)


def _check(roster_import):
    """Every row's result and what the import would write: (report, summary, plan)."""
    return Importer.check(ROSTER, roster_import)


def _union_problem(union: OrgUnit) -> str | None:
    # The rule member_create applies to one member, once for the file.
    if not union_takes_members(union):
        return f"“{union.name}”不是在册的基层工会，会员只能导入在册的基层工会。请选择其他工会后重新上传。"
    return None


def _plan(roster_import, rows, progress):
    """What each row does against the members on record: create, update, unchanged, transfer
    (a member of another union) or skip; and the rows the database itself would refuse."""
    union = roster_import.union
    hashes = {r.row: id_hash_of(r.data["id_number"]) for r in rows if r.status != "error"}
    # Only what the comparison and an update need: the encrypted ID number is not decrypted
    # for every member already registered (a re-imported file of 10,000 rows would be 10,000).
    fields = ("id", "id_hash", "union_id", "code_list_note", *UPDATABLE)
    existing = {
        member.id_hash: member for member in Member.objects.filter(id_hash__in=any_of(hashes.values())).only(*fields)
    }
    file_cards = {(r.data.get("card_number") or "").upper() for r in rows if r.data.get("card_number")}
    taken_cards = dict(Member.objects.filter(card_number__in=any_of(file_cards)).values_list("card_number", "id_hash"))
    refused = _refused_by_constraints([r for r in rows if r.status != "error" and hashes[r.row] not in existing])
    find_workplace = _workplace_finder(union)

    report, creates, updates = [], [], []
    seen_cards = {}
    counts = {"create": 0, "update": 0, "unchanged": 0, "transfer": 0, "skip": 0}
    for index, row in enumerate(rows, start=1):
        status, messages = row.status, list(row.messages)
        if status == "error":
            action = "skip"
        else:
            data = row.data
            data["workplace_id"], workplace_warning = find_workplace(data)
            if workplace_warning:
                messages.append(workplace_warning)
                status = "warning" if status == "valid" else status
            member = existing.get(hashes[row.row])
            card = (data.get("card_number") or "").upper()
            if card and card in seen_cards:
                status, action = "error", "skip"
                messages.append(f"会员证号：与第 {seen_cards[card]} 行重复，请核对；留空则由平台发放新证号。")
            elif member is None:
                if card and card in taken_cards and taken_cards[card] != hashes[row.row]:
                    status, action = "error", "skip"
                    messages.append("会员证号：该证号已属于另一名会员，请核对；留空则由平台发放新证号。")
                elif row.row in refused:
                    status, action = "error", "skip"
                    messages[:0] = refused[row.row]
                else:
                    action = "create"
                    creates.append((row, card))
            elif member.union_id == union.pk:
                # Only what the file says overwrites: an empty cell never blanks a stored value.
                changes = {
                    name: value
                    for name in UPDATABLE
                    if (value := _value(data, name)) and value != getattr(member, _ATTNAMES[name])
                }
                if changes:
                    action = "update"
                    written = list(changes)
                    if (note := note_after_update(member, changes)) is not None:
                        member.code_list_note = note  # member_update's rule: an answered field's original goes
                        written.append("code_list_note")
                    for name, value in changes.items():
                        setattr(member, _ATTNAMES[name], value)
                    updates.append((member, written))
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
        progress(index)
    return report, (creates, updates, hashes), counts


_CHECKED_COLUMNS = ("real_name", "sex", "birth_date", "ethnicity", "education", "political_status")
_CHECKED_COLUMNS += ("employment_form", "join_date")


def _refused_by_constraints(rows) -> dict[int, list[str]]:
    """{row: Chinese messages} for the rows a new member's INSERT would break a check constraint
    of the members table with (join date before birth, ...): one query for the whole file, with
    the table's own conditions (apps.core.imports.check_constraint_violations)."""
    # The row's own columns as the INSERT would write them; the ID number, its hash and the card
    # are in no check (and the number is not encrypted for nothing).
    records = [{name: row.data.get(name) for name in _CHECKED_COLUMNS} for row in rows]
    messages = {c.name: c.violation_error_message for c in Member._meta.constraints if hasattr(c, "condition")}
    return {
        rows[index].row: [f"{messages.get(name, name)}请核对后重新填写。" for name in names]
        for index, names in check_constraint_violations(Member, records).items()
    }


_ATTNAMES = {name: Member._meta.get_field(name).attname for name in UPDATABLE}


def _workplace_finder(union):
    """A function reading a row's 工作单位 (name) or 统一社会信用代码 cell into an enterprise the
    union covers: (its id or None, a Chinese warning or None). One query for the whole file.

    A cell naming no enterprise the union covers is a warning: the member is imported without a
    workplace (as a malformed mobile is), which can be chosen later on the member's page."""
    covered = list(Enterprise.objects.filter(union=union).only("pk", "name", "credit_code", "archived_at", "union"))
    by_code = {enterprise.credit_code: enterprise for enterprise in covered}
    by_name = {"".join(enterprise.name.split()): enterprise for enterprise in covered}
    names = "、".join(e.name for e in covered if e.archived_at is None)
    known = f"本工会覆盖的企业：{names}" if names else "本工会尚未登记覆盖的企业"

    def find(data):
        code, name = data.get("workplace_code") or "", data.get("workplace") or ""
        if not code and not name:
            return None, None
        enterprise = by_code.get(code) if code else by_name.get("".join(name.split()))
        if enterprise is None:
            what = f"统一社会信用代码“{code}”" if code else f"“{name[:40]}”"
            return None, (
                f"工作单位：{what}不是本工会覆盖的企业，本次不登记工作单位；请核对名称或代码（{known}），"
                "或导入后在会员页面选择。"
            )
        if problem := workplace_problem(union, enterprise):
            return None, f"工作单位：{problem}本次不登记工作单位。"
        return enterprise.pk, None

    return find


def _value(data, name):
    if name == "workplace":
        return data.get("workplace_id")
    value = data.get(name) or ""
    if name == "mobile" and not is_mobile(value):
        return ""  # a malformed mobile was reported as a warning; it is not stored
    return value


def _record(row, *, card: str, hashed: str) -> dict:
    """A new member's columns as the INSERT writes them (the ID number encrypted as its field
    stores it: the insert bypasses the field)."""
    data = row.data
    return {
        "real_name": data["real_name"],
        "id_number": _ID_NUMBER.get_db_prep_save(data["id_number"], connection) if hashed else "",
        "id_hash": hashed,
        "id_masked": mask_id_number(data["id_number"]),
        "sex": data["sex"],
        "birth_date": data["birth_date"],
        "ethnicity": _value(data, "ethnicity"),
        "education": _value(data, "education"),
        "political_status": _value(data, "political_status"),
        "code_list_note": data.get("code_list_note") or "",
        "workplace_id": data.get("workplace_id"),
        "mobile": _value(data, "mobile"),
        "employment_form": data["employment_form"],
        "join_date": data["join_date"],
        "card_number": card,
    }


_ID_NUMBER = Member._meta.get_field("id_number")


def _write(union, creates, updates, hashes):
    # The check's own rule before anything is written, for a row that did not come through it
    # (the parse marks those it checked): one the model refuses fails the import whole (nothing
    # written), it never half-writes.
    for row, _card in creates:
        if not row.checked and (problems := row_problems(row.data)):
            raise ValueError(f"roster row {row.row} fails the member check: {sorted(problems)}")
    needs_card = [row for row, card in creates if not card]
    file_cards = {card for _row, card in creates if card}
    issued = iter(card_numbers_issue([row.data["join_date"].year for row in needs_card], file_cards))
    records = [
        _record(row, card=card.upper() if card else next(issued), hashed=hashes[row.row]) for row, card in creates
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
