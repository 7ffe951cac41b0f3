"""Parse a member roster (会员花名册) spreadsheet into checked rows, without touching the database.

Real rosters come from office Excel: title rows above the header, merged cells, blank rows,
a 合计 row at the bottom, ID numbers typed every which way. :func:`parse_roster` finds the header
by its Chinese column names, reads each member row, and reports per row what is wrong and how to
fix it (Simplified Chinese). It never raises on bad input: an unreadable file or a missing header
comes back as ``RosterParse.error``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models.base import ModelState
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from apps.core.spreadsheets import (
    UNREADABLE,
    Sheet,
    SheetLimits,
    Source,
    SpreadsheetTooLarge,
    Workbook,
    merge_sweep,
    open_workbook,
    spreadsheet_problem,
)
from apps.members.codelists import CODE_LISTS, unmapped_note
from apps.members.idnumbers import china_today, mask_id_number, validate_id_number
from apps.members.models import Member
from apps.members.validators import is_mobile, normalize_mobile

Status = Literal["valid", "warning", "error"]

# Column synonyms as offices write them; matched after _header_key() clean-up.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号"),
    "real_name": ("姓名", "会员姓名"),
    "sex": ("性别",),
    "ethnicity": ("民族",),
    "id_number": ("身份证号码", "身份证号", "公民身份号码", "身份证", "居民身份证号码", "身份证件号码"),
    "birth": ("出生年月", "出生日期", "出生年月日"),
    "education": ("文化程度", "学历"),
    "political_status": ("政治面貌",),
    "mobile": ("手机号码", "手机", "手机号", "联系电话", "电话"),
    "employment_form": ("用工形式",),
    "join_date": ("入会时间", "入会日期"),
    "card_number": ("会员证号", "会员卡号", "会员证号码"),
    "union_name": ("所在工会", "工会名称"),
    "workplace": ("工作单位", "所在单位", "单位名称", "工作单位名称"),
    "workplace_code": ("统一社会信用代码", "单位统一社会信用代码", "信用代码"),
    "notes": ("备注",),
}
# The template's example row says so in its 备注: it is never taken for a member.
EXAMPLE_ROW_NOTE = "示例行"
REQUIRED_FIELDS = ("real_name", "id_number")
_HEADER_LOOKUP = {name: key for key, names in HEADER_SYNONYMS.items() for name in names}
# The header must sit within this many rows of the top; further down it is data, not a title.
HEADER_SEARCH_ROWS = 20

EMPLOYMENT_FORMS: dict[str, str] = {
    "固定工": "regular",
    "合同工": "regular",
    "正式工": "regular",
    "农民工": "migrant",
    "劳务派遣": "dispatched",
    "派遣": "dispatched",
    "临时工": "flexible",
    "灵活用工": "flexible",
    "非全日制": "flexible",
}
_SEX_WORDS = {"男": "male", "男性": "male", "女": "female", "女性": "female"}
_SEX_LABELS = {"male": "男", "female": "女"}
# Dates typed as text: digits with 年月日 . / - between them.
_DATE_TEXT = re.compile(r"^[\d年月日号./\-\s]+$")
_SUMMARY_PREFIXES = ("合计", "总计")
_SUBTOTAL_PREFIX = "小计"
# Excel day numbers we take as dates (1927–2173); smaller numbers are more likely "2019.9" typed
# into a number cell, which must not turn into a day in 1905.
_SERIAL_RANGE = (10_000, 100_000)

READ_ERROR = "无法读取文件：请上传 Excel 文件（.xlsx 或 .xls；在 Excel 中“另存为”→“Excel 工作簿 (*.xlsx)”后重新上传）。"

# The limits are every import's (apps.core.spreadsheets); the roster's names for them.


@dataclass
class RowResult:
    """One member row. ``messages`` lists errors first, then warnings; ``data`` is the cleaned values."""

    row: int
    status: Status
    messages: list[str]
    data: dict[str, Any]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Held to row_problems as it stands (set by the parse): the write need not ask again.
    checked: bool = False


@dataclass
class RosterParse:
    """The whole file. ``error`` is a fatal problem (no rows then); otherwise see ``rows``."""

    header_row: int | None = None
    rows: list[RowResult] = field(default_factory=list)
    error: str | None = None
    sheet_name: str = ""
    # field key -> 1-based column number of the recognised headers
    columns: dict[str, int] = field(default_factory=dict)
    summary_row: int | None = None

    @property
    def importable_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.status != "error"]

    @property
    def error_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.status == "error"]


def parse_roster(source: Source, *, today: dt.date | None = None, limits: SheetLimits | None = None) -> RosterParse:
    """Parse a roster (.xlsx or .xls) from a path, the file's bytes, or a binary file object (e.g.
    an upload). A file beyond ``limits`` (the settings' by default) comes back as an error before
    any row is read.
    """
    book, error = open_workbook(source, limits or SheetLimits.from_settings())
    if book is None:
        return RosterParse(error=error)
    try:
        return _parse_workbook(book, today or china_today())
    except SpreadsheetTooLarge as exc:  # an .xls sheet, held to the limits as it is read
        return RosterParse(error=str(exc))
    except UNREADABLE:  # a sheet's content is damaged: only found when its cells are read
        return RosterParse(error=READ_ERROR)
    finally:
        book.close()


def roster_file_problem(source: Source, *, limits: SheetLimits | None = None) -> str | None:
    """Why this file cannot be read as a roster (Chinese), or None; only the limits and the
    package are checked, no row is read (apps.core.spreadsheets.spreadsheet_problem)."""
    return spreadsheet_problem(source, limits=limits or SheetLimits.from_settings())


# --- finding the header ---------------------------------------------------------------------------


def _header_key(value: object) -> str:
    """'身份证号码（18位）*' -> '身份证号码': drop spaces, required-markers, notes in brackets."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = re.sub(r"\(.*?\)|\[.*?\]|【.*?】", "", text)
    return re.sub(r"[\s*:]", "", text)


def _header_fields(values: Iterable[object]) -> dict[str, tuple[int, str]]:
    """field key -> (1-based column, header text) for the recognised cells of one row."""
    found: dict[str, tuple[int, str]] = {}
    for column, value in enumerate(values, start=1):
        key = _header_key(value)
        name = _HEADER_LOOKUP.get(key)
        if name and name not in found:  # a repeated column name: the first one wins
            found[name] = (column, key)
    return found


@dataclass
class _Header:
    row: int
    data_start: int
    columns: dict[str, tuple[int, str]]


def _find_header(sheet: Sheet) -> tuple[_Header | None, dict[str, tuple[int, str]]]:
    """The first row naming both required columns, and the best near-miss for the error message."""
    best: dict[str, tuple[int, str]] = {}
    for row in range(1, HEADER_SEARCH_ROWS + 1):
        found = _header_fields(sheet.row_values(row))
        if all(name in found for name in REQUIRED_FIELDS):
            return _complete_header(sheet, row, found), found
        if len(found) > len(best):
            best = found
    return None, best


def _complete_header(sheet: Sheet, row: int, columns: dict[str, tuple[int, str]]) -> _Header:
    # A two-level header merges some titles down over a second row ("姓名" over rows 3–4) while the
    # second row holds sub-titles ("手机" under a merged "联系方式"). Data starts below the merge.
    bottom = row
    for _min_col, min_row, _max_col, max_row in sheet.merges:
        if min_row == row and max_row > row:
            bottom = max(bottom, max_row)
    for sub_row in range(row + 1, bottom + 1):
        for name, place in _header_fields(sheet.row_values(sub_row)).items():
            columns.setdefault(name, place)
    return _Header(row=row, data_start=bottom + 1, columns=columns)


def _missing_header_message(best: dict[str, tuple[int, str]]) -> str:
    labels = "”和“".join(HEADER_SYNONYMS[name][0] for name in REQUIRED_FIELDS)
    missing = [name for name in REQUIRED_FIELDS if name not in best]
    if best and missing:
        names = "、".join(f"“{HEADER_SYNONYMS[name][0]}”" for name in missing)
        return (
            f"表头缺少必填的列：{names}。请在表头加上这一列（可写作"
            + "、".join(f"“{n}”" for n in HEADER_SYNONYMS[missing[0]][:3])
            + "），再重新上传。"
        )
    return (
        f"没有找到表头：前 {HEADER_SEARCH_ROWS} 行中没有同时含“{labels}”两列的行。"
        "请使用会员花名册模板，或在数据上方加一行列名后重新上传。"
    )


# --- reading rows ---------------------------------------------------------------------------------


def _parse_workbook(book: Workbook, today: dt.date) -> RosterParse:
    best: dict[str, tuple[int, str]] = {}
    epoch = CALENDAR_MAC_1904 if book.date1904 else CALENDAR_WINDOWS_1900
    for title in book.sheet_titles():
        sheet = book.sheet(title)
        header, near_miss = _find_header(sheet)
        if header is not None:
            return _parse_sheet(sheet, header, epoch, today)
        if len(near_miss) > len(best):
            best = near_miss
    return RosterParse(error=_missing_header_message(best))


def _fill_merges(sheet: Sheet, values: list[object], merges, tops) -> list[object]:
    """A row's values with the merges covering it filled in from their top-left cells.

    Only the top-left cell of a merge holds a value; a 所在工会 cell merged down over twenty
    members means that union for all twenty.
    """
    values = values + [""] * (sheet.max_column - len(values))
    for min_col, min_row, max_col, _max_row in merges:
        value = tops[(min_row, min_col)]
        for column in range(min_col, min(max_col, len(values)) + 1):
            values[column - 1] = value
    return values


def _parse_sheet(sheet: Sheet, header: _Header, epoch: dt.datetime, today: dt.date) -> RosterParse:
    result = RosterParse(
        header_row=header.row,
        sheet_name=sheet.title,
        columns={name: column for name, (column, _label) in header.columns.items()},
    )
    # The top-left values first: each row's cells are dropped once the row is checked, so the
    # sheet and the checked rows are not both held whole.
    tops = {(min_row, min_col): sheet.value(min_row, min_col) for min_col, min_row, _c, _r in sheet.merges}
    seq_column = header.columns.get("seq", (0, ""))[0]
    notes_column = header.columns.get("notes", (0, ""))[0]
    labels = {name: label for name, (_column, label) in header.columns.items()}
    first_seen: dict[str, int] = {}  # ID number -> first row carrying it
    # Rows with no cell in the file at all are blank: only the file's rows are visited.
    rows = sorted(r for r in sheet.rows if r >= header.data_start)
    for row, merges in merge_sweep(sheet.merges, rows):
        values = sheet.rows.pop(row)
        # Judge the row by what is written in it; a merge reaching down from above (a 备注 or
        # 所在工会 cell stretched past the last member) does not make a blank row a member.
        texts = [_compact(value) for value in values]
        if any(text.startswith(_SUMMARY_PREFIXES) for text in texts):
            result.summary_row = row  # the 合计 row closes the list; what follows is footnotes
            break
        # Blank rows, template rows with only a pre-filled 序号, and 小计 rows are not members.
        if not any(text for column, text in enumerate(texts, start=1) if column != seq_column):
            continue
        if any(text.startswith(_SUBTOTAL_PREFIX) for text in texts):
            continue
        if notes_column and notes_column <= len(texts) and texts[notes_column - 1].startswith(EXAMPLE_ROW_NOTE):
            continue
        if merges:
            values = _fill_merges(sheet, values, merges, tops)
        record = {name: _at(values, column) for name, (column, _label) in header.columns.items()}
        result.rows.append(_check_row(row, record, labels, first_seen, epoch, today))
    return result


def _at(values: list[object], column: int) -> object:
    return values[column - 1] if column <= len(values) else None


def _compact(value: object) -> str:
    """Cell text with all whitespace removed, for blank/summary detection."""
    return "" if value is None else "".join(str(value).split())


def _text(value: object) -> str:
    """A cell as trimmed text; integral numbers lose Excel's '.0'.

    No NFKC here: names of unions and notes keep their full-width punctuation（…）.
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def _name(value: object) -> str:
    # "王  芳" is padded to line up with three-character names; spaces between Han characters go,
    # single spaces elsewhere stay (transliterated names).
    text = " ".join(_text(value).split())
    return re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", text)


# --- checking one row -----------------------------------------------------------------------------


def _check_row(
    row: int,
    record: dict[str, object],
    labels: dict[str, str],
    first_seen: dict[str, int],
    epoch: dt.datetime,
    today: dt.date,
) -> RowResult:
    errors: list[str] = []
    warnings: list[str] = []

    def label(name: str) -> str:
        # Name the column as this file spells it, so the user finds it.
        return labels.get(name, HEADER_SYNONYMS[name][0])

    real_name = _name(record.get("real_name"))

    id_check = validate_id_number(record.get("id_number"), today=today)
    errors.extend(f"{label('id_number')}：{message}" for message in id_check.errors)
    if id_check.well_formed:
        earlier = first_seen.setdefault(id_check.number, row)
        if earlier != row:
            errors.append(
                f"{label('id_number')}：与第 {earlier} 行重复，同一人只能登记一次，请删除重复的行或核对号码。"
            )

    # Sex and birth date come from the ID; the sheet's own columns are only cross-checked.
    if id_check.sex and "sex" in record:
        warnings.extend(_check_sex(record["sex"], id_check.sex, label("sex")))
    if id_check.birth_date and "birth" in record:
        warnings.extend(_check_birth(record["birth"], id_check.birth_date, label("birth")))

    mobile, mobile_warning = _mobile(record.get("mobile"), label("mobile"))
    if mobile_warning:
        warnings.append(mobile_warning)

    employment_form, employment_error = _employment_form(record.get("employment_form"), label("employment_form"))
    if employment_error:
        errors.append(employment_error)

    join_date, join_error = _join_date(record.get("join_date"), id_check.birth_date, epoch, label("join_date"))
    if join_error:
        errors.append(join_error)

    # 民族, 文化程度, 政治面貌: read into their standard codes (codelists, as the form and admin).
    codes, originals = {}, {}
    for name, code_list in CODE_LISTS.items():
        originals[name] = _text(record.get(name))
        code = code_list.code_for(originals[name])
        if code is None:
            # The cell is not quoted back: the report carries no personal values.
            errors.append(f"{label(name)}：无法识别，{code_list.hint}")
        codes[name] = code or ""

    data: dict[str, Any] = {
        "real_name": real_name,
        "id_number": id_check.number if id_check.well_formed else "",
        "sex": id_check.sex or "",
        "birth_date": id_check.birth_date,
        **codes,
        "code_list_note": unmapped_note({name: text for name, text in originals.items() if codes[name]}),
        "mobile": mobile,
        "employment_form": employment_form,
        "join_date": join_date,
        "card_number": _text(record.get("card_number")),
        "union_name": _text(record.get("union_name")),
        # Which enterprise is resolved by the import, against those the union covers.
        "workplace": _text(record.get("workplace")),
        "workplace_code": _compact(unicodedata.normalize("NFKC", _text(record.get("workplace_code")))).upper(),
        "notes": _text(record.get("notes")),
    }
    # What the cells could not say (blank, too long, out of range...) as the Member model's fields
    # say it: the same check the import runs again before it writes (row_problems).
    failed = set()
    if id_check.errors:
        failed.update(("id_number", *FROM_ID_NUMBER))
    if employment_error:
        failed.add("employment_form")
    if join_error:
        failed.add("join_date")
    failed.update(name for name in CODE_LISTS if codes[name] == "" and originals[name])
    problems = row_problems(data, label=label, columns=labels, skip=failed)
    errors[:0] = [problems.pop("real_name")] if "real_name" in problems else []
    errors.extend(problems.values())

    status: Status = "error" if errors else "warning" if warnings else "valid"
    return RowResult(
        row=row, status=status, messages=errors + warnings, data=data, errors=errors, warnings=warnings, checked=True
    )


def _check_sex(value: object, from_id: str, label: str) -> list[str]:
    text = _compact(value)
    if not text:
        return []
    written = _SEX_WORDS.get(text)
    id_label = _SEX_LABELS[from_id]
    if written is None:
        return [f"{label}：无法识别，应填“男”或“女”；已按身份证号码登记为{id_label}。"]
    if written != from_id:
        return [f"{label}：与身份证号码不一致（身份证号码显示为{id_label}性），请核对；导入时以身份证号码为准。"]
    return []


def _check_birth(value: object, from_id: dt.date, label: str) -> list[str]:
    # Neither the cell nor the ID's date is quoted back: the report carries no birth year or month.
    if value is None or _compact(value) == "":
        return []
    candidates = _year_month_candidates(value)
    if not candidates:
        return [f"{label}：无法识别，请写成“1981.01”这样的年月；导入时以身份证号码中的出生日期为准。"]
    if any(year == from_id.year and (month is None or month == from_id.month) for year, month in candidates):
        return []
    part = "月份" if any(year == from_id.year for year, _month in candidates) else "年份"
    return [f"{label}：{part}与身份证号码中的出生日期不一致，请核对；导入时以身份证号码为准。"]


def _year_month_candidates(value: object) -> list[tuple[int, int | None]]:
    """Ways to read a 出生年月 cell as (year, month); month None when only a year was written."""
    if isinstance(value, dt.datetime | dt.date):
        return [(value.year, value.month)]
    if isinstance(value, float):
        # A number cell: Excel shows 1981.10 as 1981.1, so one decimal digit may be October or January.
        year, _, fraction = f"{value:.2f}".partition(".")
        month = int(fraction)
        options = [(int(year), month)]
        if month % 10 == 0:
            options.append((int(year), month // 10))
        return [(y, m) for y, m in options if 1 <= m <= 12]
    parts = _date_parts(_text(value))
    if parts is None or not 1 <= len(parts) <= 3:
        return []
    year = parts[0]
    month = parts[1] if len(parts) > 1 else None
    if month is not None and not 1 <= month <= 12:
        return []
    return [(year, month)]


def _date_parts(text: str) -> list[int] | None:
    """'2012年11月20日' / '2019/9/19' / '2012.2.3' / '20201208' -> [year, month, day] (or fewer)."""
    text = unicodedata.normalize("NFKC", text)  # full-width digits and ／．－
    if not text or not _DATE_TEXT.match(text):
        return None
    groups = re.findall(r"\d+", text)
    if not groups:
        return None
    if len(groups) == 1 and len(groups[0]) in (4, 6, 8):  # 1981 / 198101 / 19810102
        digits = groups[0]
        groups = [digits[:4], digits[4:6], digits[6:8]][: len(digits) // 2 - 1]
    if len(groups[0]) != 4:
        return None
    return [int(g) for g in groups]


def _join_date(
    value: object, birth: dt.date | None, epoch: dt.datetime, label: str
) -> tuple[dt.date | None, str | None]:
    if value is None or _compact(value) == "":
        return None, None
    how = "请按“2019/9/19”或“2019年9月19日”的格式填写完整的年月日。"
    if isinstance(value, dt.datetime):
        date: dt.date = value.date()
    elif isinstance(value, dt.date):
        date = value
    elif isinstance(value, int | float) and _SERIAL_RANGE[0] <= value < _SERIAL_RANGE[1]:
        # A date cell that lost its date format shows Excel's day number (e.g. 43727 = 2019-09-19).
        date = from_excel(value, epoch=epoch).date()
    else:
        parts = _date_parts(_text(value))
        if parts is None or len(parts) != 3:
            return None, f"{label}：无法识别为日期，{how}"
        try:
            date = dt.date(*parts)
        except ValueError:
            return None, f"{label}：不是有效日期（月或日超出范围），{how}"
    # The plausible range is the model field's validator (row_problems); "not before birth" is the
    # model's members_member_joined_after_birth constraint.
    if birth and date < birth:
        return None, f"{label}：早于出生日期（按身份证号码），请核对后重新填写。"
    return date, None


def _mobile(value: object, label: str) -> tuple[str, str | None]:
    """Digits-only mobile number, or '' plus a warning when it cannot be a mainland mobile number."""
    text = _text(value)
    if not text:
        return "", None
    digits = normalize_mobile(text)  # the members app's one mobile rule (validators.py)
    if is_mobile(digits):
        return digits, None
    # Stored empty rather than wrong: the row still imports, and the number can be added later.
    return "", f"{label}：不是有效的 11 位手机号码，本次不导入该号码，请核对后补充。"


def _employment_form(value: object, label: str) -> tuple[str, str | None]:
    text = _compact(unicodedata.normalize("NFKC", _text(value)))
    if not text:
        return "", None
    if text in EMPLOYMENT_FORMS:
        return EMPLOYMENT_FORMS[text], None
    accepted = "、".join(EMPLOYMENT_FORMS)
    return "", f"{label}：无法识别，请填写以下之一：{accepted}。"


# --- one row as the Member model sees it -----------------------------------------------------------

# What the import writes of a row: Member fields, by name. Sex and birth date come from the ID
# number (so a problem with them is the ID number's); a blank card number is issued by the portal.
ROW_FIELDS = (
    "real_name",
    "id_number",
    "sex",
    "birth_date",
    "ethnicity",
    "education",
    "political_status",
    "code_list_note",
    "mobile",
    "employment_form",
    "join_date",
    "card_number",
)
FROM_ID_NUMBER = ("sex", "birth_date")
ISSUED_IF_BLANK = ("card_number",)
# How to fill a required cell left blank (the rule itself, which cells are required, is the model's).
_BLANK_HINTS = {
    "real_name": "请补充会员姓名。",
    "id_number": "请填写 18 位公民身份号码。",
    "employment_form": f"请填写以下之一：{'、'.join(EMPLOYMENT_FORMS)}。",
    "join_date": "请填写入会日期（如 2024-03-01）。",
}


def row_problems(
    data: dict[str, Any],
    *,
    label=None,
    columns: Iterable[str] | None = None,
    skip: Iterable[str] = (),
) -> dict[str, str]:
    """What the Member model refuses in one checked row, {field: Chinese fix-it message}.

    The row is held to ``services.member_problems``: the model's ``full_clean`` (every field's
    required-ness, length, choices and validators, and ``clean()``), as ``member_create`` holds a
    member typed in, less what needs the database (asked for the whole file at once by the
    import: apps.members.imports). The dry run reports exactly what the write would refuse, and
    the write runs this again before it inserts anything. ``label(name)`` names a column as the
    file spells it; ``columns`` are those the file has (a required one it lacks is said so);
    ``skip`` fields already reported by the parse.
    """
    from .services import member_problems  # services import the models' app; this module stays light

    label = label or (lambda name: HEADER_SYNONYMS[name][0])
    skip = set(skip)
    member = _row_member({name: data.get(name) for name in ROW_FIELDS})
    member.id_masked = mask_id_number(data.get("id_number") or "")
    # Not the row's to say: the union is the import's (checked once), the ID hash is derived
    # from a number checked above, the status and hardship flag are the model's defaults.
    exclude = {"union", "id_hash", *(name for name in skip if name in ROW_FIELDS)}
    if "id_number" in skip:
        exclude.update(("id_masked", *FROM_ID_NUMBER))
    exclude.update(name for name in ISSUED_IF_BLANK if not data.get(name))
    problems: dict[str, str] = {}
    for name, errors in member_problems(member, exclude=exclude).items():
        column = "id_number" if name in FROM_ID_NUMBER or name == "id_masked" else name
        if column in problems:
            continue
        problems[column] = _problem(name, errors[0], _label_of(column, label), column, columns)
    return problems


_DEFAULT_MEMBER: dict[str, Any] = {}


def _row_member(values: dict[str, Any]) -> Member:
    """An unsaved Member with the row's values and the model's defaults for the rest: what
    ``Member(**values)`` gives, without running ``Model.__init__`` for every row (it was a third
    of the row check: twenty fields' defaults and the init signals, 60 µs a row)."""
    if not _DEFAULT_MEMBER:
        _DEFAULT_MEMBER.update({k: v for k, v in Member().__dict__.items() if k != "_state"})
    member = Member.__new__(Member)
    member.__dict__ = {**_DEFAULT_MEMBER, **values, "_state": ModelState()}
    return member


def _label_of(column: str, label) -> str:
    if column in HEADER_SYNONYMS:
        return label(column)
    if column == NON_FIELD_ERRORS:
        return "本行"
    return str(Member._meta.get_field(column).verbose_name)


def _problem(name: str, error: ValidationError, label: str, column: str, columns) -> str:
    code = error.code
    if code in ("blank", "null"):
        hint = _BLANK_HINTS.get(column, "请补充。")
        if columns is not None and column not in columns:
            return f"{label}：未填写（花名册中没有“{label}”这一列），请添加该列；{hint}"
        return f"{label}：未填写，{hint}"
    if code == "max_length":
        field = Member._meta.get_field(name)
        return f"{label}：内容过长（最多 {field.max_length} 个字），请精简后重新导入。"
    if code == "invalid_choice":
        return f"{label}：无法识别，请核对后重新填写。"
    return f"{label}：{'；'.join(error.messages)}"
