"""The sign-in sheet (签到表) of a programme imported as attendance, on the shared import rails
(apps.core.imports): upload → dry run in Celery with a per-row report in Chinese → confirm → the
good rows entered through `attendance_record`, one call per session, all in the import's one
transaction. Importing the same sheet again changes nothing (every row "unchanged").

The sheet: a header row (found in the first rows of any worksheet) naming at least 姓名 and the
session's date (课程日期); optionally 课程 (the subject, when two sessions share a day), 单位
(the trainee's union, when two trainees share a name), 签到 (√ / 到 / 是 …, or 缺勤 / 请假 / × …)
and 学时 (hours attended; blank: the whole session if present, 0 if absent).

Entry points: `attendance_import_start` (store the upload, queue the dry run),
`attendance_import_confirm`, `attendance_import_retry`, `attendance_import_execute` (the
task's body; the Celery task is `apps.training.imports.run_attendance_import`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.core.imports import BASE_ACTION_LABELS, Importer, ImportFileError, ImportRow, ParsedFile, import_task_run
from apps.core.jobs import job_time_limits
from apps.core.spreadsheets import Sheet, open_workbook

from .choices import NominationStatus
from .models import Attendance, AttendanceImport, Programme, Session
from .selectors import user_manages_programme

HEADER_SYNONYMS = {
    "name": ("姓名", "学员姓名", "学员", "参训人员", "参训人"),
    "held_on": ("课程日期", "日期", "上课日期", "培训日期", "签到日期"),
    "subject": ("课程", "课程名称", "课程内容", "培训内容", "主题"),
    "union": ("单位", "工作单位", "所在工会", "工会", "所在单位"),
    "present": ("签到", "是否出勤", "出勤", "出勤情况", "签到情况", "到课情况"),
    "hours": ("学时", "实到学时", "听课学时", "出勤学时", "课时"),
}
REQUIRED_FIELDS = ("name", "held_on")
_HEADER_LOOKUP = {name: key for key, names in HEADER_SYNONYMS.items() for name in names}
HEADER_SEARCH_ROWS = 20
PRESENT_WORDS = {"√", "✓", "✔", "到", "已到", "是", "出勤", "已签到", "签到", "有", "y", "yes", "1"}
ABSENT_WORDS = {"×", "✗", "x", "缺", "缺勤", "未到", "否", "请假", "旷课", "无", "n", "no", "0"}
_SUMMARY_PREFIXES = ("合计", "总计", "小计")

ACTION_LABELS = {
    **BASE_ACTION_LABELS,
    "create": "登记签到",
    "update": "更正已登记的签到",
    "unchanged": "已登记，无变化",
}
WRITING_ACTIONS = ("create", "update")


@dataclass(frozen=True)
class PlannedLine:
    row: int
    session_id: int
    nomination_id: int
    present: bool
    hours: Decimal


# --- the parser: the sheet's rows, cleaned (no database) ---------------------------------------------


def _header_key(value: object) -> str:
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = re.sub(r"\(.*?\)|\[.*?\]|【.*?】", "", text)
    return re.sub(r"[\s*:：]", "", text)


def _find_header(sheet: Sheet) -> tuple[int, dict[str, int]] | None:
    for row in range(1, HEADER_SEARCH_ROWS + 1):
        found: dict[str, int] = {}
        for column, value in enumerate(sheet.row_values(row), start=1):
            name = _HEADER_LOOKUP.get(_header_key(value))
            if name and name not in found:
                found[name] = column
        if all(name in found for name in REQUIRED_FIELDS):
            return row, found
    return None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    match = re.fullmatch(r"(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?", text)
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:
        return None


def _present(value: object) -> bool | None:
    text = _text(value).lower()
    if text in PRESENT_WORDS:
        return True
    if text in ABSENT_WORDS:
        return False
    return None


def parse_sheet(content: bytes) -> ParsedFile:
    """The sign-in sheet's rows: {"name", "held_on", "subject", "union", "present", "hours"}
    (present None: not given; hours None: not given), with the errors the file alone shows."""
    book, error = open_workbook(content)
    if book is None:
        raise ImportFileError(error)
    try:
        for title in book.sheet_titles():
            sheet = book.sheet(title)
            header = _find_header(sheet)
            if header is not None:
                return ParsedFile(rows=_rows(sheet, *header))
    finally:
        book.close()
    raise ImportFileError(
        f"没有找到表头：前 {HEADER_SEARCH_ROWS} 行中没有同时含“姓名”和“课程日期”两列的行。"
        "请在签到表的数据上方加一行列名（姓名、课程日期，可加课程、单位、签到、学时）后重新上传。"
    )


def _rows(sheet: Sheet, header_row: int, columns: dict[str, int]) -> list[ImportRow]:
    rows = []
    for number in range(header_row + 1, sheet.max_row + 1):
        if number not in sheet.rows:
            continue

        def cell(name, number=number):
            return sheet.value(number, columns[name]) if name in columns else None

        name = _text(cell("name"))
        first = next((text for text in map(_text, sheet.row_values(number)) if text), "")
        if first.startswith(_SUMMARY_PREFIXES):
            continue  # the sheet's total line (合计：实到 N 人)
        values = {
            "name": name,
            "held_on": None,
            "subject": _text(cell("subject")),
            "union": _text(cell("union")),
            "present": None,
            "hours": None,
        }
        row = ImportRow(row=number, values=values)
        if not name:
            if not any(_text(v) for v in sheet.row_values(number)):
                continue
            row.errors.append(f"第 {number} 行：姓名为空。请填写学员姓名。")
        raw_day = cell("held_on")
        values["held_on"] = _date(raw_day)
        if values["held_on"] is None:
            row.errors.append(
                f"第 {number} 行：课程日期“{_text(raw_day)}”不是日期。请写作 2026-04-13 这样的日期。"
                if _text(raw_day)
                else f"第 {number} 行：课程日期为空。请填写该次课程的日期。"
            )
        raw_present = cell("present")
        if _text(raw_present):
            values["present"] = _present(raw_present)
            if values["present"] is None:
                row.errors.append(
                    f"第 {number} 行：签到“{_text(raw_present)}”无法识别。出勤请填“√”或“到”，缺勤请填“×”或“缺勤”。"
                )
        raw_hours = cell("hours")
        if _text(raw_hours):
            try:
                hours = Decimal(_text(raw_hours))
                if not hours.is_finite():
                    raise InvalidOperation
                values["hours"] = hours
            except InvalidOperation:
                row.errors.append(f"第 {number} 行：学时“{_text(raw_hours)}”不是数字。请填写数字，如 6 或 3.5。")
        rows.append(row)
    return rows


# --- the plan: each row against the programme's sessions and trainees ---------------------------------


def plan_sheet(job: AttendanceImport, rows: list[ImportRow], progress=lambda index: None):
    """(report, plan, counts): each row's session and enrolled trainee, its hours checked against
    the session's, duplicates within the file and what is already entered."""
    programme = Programme.objects.select_related("organiser").get(pk=job.programme_id)
    today = timezone.localdate()
    sessions = list(programme.sessions.order_by("held_on", "id"))
    by_day: dict[dt.date, list[Session]] = defaultdict(list)
    for session in sessions:
        by_day[session.held_on].append(session)
    nominations = list(programme.nominations.select_related("officer__union", "member__union").order_by("status", "pk"))
    by_name = defaultdict(list)
    for nomination in nominations:
        by_name[nomination.trainee_name].append(nomination)
    existing = {
        (a.session_id, a.nomination_id): (a.present, a.hours)
        for a in Attendance.objects.filter(session__programme=programme)
    }
    known_people = _known_people(programme, {row.values["name"] for row in rows if row.values.get("name")})
    seen: dict[tuple[int, int], int] = {}
    report, plan = [], []
    counts = {action: 0 for action in ACTION_LABELS}
    for index, row in enumerate(rows, start=1):
        errors = list(row.errors)
        action = "skip"
        values = row.values
        line = None
        if not errors:
            session, problem = _session_for(values, by_day, today, row.row)
            nomination, who_problem = _nomination_for(values, by_name, known_people, programme, row.row)
            errors += [p for p in (problem, who_problem) if p]
            if not errors:
                present, hours, problem = _hours(values, session, row.row)
                if problem:
                    errors.append(problem)
                else:
                    key = (session.pk, nomination.pk)
                    if key in seen:
                        errors.append(
                            f"第 {row.row} 行：与第 {seen[key]} 行重复（同一学员、同一次课程）。请删除重复的一行。"
                        )
                    else:
                        seen[key] = row.row
                        line = PlannedLine(row.row, session.pk, nomination.pk, present, hours)
        if line is not None:
            before = existing.get((line.session_id, line.nomination_id))
            if before is None:
                action = "create"
            elif before == (line.present, line.hours):
                action = "unchanged"
            else:
                action = "update"
            if action in WRITING_ACTIONS:
                plan.append(line)
        status = "error" if errors else "valid"
        counts[action] += 1
        report.append({"row": row.row, "status": status, "messages": errors, "action": action})
        progress(index)
    return report, plan, counts


def _known_people(programme: Programme, names: set[str]) -> set[str]:
    """Which of `names` are an officer or a member somewhere in the organiser's area (one query each)."""
    from apps.branches.models import Officer
    from apps.members.models import Member

    if not names:
        return set()
    path = programme.organiser.path
    officers = Officer.objects.filter(name__in=names, union__path__startswith=path).values_list("name", flat=True)
    members = Member.objects.filter(real_name__in=names, union__path__startswith=path).values_list(
        "real_name", flat=True
    )
    return set(officers) | set(members)


def _session_for(values, by_day, today, row):
    day = values["held_on"]
    candidates = by_day.get(day, [])
    if values["subject"] and len(candidates) > 1:
        candidates = [s for s in candidates if values["subject"] in re.sub(r"\s+", "", s.subject)] or candidates
    if not candidates:
        return None, f"第 {row} 行：该培训班在 {day:%Y-%m-%d} 没有课程。请核对课程日期。"
    if len(candidates) > 1:
        return None, f"第 {row} 行：{day:%Y-%m-%d} 有 {len(candidates)} 次课程。请在“课程”列填写课程名称以区分。"
    session = candidates[0]
    if session.held_on > today:
        return None, f"第 {row} 行：{day:%Y-%m-%d} 的课程尚未举行，不能登记签到。"
    return session, None


def _union_name(nomination) -> str:
    trainee = nomination.officer or nomination.member
    return trainee.union.name if trainee is not None else ""


def _nomination_for(values, by_name, known_people, programme, row):
    name = values["name"]
    candidates = by_name.get(name, [])
    if values["union"] and len(candidates) > 1:
        candidates = [n for n in candidates if values["union"] in _union_name(n)] or candidates
    if not candidates:
        if name in known_people:
            return None, f"第 {row} 行：{name}未报名该培训班，不能登记签到。请核对姓名或先办理报名。"
        return None, f"第 {row} 行：查无此学员“{name}”。请核对姓名（与报名时一致）。"
    enrolled = [n for n in candidates if n.status == NominationStatus.NOMINATED]
    if not enrolled:
        status = candidates[0].get_status_display()
        return None, f"第 {row} 行：{name}在该培训班的报名状态为“{status}”，不是已报名学员，不能登记签到。"
    if len(enrolled) > 1:
        return None, f"第 {row} 行：该培训班有 {len(enrolled)} 名学员叫{name}。请在“单位”列填写其所在工会以区分。"
    return enrolled[0], None


def _hours(values, session, row):
    present, hours = values["present"], values["hours"]
    if present is None:
        present = hours is None or hours > 0
    if hours is None:
        hours = session.hours if present else Decimal("0")
    if hours < 0:
        return present, hours, f"第 {row} 行：学时 {hours} 不能为负数。"
    if hours > session.hours:
        return present, hours, f"第 {row} 行：学时 {hours} 超过该次课程的 {session.hours} 学时。请核对学时。"
    if not present and hours != 0:
        return present, hours, f"第 {row} 行：缺勤学员的学时应为 0，本行为 {hours}。请核对签到或学时。"
    # The model's precision (one decimal place): 2.25 would be rounded by the database.
    if hours != hours.quantize(Decimal("0.1")):
        return present, hours, f"第 {row} 行：学时 {hours} 最多保留一位小数。"
    return present, hours.quantize(Decimal("0.1")), None


def write_sheet(job: AttendanceImport, plan: list[PlannedLine], *, user) -> None:
    """The plan written inside the import's transaction: one `attendance_record` per session."""
    from .services import AttendanceEntry, attendance_record

    by_session: dict[int, list[PlannedLine]] = defaultdict(list)
    for line in plan:
        by_session[line.session_id].append(line)
    sessions = Session.objects.in_bulk(list(by_session))
    for session_id, lines in sorted(by_session.items()):
        attendance_record(
            user=user,
            session=sessions[session_id],
            entries=[AttendanceEntry(nomination_id=x.nomination_id, present=x.present, hours=x.hours) for x in lines],
        )


# --- the importer --------------------------------------------------------------------------------------


class AttendanceImporter(Importer):
    model = AttendanceImport
    task_name = "apps.training.imports.run_attendance_import"
    what = "attendance-import"
    time_limit_setting = "ROSTER_IMPORT_TIME_LIMIT"
    wrong_type_message = "请上传 Excel 格式（.xlsx 或 .xls）的签到表。"
    action_labels = ACTION_LABELS
    history_key = "attendance_import"
    noun = "签到表"

    def start(self, *, user, file_name: str, content: bytes, programme: Programme, **fields):
        _check_may_import(user, programme)
        return super().start(user=user, file_name=file_name, content=content, programme=programme, **fields)

    def confirm(self, *, job, user):
        _check_may_import(user, job.programme)
        return super().confirm(job=job, user=user)

    def write_lock_key(self, job):
        return str(job.programme_id)  # sign-in sheets of one programme wait for each other

    def parse(self, job, content):
        return parse_sheet(content)

    def plan(self, job, rows, progress):
        return plan_sheet(job, rows, progress)

    def write(self, job, plan):
        write_sheet(job, plan, user=(job.confirmed_by if job.commit else None) or job.uploaded_by)


def _check_may_import(user, programme: Programme) -> None:
    if user is None:
        return
    if not user.has_perm("training.add_attendance") or not user_manages_programme(user, programme):
        raise ValidationError("只有举办该培训班的单位可以导入签到表。")
    if programme.is_cancelled:
        raise ValidationError("该培训班已取消。")


ATTENDANCE_SHEET = AttendanceImporter()


def attendance_import_start(*, user, programme: Programme, file_name: str, content: bytes) -> AttendanceImport:
    """Store an uploaded sign-in sheet of `programme` and queue its dry run. Refuses, before
    storing anything, a file that is not an Excel workbook within the limits, and a user whose
    area does not organise the programme."""
    return ATTENDANCE_SHEET.start(user=user, file_name=file_name, content=content, programme=programme)


def attendance_import_confirm(*, attendance_import: AttendanceImport, user) -> AttendanceImport:
    """After a dry run `user` looked at: import it for real (the attendance recorded as theirs)."""
    return ATTENDANCE_SHEET.confirm(job=attendance_import, user=user)


def attendance_import_retry(*, attendance_import: AttendanceImport, user) -> AttendanceImport:
    """Queue again a check or an import that was interrupted (its page's "重试" button)."""
    return ATTENDANCE_SHEET.retry(job=attendance_import, user=user)


def attendance_import_execute(*, import_id: int, task_id: str = "", redelivered: bool = False) -> AttendanceImport:
    """The Celery task's body, for the check and for the import; safe to run twice."""
    return ATTENDANCE_SHEET.execute(import_id=import_id, task_id=task_id, redelivered=redelivered)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    name="apps.training.imports.run_attendance_import",
    **job_time_limits(settings.ROSTER_IMPORT_TIME_LIMIT),
)
def run_attendance_import(self, import_id: int) -> str:
    """Check or import one uploaded sign-in sheet; safe to run twice (apps.core.imports)."""
    return import_task_run(ATTENDANCE_SHEET, self, import_id)
