"""The tax bureau's statement of union funds it collected (税务代征工会经费明细), read and reconciled.

No database here: :func:`parse_statement` turns the .xlsx exactly as the bureau sends it into
checked rows, :func:`reconcile` sets them against the credit codes of the enterprises registered
on the tax channel, and :func:`statement_report_json` gives the ``--json`` report of
``import_tax_statement``. The import (dry run, confirm, the ledger's writes) builds on these.

What a statement holds: title rows, a 所属期 line with the statement's period, the header (found
by its column titles, in any order and under the names bureaus use), one row per taxpayer and
month or quarter, refund rows (退库) with negative amounts, blank rows, a 合计 row. Amounts come as
numbers or as text with thousands separators or full-width digits; credit codes in lower case,
full-width, with spaces or a leading apostrophe. Money is Decimal to the cent (apps.dues.money).
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import operator
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from apps.branches.validators import credit_code_problem, normalize_credit_code
from apps.core.imports import ImportFileError
from apps.core.spreadsheets import (
    READ_ERROR,
    UNREADABLE,
    Sheet,
    SheetLimits,
    Source,
    SpreadsheetTooLarge,
    merge_sweep,
    open_workbook,
)

from .money import CENT, DEFAULT_RATE, amount_parse, money_text, percent_of

RowStatus = Literal["ok", "error"]
VerdictStatus = Literal["paid", "partial", "over", "unpaid", "unknown"]

# Why a row is refused, as the report and the tests name it.
BAD_CODE = "bad_code"
MISSING_CODE = "missing_code"
BAD_AMOUNT = "bad_amount"
BAD_RATE = "bad_rate"
BAD_PERIOD = "bad_period"
BAD_DATE = "bad_date"
BAD_REFUND = "bad_refund"

# Column titles as bureaus write them, matched after _header_key() (brackets, spaces, "*" gone):
# "计征依据（工资总额）" is "计征依据", "实缴金额（元）" is "实缴金额".
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号"),
    "credit_code": (
        "纳税人识别号",
        "统一社会信用代码",
        "社会信用代码",
        "缴费人识别号",
        "纳税人识别号/统一社会信用代码",
        "统一社会信用代码/纳税人识别号",
        "信用代码",
        "识别号",
    ),
    "payer_name": ("纳税人名称", "缴费人名称", "单位名称", "企业名称", "缴费单位名称"),
    "period_start": ("所属期起", "税款所属期起", "费款所属期起", "所属期开始", "所属时期起", "所属期起始日期"),
    "period_end": ("所属期止", "税款所属期止", "费款所属期止", "所属期结束", "所属时期止", "所属期终止日期"),
    # One column holding "2026-07-01至2026-09-30", where a bureau writes the period so.
    "period": ("所属期", "税款所属期", "费款所属期", "所属期间", "所属时期"),
    "basis": ("计征依据", "计费依据", "计税依据", "工资总额", "计征工资总额", "缴费基数"),
    "rate": ("征收率", "费率", "征收比例", "计征比例", "征收费率"),
    "paid": ("实缴金额", "实缴", "实缴费额", "实缴税额", "入库金额", "缴款金额", "实缴（退）金额"),
    "paid_on": ("入库日期", "缴款日期", "实缴日期", "入库时间"),
    "authority": ("征收机关", "税务机关", "主管税务机关"),
    "notes": ("备注", "说明"),
    "item": ("征收品目", "品目", "征收项目", "征收子目"),
}
# Where a title is none of the above, what it contains says the column (in this order: the
# dates before the amounts, so "入库日期" is never taken for an amount).
HEADER_FRAGMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("paid_on", ("入库日期", "缴款日期", "实缴日期", "入库时间")),
    ("period_start", ("所属期起", "所属期始", "所属日期起")),
    ("period_end", ("所属期止", "所属期讫", "所属日期止")),
    ("credit_code", ("信用代码", "识别号")),
    ("basis", ("计征依据", "计费依据", "计税依据", "工资总额")),
    ("paid", ("实缴", "入库金额", "缴款金额")),
    ("rate", ("征收率", "费率")),
    ("item", ("品目",)),
    ("payer_name", ("纳税人名称", "缴费人名称", "单位名称", "企业名称")),
)
REQUIRED_FIELDS = ("credit_code", "basis", "paid")
_HEADER_LOOKUP = {name: key for key, names in HEADER_SYNONYMS.items() for name in names}
# The header sits within this many rows of the top; further down it is data, not a title.
HEADER_SEARCH_ROWS = 30
# A statement of a city's size: 50,000 rows and the title, header and 合计 rows around them.
STATEMENT_MAX_ROWS = 60_000
# No payroll or payment reaches a trillion yuan; a bigger number is a typing slip, and would
# overflow the decimal context when rounded to the cent.
TOO_LARGE = Decimal("1e12")
_SUMMARY_PREFIXES = ("合计", "总计")
_SUBTOTAL_PREFIX = "小计"
REFUND_MARK = "退库"
PREPARATORY_MARK = "筹备金"  # 征收品目 "工会筹备金": the payer has no approved union yet
_PERIOD_WORDS = ("所属期", "所属时期", "所属期间")

NO_HEADER_MESSAGE = (
    "没有找到表头：前 {rows} 行中没有同时含“纳税人识别号（或统一社会信用代码）”“计征依据”“实缴金额”的行。"
    "请上传税务局导出的代征工会经费明细原表，不要删除或改写表头。"
)
NO_PERIOD_MESSAGE = (
    "没有找到所属期：表头上方应有一行“所属期：2026年7月1日至2026年9月30日”。"
    "请上传税务局导出的原表，不要删除表头上方的标题行。"
)


@dataclass(slots=True)
class StatementRow:
    """One data row of the statement: ``status`` "ok", or "error" with ``reason`` (the first
    problem's code) and ``messages`` (Chinese, each naming the row and what is wrong)."""

    row: int
    status: RowStatus
    credit_code: str | None  # normalised, and only when it is a valid code
    reason: str | None = None
    messages: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    payer_name: str = ""
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    basis: Decimal | None = None  # 计征依据 (工资总额)
    rate: Decimal | None = None  # a fraction: 0.02 for 2%
    due: Decimal | None = None  # rate × basis, to the cent
    paid: Decimal | None = None  # 实缴金额; negative on a refund row
    paid_on: dt.date | None = None  # 入库日期
    item: str = ""  # 征收品目
    is_preparatory: bool = False  # 工会筹备金: the payer has no approved union yet
    is_refund: bool = False  # 退库
    authority: str = ""  # 征收机关
    notes: str = ""

    @property
    def period_kind(self) -> str | None:
        """ "month", "quarter" or "year" (the ledger's periods), else None."""
        if self.period_start is None or self.period_end is None:
            return None
        return period_kind(self.period_start, self.period_end)


@dataclass
class ParsedStatement:
    period_start: dt.date
    period_end: dt.date
    header_row: int
    summary_row: int | None
    rows: list[StatementRow]
    sheet_name: str = ""
    # field key -> 1-based column of the recognised titles
    columns: dict[str, int] = field(default_factory=dict)

    @property
    def ok_rows(self) -> list[StatementRow]:
        return [row for row in self.rows if row.status == "ok"]

    @property
    def error_rows(self) -> list[StatementRow]:
        return [row for row in self.rows if row.status == "error"]


@dataclass
class EnterpriseVerdict:
    """One enterprise for the statement's period. ``due`` is None for an enterprise registered on
    the tax channel but absent from the statement (``unpaid``)."""

    credit_code: str
    status: VerdictStatus
    due: Decimal | None
    paid: Decimal
    payer_name: str = ""
    rows: list[int] = field(default_factory=list)
    is_preparatory: bool = False

    @property
    def shortfall(self) -> Decimal | None:
        """What is still owed (a partial payer's gap); None where the due is not known."""
        if self.due is None:
            return None
        return max(self.due - self.paid, Decimal("0.00"))

    @property
    def excess(self) -> Decimal:
        return max(self.paid - (self.due or Decimal("0.00")), Decimal("0.00"))


def statement_limits() -> SheetLimits:
    """The imports' limits (settings), with room for a statement of a city's size."""
    limits = SheetLimits.from_settings()
    return dataclasses.replace(limits, rows=max(limits.rows, STATEMENT_MAX_ROWS))


def parse_statement(source: Source, *, limits: SheetLimits | None = None) -> ParsedStatement:
    """Read a statement (.xlsx, or an old .xls) from a path, its bytes or a binary file object.

    Raises :class:`ImportFileError` (Chinese) for a problem of the whole file: not a spreadsheet,
    beyond the limits, no header, no 所属期. A bad row is a row with status "error", never a raise.
    """
    book, error = open_workbook(source, limits or statement_limits())
    if book is None:
        raise ImportFileError(error)
    try:
        epoch = CALENDAR_MAC_1904 if book.date1904 else CALENDAR_WINDOWS_1900
        best: dict[str, tuple[int, str]] = {}
        for title in book.sheet_titles():
            sheet = book.sheet(title)
            header_row, columns = _find_header(sheet)
            if header_row is not None:
                return _parse_sheet(sheet, header_row, columns, epoch)
            if len(columns) > len(best):
                best = columns
        raise ImportFileError(_missing_header_message(best))
    except SpreadsheetTooLarge as exc:  # an .xls sheet, held to the limits as it is read
        raise ImportFileError(str(exc)) from exc
    except ImportFileError:
        raise
    except UNREADABLE as exc:  # a damaged sheet shows only when its cells are read
        raise ImportFileError(READ_ERROR) from exc
    finally:
        book.close()


# --- the header -------------------------------------------------------------------------------------

_BRACKETS = re.compile(r"\(.*?\)|\[.*?\]|【.*?】|〔.*?〕")
_HEADER_NOISE = re.compile(r"[\s*:：]")


def _header_key(value: object) -> str:
    """'计征依据（工资总额）' -> '计征依据': full-width folded, notes in brackets, spaces, '*' gone."""
    if value is None or value == "":
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return _HEADER_NOISE.sub("", _BRACKETS.sub("", text))


def _field_of(title: object) -> str | None:
    key = _header_key(title)
    if not key:
        return None
    for candidate in (key, *re.split(r"[/、|]", key)):
        name = _HEADER_LOOKUP.get(candidate)
        if name:
            return name
    for name, fragments in HEADER_FRAGMENTS:
        if any(fragment in key for fragment in fragments):
            return name
    return None


def _header_fields(values: Iterable[object]) -> dict[str, tuple[int, str]]:
    """field key -> (1-based column, the title as the file writes it) for one row."""
    found: dict[str, tuple[int, str]] = {}
    for column, value in enumerate(values, start=1):
        if not isinstance(value, str) or not value.strip():
            continue
        name = _field_of(value)
        if name and name not in found:  # a repeated title: the first column wins
            found[name] = (column, " ".join(value.split()))
    return found


def _find_header(sheet: Sheet) -> tuple[int | None, dict[str, tuple[int, str]]]:
    """The first row naming every required column, or (None, the best near-miss)."""
    best: dict[str, tuple[int, str]] = {}
    for row in sorted(r for r in sheet.rows if r <= HEADER_SEARCH_ROWS):
        found = _header_fields(sheet.rows[row])
        if all(name in found for name in REQUIRED_FIELDS):
            return row, found
        if len(found) > len(best):
            best = found
    return None, best


def _missing_header_message(best: dict[str, tuple[int, str]]) -> str:
    missing = [name for name in REQUIRED_FIELDS if name not in best]
    if best and len(best) >= 2 and missing:
        names = "、".join(f"“{HEADER_SYNONYMS[name][0]}”" for name in missing)
        return f"表头缺少必需的列：{names}。请上传税务局导出的代征工会经费明细原表，不要删除或改写这些列。"
    return NO_HEADER_MESSAGE.format(rows=HEADER_SEARCH_ROWS)


# --- dates and periods ----------------------------------------------------------------------------

# A date as bureaus write it: 2026-07-01, 2026/7/1, 2026.07.01, 2026年7月1日, or a month alone
# (2026年7月, 2026-07); the day's digits may not run on into a following year.
_DATE_TOKEN = re.compile(
    r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})(?!\d)(?:\s*[-/.月]\s*(\d{1,2})(?!\d)\s*[日号]?|\s*月)?"
    r"|(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)"
)
# "2026年7月至9月", "2026年7月1日至9月30日": the year written once.
_SAME_YEAR_RANGE = re.compile(
    r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*[日号])?\s*[至到~—–-]\s*"
    r"(\d{1,2})\s*月\s*(?:(\d{1,2})\s*[日号])?"
)
_QUARTER_TOKEN = re.compile(r"(\d{4})\s*年\s*第?\s*([1-4一二三四])\s*季度?")
_QUARTER_NUMBERS = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}
_TIME_TAIL = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
# Excel day numbers taken as dates (1927–2173); a smaller number is no date.
_SERIAL_RANGE = (10_000, 100_000)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _token_dates(match: re.Match) -> tuple[dt.date, dt.date]:
    """The first and last day a date token names (a month alone names all its days)."""
    if match.group(4):
        day = dt.date(int(match.group(4)), int(match.group(5)), int(match.group(6)))
        return day, day
    year, month = int(match.group(1)), int(match.group(2))
    if match.group(3):
        day = dt.date(year, month, int(match.group(3)))
        return day, day
    return dt.date(year, month, 1), _month_end(year, month)


def _date_range(text: str) -> tuple[dt.date, dt.date] | None:
    """(start, end) of "2026年7月1日至2026年9月30日", "2026-07-01—2026-09-30", "2026年7月至9月",
    "2026年第3季度", "2026年9月"; None when none is found."""
    text = unicodedata.normalize("NFKC", text)
    try:
        same_year = _SAME_YEAR_RANGE.search(text)
        if same_year:
            year, first_month, first_day, last_month, last_day = same_year.groups()
            year, first_month, last_month = int(year), int(first_month), int(last_month)
            start = dt.date(year, first_month, int(first_day or 1))
            end = dt.date(year, last_month, int(last_day)) if last_day else _month_end(year, last_month)
            return start, end
        tokens = list(_DATE_TOKEN.finditer(text))
        if len(tokens) >= 2:
            start, _ = _token_dates(tokens[0])
            _, end = _token_dates(tokens[1])
            return start, end
        quarter = _QUARTER_TOKEN.search(text)
        if quarter:
            year, number = int(quarter.group(1)), _QUARTER_NUMBERS[quarter.group(2)]
            return dt.date(year, 3 * number - 2, 1), _month_end(year, 3 * number)
        if len(tokens) == 1:
            return _token_dates(tokens[0])
    except ValueError:  # 2026-02-30
        return None
    return None


def period_kind(start: dt.date, end: dt.date) -> str | None:
    """ "month", "quarter" or "year" when start..end is exactly one, else None."""
    if start.day != 1 or end < start or end != _month_end(end.year, end.month) or start.year != end.year:
        return None
    months = end.month - start.month + 1
    if months == 1:
        return "month"
    if months == 3 and start.month % 3 == 1:
        return "quarter"
    if months == 12:
        return "year"
    return None


def _find_period(sheet: Sheet, header_row: int) -> tuple[dt.date, dt.date]:
    for row in sorted(r for r in sheet.rows if r < header_row):
        text = " ".join(str(value) for value in sheet.rows[row] if value not in ("", None))
        compact = "".join(unicodedata.normalize("NFKC", text).split())
        if any(word in compact for word in _PERIOD_WORDS):
            found = _date_range(text)
            if found is not None and found[0] <= found[1]:
                return found
    raise ImportFileError(NO_PERIOD_MESSAGE)


class _Dates:
    """Cell -> date, remembering the texts already read: a statement repeats a few dates
    (the months' first and last days) thousands of times."""

    def __init__(self, epoch: dt.datetime):
        self.epoch = epoch
        self.texts: dict[str, tuple[dt.date, dt.date] | None] = {}

    def read(self, value: object) -> tuple[dt.date, dt.date] | None | Literal[False]:
        """(first, last day) the cell names; None when blank; False when it is no date."""
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            return value.date(), value.date()
        if isinstance(value, dt.date):
            return value, value
        if isinstance(value, float | int) and not isinstance(value, bool):
            if _SERIAL_RANGE[0] <= value < _SERIAL_RANGE[1]:
                day = from_excel(value, self.epoch)
                day = day.date() if isinstance(day, dt.datetime) else day
                return day, day
            if 19000101 <= value <= 21991231 and float(value).is_integer():  # 20260701 typed as a number
                return self.read(str(int(value)))
            return False
        text = str(value)
        if text in self.texts:
            return self.texts[text] if self.texts[text] is not None else False
        cleaned = _TIME_TAIL.sub("", unicodedata.normalize("NFKC", text).strip())
        match = _DATE_TOKEN.fullmatch(cleaned)
        found = None
        if match:
            try:
                found = _token_dates(match)
            except ValueError:
                found = None
        if len(self.texts) < 10_000:
            self.texts[text] = found
        return found if found is not None else False


# --- amounts (money.amount_parse) and rates ---------------------------------------------------


def _rate(value: object, cache: dict) -> Decimal | None | Literal[False]:
    """征收率 as a fraction: "2%", "2", 0.02 and "0.02" are all 0.02; None when blank."""
    key = (type(value), value)
    if key in cache:
        return cache[key]
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip().replace(" ", "")
        percent = text.endswith("%") or text.endswith("‰")
        number = amount_parse(text.rstrip("%‰")) if text else None
        if isinstance(number, Decimal):
            if text.endswith("‰"):
                number /= 1000
            elif percent or number > 1:
                number /= 100
    else:
        number = amount_parse(value)
        if isinstance(number, Decimal) and number > 1:  # 2 meant as 2%
            number /= 100
    if isinstance(number, Decimal) and not Decimal(0) <= number < 1:
        number = False
    if len(cache) < 1_000:
        cache[key] = number
    return number


# --- the rows -------------------------------------------------------------------------------------


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _blank(value: object) -> bool:
    return value is None or (value.__class__ is str and not value.strip())


def _shown(value: object) -> str:
    """A cell's value quoted in a message, cut short."""
    text = _text(value)
    return text if len(text) <= 30 else text[:29] + "…"


# What a row is, judged by what is written in it.
_DATA, _BLANK, _SUMMARY, _SUBTOTAL = "data", "blank", "summary", "subtotal"


def _row_kind(values: list[object], seq: int) -> str:
    """One pass over the row's cells: a 合计 row, a 小计 row, a blank row (nothing but perhaps a
    pre-filled 序号) or data."""
    content = False
    for index, value in enumerate(values):
        if value is None or value == "":
            continue
        if value.__class__ is str:
            stripped = value.strip()
            if not stripped:
                continue
            if stripped[0] in "合总小":
                compact = "".join(stripped.split())
                if compact.startswith(_SUMMARY_PREFIXES):
                    return _SUMMARY
                if compact.startswith(_SUBTOTAL_PREFIX):
                    return _SUBTOTAL
        if index != seq:
            content = True
    return _DATA if content else _BLANK


# credit_code_problem() answered at once for the codes that are right (nearly all of a
# statement's): the same test as python-stdnum's (eight digits, ten characters of the standard's
# alphabet, the GB 32100 check character), without its per-call clean-up, which would cost a
# 50,000-row statement a second. Any other code is judged by credit_code_problem() itself, so
# the verdict and its message are always the validators' (tests/dues: the two agree).
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {character: value for value, character in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_SHAPE = re.compile(r"[0-9]{8}[0-9A-HJ-NPQRTUWXY]{10}")


def _code_problem(code: str) -> str | None:
    if _USCC_SHAPE.fullmatch(code):
        total = sum(map(operator.mul, map(_USCC_VALUE.__getitem__, code[:17]), _USCC_WEIGHTS))
        if _USCC_ALPHABET[-total % 31] == code[17]:
            return None
    return credit_code_problem(code)


_SUB_TITLES = {
    "起": "period_start",
    "起始": "period_start",
    "开始": "period_start",
    "止": "period_end",
    "终止": "period_end",
}


def _header_bottom(sheet: Sheet, header_row: int, columns: dict[str, tuple[int, str]]) -> int:
    """The header's last row. A two-level header merges some titles down over a second row
    ("纳税人识别号" over rows 3–4) while the second row holds sub-titles ("起", "止" under a
    merged "所属期"); those are added to ``columns``. Data starts below."""
    bottom = header_row
    for _min_col, min_row, _max_col, max_row in sheet.merges:
        if min_row == header_row and max_row > header_row:
            bottom = max(bottom, min(max_row, header_row + 2))
    for sub_row in range(header_row + 1, bottom + 1):
        for column, value in enumerate(sheet.rows.get(sub_row, ()), start=1):
            if not isinstance(value, str) or not value.strip():
                continue
            name = _SUB_TITLES.get(_header_key(value)) or _field_of(value)
            if name and name not in columns:
                columns[name] = (column, " ".join(value.split()))
    if "period_start" in columns and "period_end" in columns:
        columns.pop("period", None)  # the merged title over 起 and 止
    return bottom


def _parse_sheet(sheet: Sheet, header_row: int, columns: dict[str, tuple[int, str]], epoch) -> ParsedStatement:
    period_start, period_end = _find_period(sheet, header_row)
    data_start = _header_bottom(sheet, header_row, columns) + 1
    parsed = ParsedStatement(
        period_start=period_start,
        period_end=period_end,
        header_row=header_row,
        summary_row=None,
        rows=[],
        sheet_name=sheet.title,
        columns={name: column for name, (column, _title) in columns.items()},
    )
    labels = {name: title for name, (_column, title) in columns.items()}
    # Every row is padded to the header's width and one more cell, None, where the columns the
    # statement does not have point: each cell is then values[at[name]], with no bounds checks.
    width = max(column for column, _title in columns.values())
    at = {name: columns[name][0] - 1 if name in columns else width for name in HEADER_SYNONYMS}
    seq, code_title = at["seq"], sheet.value(header_row, columns["credit_code"][0])
    context = _RowContext(labels=labels, at=at, parsed=parsed, dates=_Dates(epoch))
    # Only a merge's top-left cell holds its value: a 纳税人识别号 merged down over a payer's
    # three months means that code for all three.
    tops = {(min_row, min_col): sheet.value(min_row, min_col) for min_col, min_row, _c, _r in sheet.merges}
    append = parsed.rows.append
    for row, merges in merge_sweep(sheet.merges, sorted(r for r in sheet.rows if r >= data_start)):
        values = sheet.rows[row]
        kind = _row_kind(values, seq)
        if kind is _SUMMARY:
            parsed.summary_row = row  # the 合计 row closes the list; what follows are footnotes
            break
        if kind is not _DATA:  # blank rows and 小计 rows are no payments
            continue
        if len(values) <= width:
            values = [*values, *([""] * (width - len(values))), None]
        else:
            values = [*values[:width], None]
        if code_title and values[at["credit_code"]] == code_title:
            continue  # the header again, as a statement printed page by page repeats it
        for min_col, min_row, max_col, _max_row in merges:
            for column in range(min_col, min(max_col, width) + 1):
                values[column - 1] = tops[(min_row, min_col)]
        if all(_blank(values[at[name]]) for name in REQUIRED_FIELDS):
            continue  # no code and no amount: a note ("制表人：…", "说明：…"), not a payment
        append(_check_row(row, values, context))
    return parsed


@dataclass
class _RowContext:
    """What every row's check shares: the columns, and what was already read once."""

    labels: dict[str, str]
    at: dict[str, int]
    parsed: ParsedStatement
    dates: _Dates
    rates: dict = field(default_factory=dict)
    codes: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # cell -> (normalised, problem)
    periods: dict[tuple, tuple[dt.date, dt.date]] = field(default_factory=dict)  # the cells -> (start, end)


def _row_period(start_cell, end_cell, period_cell, context: _RowContext):
    """((start, end), []) of a row, or ((None, None), [(reason, message without the row)])."""
    problems: list[tuple[str, str]] = []
    labels, dates, parsed = context.labels, context.dates, context.parsed

    def refuse(name: str, what: str) -> None:
        problems.append((BAD_PERIOD, f"{labels.get(name, HEADER_SYNONYMS[name][0])}{what}"))

    start = end = None
    if "period_start" in labels or "period_end" in labels:
        first, last = dates.read(start_cell), dates.read(end_cell)
        if first is False:
            refuse("period_start", f"“{_shown(start_cell)}”不是日期。")
        if last is False:
            refuse("period_end", f"“{_shown(end_cell)}”不是日期。")
        if first and last:
            start, end = first[0], last[1]
        elif first is None and last is None:
            start, end = parsed.period_start, parsed.period_end
        elif not (first is False or last is False):
            refuse("period_start" if first is None else "period_end", "为空。请填写所属期的起止日期。")
    elif "period" in labels and _text(period_cell):
        found = _date_range(_text(period_cell))
        if found is None:
            refuse("period", f"“{_shown(period_cell)}”无法识别为起止日期。")
        else:
            start, end = found
    else:
        start, end = parsed.period_start, parsed.period_end
    if start is not None and end is not None and period_kind(start, end) is None:
        refuse(
            "period" if "period" in labels and "period_start" not in labels else "period_start",
            f"为 {start:%Y-%m-%d} 至 {end:%Y-%m-%d}，不是一个整月、整季度或整年。请核对所属期。",
        )
    return ((None, None) if problems else (start, end)), problems


def _check_row(row: int, values: list[object], context: _RowContext) -> StatementRow:
    problems: list[tuple[str, str]] = []  # (reason, message)
    at, dates = context.at, context.dates

    def refuse(reason: str, name: str, what: str) -> None:
        label = context.labels.get(name, HEADER_SYNONYMS[name][0])
        problems.append((reason, f"第 {row} 行：{label}{what}"))

    # The credit code, as offices type it; the same text is checked once per statement.
    raw_code = values[at["credit_code"]]
    code_text = raw_code if isinstance(raw_code, str) else _text(raw_code)
    known = context.codes.get(code_text)
    if known is None:
        folded = code_text if code_text.isascii() else unicodedata.normalize("NFKC", code_text)
        normalised = normalize_credit_code(folded)
        known = (normalised, _code_problem(normalised) if normalised else None)
        if len(context.codes) < 200_000:
            context.codes[code_text] = known
    normalised, code_problem = known
    credit_code = None
    if not normalised:
        refuse(MISSING_CODE, "credit_code", "为空，无法对应到企业。请补填该纳税人的统一社会信用代码。")
    elif code_problem:
        refuse(BAD_CODE, "credit_code", f"“{_shown(raw_code)}”有误：{code_problem}")
    else:
        credit_code = normalised

    notes = _text(values[at["notes"]])
    item = _text(values[at["item"]])

    paid_cell = values[at["paid"]]
    paid = amount_parse(paid_cell)
    if paid is None:
        refuse(BAD_AMOUNT, "paid", "为空。请填写实缴金额（元，到分）。")
    elif paid is False:
        refuse(BAD_AMOUNT, "paid", f"“{_shown(paid_cell)}”不是金额。请填写阿拉伯数字（如 10000.00）。")
    elif abs(paid) >= TOO_LARGE:
        refuse(BAD_AMOUNT, "paid", f"“{_shown(paid_cell)}”超出合理范围。请核对金额。")
    elif paid != paid.quantize(CENT):
        refuse(BAD_AMOUNT, "paid", f"“{_shown(paid_cell)}”超过两位小数。金额应精确到分。")
    is_refund = REFUND_MARK in notes or REFUND_MARK in item or (isinstance(paid, Decimal) and paid < 0)
    if isinstance(paid, Decimal) and paid > 0 and is_refund:
        refuse(BAD_REFUND, "paid", "：退库行的金额应为负数。请核对这一行是缴款还是退库。")

    basis_cell = values[at["basis"]]
    basis = amount_parse(basis_cell)
    if basis is None and is_refund:
        basis = Decimal("0")  # a refund returns money; it declares no payroll
    if basis is None:
        refuse(BAD_AMOUNT, "basis", "为空。请填写计征依据（工资总额，元）。")
    elif basis is False:
        refuse(BAD_AMOUNT, "basis", f"“{_shown(basis_cell)}”不是金额。请填写阿拉伯数字（如 500000.00）。")
    elif basis >= TOO_LARGE:
        refuse(BAD_AMOUNT, "basis", f"“{_shown(basis_cell)}”超出合理范围。请核对金额。")
    elif basis < 0:
        refuse(BAD_AMOUNT, "basis", f"“{_shown(basis_cell)}”为负数。工资总额不能为负。")
    elif basis != basis.quantize(CENT):
        refuse(BAD_AMOUNT, "basis", f"“{_shown(basis_cell)}”超过两位小数。金额应精确到分。")

    rate_cell = values[at["rate"]]
    rate = _rate(rate_cell, context.rates)
    if rate is None:
        rate = DEFAULT_RATE
    elif rate is False:
        refuse(BAD_RATE, "rate", f"“{_shown(rate_cell)}”无法识别。请填写如“2%”。")

    # The row's own period, or the statement's where the row leaves it out; a statement has a
    # handful of periods, each read once.
    start_cell, end_cell, period_cell = values[at["period_start"]], values[at["period_end"]], values[at["period"]]
    period_key = (start_cell, end_cell, period_cell)
    period = context.periods.get(period_key)
    if period is None:
        period, period_problems = _row_period(start_cell, end_cell, period_cell, context)
        if period_problems:
            problems.extend((reason, f"第 {row} 行：{message}") for reason, message in period_problems)
        elif len(context.periods) < 10_000:
            context.periods[period_key] = period
    start, end = period

    paid_on = None
    paid_on_cell = values[at["paid_on"]]
    found_on = dates.read(paid_on_cell)
    if found_on is False:
        refuse(BAD_DATE, "paid_on", f"“{_shown(paid_on_cell)}”不是日期。")
    elif found_on is not None:
        paid_on = found_on[0]

    ok = not problems
    due = percent_of(basis, rate) if isinstance(basis, Decimal) and isinstance(rate, Decimal) and ok else None
    return StatementRow(
        row=row,
        status="ok" if ok else "error",
        credit_code=credit_code,
        reason=problems[0][0] if problems else None,
        messages=[message for _reason, message in problems],
        reasons=[reason for reason, _message in problems],
        payer_name=_text(values[at["payer_name"]]),
        period_start=start,
        period_end=end,
        basis=basis.quantize(CENT) if ok else None,
        rate=rate if ok else None,
        due=due,
        paid=paid if ok else None,
        paid_on=paid_on,
        item=item,
        is_preparatory=PREPARATORY_MARK in item,
        is_refund=is_refund,
        authority=_text(values[at["authority"]]),
        notes=notes,
    )


# --- the reconciliation ------------------------------------------------------------------------------


def _verdict_status(due: Decimal, paid: Decimal) -> VerdictStatus:
    if paid == due:
        return "paid"
    return "partial" if paid < due else "over"


def reconcile(parsed: ParsedStatement, registered_codes: Iterable[str]) -> list[EnterpriseVerdict]:
    """Per enterprise for the statement's period: paid, partial, over; unknown where the code is
    not one of ``registered_codes`` (the normalised codes of the enterprises registered on the
    tax channel); unpaid for a registered code absent from the statement. Only ok rows count.

    The statement's payers come first, in the order they first appear; then the absent ones, in
    the order ``registered_codes`` gives them (sorted when it is a set).
    """
    if isinstance(registered_codes, set | frozenset):
        registered = sorted(registered_codes)
    else:
        registered = list(dict.fromkeys(registered_codes))
    known = set(registered)
    found: dict[str, EnterpriseVerdict] = {}
    for row in parsed.rows:
        if row.status != "ok":
            continue
        verdict = found.get(row.credit_code)
        if verdict is None:
            verdict = found[row.credit_code] = EnterpriseVerdict(
                credit_code=row.credit_code,
                status="unknown",
                due=Decimal("0.00"),
                paid=Decimal("0.00"),
                payer_name=row.payer_name,
            )
        verdict.due += row.due
        verdict.paid += row.paid
        verdict.rows.append(row.row)
        verdict.is_preparatory = verdict.is_preparatory or row.is_preparatory
    verdicts = list(found.values())
    for verdict in verdicts:
        if verdict.credit_code in known:
            verdict.status = _verdict_status(verdict.due, verdict.paid)
    verdicts.extend(
        EnterpriseVerdict(credit_code=code, status="unpaid", due=None, paid=Decimal("0.00"))
        for code in registered
        if code not in found
    )
    return verdicts


def sums_by_period(parsed: ParsedStatement) -> dict[tuple[str, dt.date, dt.date], dict[str, Any]]:
    """The ok rows summed per enterprise and period, as the ledger records them:
    (credit code, period start, period end) -> basis, due, paid, the rows, 筹备金 or not."""
    sums: dict[tuple[str, dt.date, dt.date], dict[str, Any]] = {}
    for row in parsed.rows:
        if row.status != "ok":
            continue
        key = (row.credit_code, row.period_start, row.period_end)
        entry = sums.get(key)
        if entry is None:
            entry = sums[key] = {
                "basis": Decimal("0.00"),
                "due": Decimal("0.00"),
                "paid": Decimal("0.00"),
                "rows": [],
                "is_preparatory": False,
            }
        entry["basis"] += row.basis
        entry["due"] += row.due
        entry["paid"] += row.paid
        entry["rows"].append(row.row)
        entry["is_preparatory"] = entry["is_preparatory"] or row.is_preparatory
    return sums


def statement_report_json(parsed: ParsedStatement, verdicts: list[EnterpriseVerdict]) -> dict:
    """The report of ``import_tax_statement --json``: every data row (title, header, blank and 合计
    rows left out) and every enterprise, money as strings with two decimals."""
    return {
        "rows": [
            {"row": row.row, "status": row.status, "credit_code": row.credit_code, "messages": list(row.messages)}
            for row in parsed.rows
        ],
        "enterprises": [
            {
                "credit_code": verdict.credit_code,
                "status": verdict.status,
                "due": None if verdict.due is None else money_text(verdict.due),
                "paid": money_text(verdict.paid),
            }
            for verdict in verdicts
        ],
    }


__all__ = [
    "BAD_AMOUNT",
    "BAD_CODE",
    "MISSING_CODE",
    "EnterpriseVerdict",
    "ParsedStatement",
    "StatementRow",
    "parse_statement",
    "period_kind",
    "reconcile",
    "statement_limits",
    "statement_report_json",
    "sums_by_period",
]
