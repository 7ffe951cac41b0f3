"""Parse a member roster (会员花名册) spreadsheet into checked rows, without touching the database.

Real rosters come from office Excel: title rows above the header, merged cells, blank rows,
a 合计 row at the bottom, ID numbers typed every which way. :func:`parse_roster` finds the header
by its Chinese column names, reads each member row, and reports per row what is wrong and how to
fix it (Simplified Chinese). It never raises on bad input: an unreadable file or a missing header
comes back as ``RosterParse.error``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal
from xml.parsers import expat

from django.core.exceptions import ValidationError
from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader, _find_workbook_part
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.xml.functions import iterparse  # defusedxml's, whenever openpyxl would use it

from apps.members.idnumbers import china_today, validate_id_number
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
    "notes": ("备注",),
}
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
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0"

_READ_ERROR = "无法读取文件：请上传 Excel 的 .xlsx 格式文件（在 Excel 中“另存为”→“Excel 工作簿 (*.xlsx)”）。"
_OLE2_ERROR = (
    "这是旧版 Excel（.xls）文件或设置了打开密码的文件，无法读取。"
    "请在 Excel 中取消密码并“另存为”→“Excel 工作簿 (*.xlsx)”后重新上传。"
)


@dataclass
class RowResult:
    """One member row. ``messages`` lists errors first, then warnings; ``data`` is the cleaned values."""

    row: int
    status: Status
    messages: list[str]
    data: dict[str, Any]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


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


Source = str | Path | bytes | IO[bytes]


def parse_roster(source: Source, *, today: dt.date | None = None, limits: RosterLimits | None = None) -> RosterParse:
    """Parse a roster from a path, the file's bytes, or a binary file object (e.g. an upload).

    A file beyond ``limits`` (the settings' by default) comes back as an error before any sheet
    is read.
    """
    book, error = _open_workbook(source, limits or RosterLimits.from_settings())
    if book is None:
        return RosterParse(error=error)
    try:
        return _parse_workbook(book, today or china_today())
    except _UNREADABLE:  # a sheet's XML is damaged: only found when its cells are read
        return RosterParse(error=_READ_ERROR)
    finally:
        book.close()


# --- limits: what a roster file may be, checked before anything is built per cell ----------------


@dataclass(frozen=True)
class RosterLimits:
    """The largest roster the portal reads; a bigger file is refused with a Chinese message.

    Checked on the file as a zip (its central directory: sizes, ratio, entries) and then by one
    streamed pass over each worksheet's XML (its ``<dimension>``, rows, cells and merged ranges),
    before any sheet is read: a merged range or a dimension is never expanded cell by cell.
    """

    file_bytes: int = 10 * 1024 * 1024
    uncompressed_bytes: int = 100 * 1024 * 1024
    part_bytes: int = 64 * 1024 * 1024
    # A part that large must not have been squeezed harder than this (zip bombs reach 1000:1;
    # a real roster sheet is about 10:1).
    compression_ratio: int = 100
    ratio_from_bytes: int = 1024 * 1024
    # Parts the reader parses whole ([Content_Types].xml, the workbook, styles, relations): a big
    # office file's styles.xml is a few hundred KB. Sheets and shared strings are streamed.
    whole_part_bytes: int = 8 * 1024 * 1024
    entries: int = 500
    rows: int = 50_000
    columns: int = 64
    merges: int = 10_000

    @classmethod
    def from_settings(cls) -> RosterLimits:
        from django.conf import settings

        return cls(
            file_bytes=settings.ROSTER_MAX_UPLOAD_BYTES,
            uncompressed_bytes=settings.ROSTER_MAX_UNCOMPRESSED_BYTES,
            part_bytes=settings.ROSTER_MAX_PART_BYTES,
            rows=settings.ROSTER_MAX_ROWS,
            columns=settings.ROSTER_MAX_COLUMNS,
        )


class RosterTooLarge(Exception):
    """A file beyond :class:`RosterLimits`; the message says so in Chinese and what to do."""


_SPLIT = "请删除多余的工作表、图片和空行，或按工会拆分后分批导入。"
_RESAVE = "请在 Excel 中打开后“另存为”新的 .xlsx 文件，再重新上传。"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def _check_zip(archive: zipfile.ZipFile, limits: RosterLimits) -> None:
    """Sizes as the zip's directory states them; zipfile never inflates a part past its stated size."""
    members = archive.infolist()
    if len(members) > limits.entries:
        raise RosterTooLarge(
            f"文件内含 {len(members)} 个部件，超过上限 {limits.entries} 个，不像是会员花名册。{_RESAVE}"
        )
    total = sum(member.file_size for member in members)
    if total > limits.uncompressed_bytes:
        raise RosterTooLarge(
            f"文件解压后有 {_megabytes(total)}，超过上限 {_megabytes(limits.uncompressed_bytes)}。{_SPLIT}"
        )
    for member in members:
        parsed_whole = member.filename.lower().endswith((".xml", ".rels")) and not _STREAMED_PART.match(member.filename)
        if (
            member.file_size > limits.part_bytes
            or (parsed_whole and member.file_size > limits.whole_part_bytes)
            or (
                member.file_size > limits.ratio_from_bytes
                and member.file_size > limits.compression_ratio * max(member.compress_size, 1)
            )
        ):
            raise _part_too_large(member.file_size)


def _part_too_large(size: int) -> RosterTooLarge:
    return RosterTooLarge(f"文件中有一部分解压后异常庞大（{_megabytes(size)}），无法安全读取。{_RESAVE}")


# The parts read as a stream (see _Book.sheet and _Book.read_strings), where they normally are.
_STREAMED_PART = re.compile(r"^xl/(worksheets/[^/]+\.xml|sharedStrings\.xml)$", re.IGNORECASE)


def _row_limit_message(title: str, where: str, last_row: int, limits: RosterLimits) -> str:
    return (
        f"工作表“{title}”{where}到第 {last_row:,} 行，超过每次导入的上限 {limits.rows:,} 行。"
        "请删除表格下方多余的行（包括合并的单元格），或按工会拆分后分批导入。"
    )


def _column_limit_message(title: str, where: str, last_column: int, limits: RosterLimits) -> str:
    return (
        f"工作表“{title}”{where}到第 {last_column:,} 列（{get_column_letter(min(last_column, 18278))} 列），"
        f"超过上限 {limits.columns} 列。请删除右侧多余的列（包括合并的单元格）后重新上传。"
    )


def _range_edges(ref: str) -> tuple[int, int, int, int] | None:
    """(min_col, min_row, max_col, max_row) of "A1:N200" / "A1"; None when it is no range at all."""
    try:
        bounds = range_boundaries(ref.upper())
    except (TypeError, ValueError):
        return None
    if None in bounds:  # whole rows or columns ("A:A", "1:1") mean the sheet's full size
        min_col, min_row, max_col, max_row = bounds
        return (min_col or 1, min_row or 1, max_col or 16_384, max_row or 1_048_576)
    return bounds


class _SheetScan:
    """One streamed pass over a worksheet's XML: expat events, nothing kept per cell.

    Refuses (raises :class:`RosterTooLarge`) as soon as a row, a cell, the ``<dimension>`` or a
    merged range goes past the limits, so a huge sheet is never read to its end.
    """

    def __init__(self, title: str, limits: RosterLimits):
        self.title, self.limits = title, limits
        self.rows = 0
        self.last_row = 0
        self.last_column = 0
        self.column = 0
        self.merges: list[tuple[int, int, int, int]] = []

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = name.rpartition(":")[2]  # "row", or "x:row" where a file names the namespace so
        if tag == "c":
            coordinate = attrs.get("r")
            self.column = _column_of(coordinate) if coordinate else self.column + 1
            if self.column > self.limits.columns:
                raise RosterTooLarge(_column_limit_message(self.title, "的数据", self.column, self.limits))
            self.last_column = max(self.last_column, self.column)
        elif tag == "row":
            self.rows += 1
            self.column = 0
            self.last_row = _row_number(attrs.get("r"), self.last_row)
            if self.last_row > self.limits.rows or self.rows > self.limits.rows:
                raise RosterTooLarge(_row_limit_message(self.title, "的数据", self.last_row, self.limits))
        elif tag in ("dimension", "mergeCell"):
            edges = _range_edges(attrs.get("ref") or "")
            if edges is None:
                return
            where = "的范围" if tag == "dimension" else "的合并单元格"
            _min_col, _min_row, max_col, max_row = edges
            if max_row > self.limits.rows:
                raise RosterTooLarge(_row_limit_message(self.title, where, max_row, self.limits))
            if max_col > self.limits.columns:
                raise RosterTooLarge(_column_limit_message(self.title, where, max_col, self.limits))
            if tag == "mergeCell":
                self.merges.append(edges)
                if len(self.merges) > self.limits.merges:
                    raise RosterTooLarge(
                        f"工作表“{self.title}”的合并单元格超过 {self.limits.merges:,} 处。"
                        "请取消数据区域的合并单元格后重新上传。"
                    )

    def finish(self) -> None:
        # Merged ranges, cut to the cells the sheet holds, cover it at most once: Excel never
        # overlaps them, and only a crafted file would make the reader repeat work that way.
        area = 0
        for min_col, min_row, max_col, max_row in self.merges:
            rows = min(max_row, self.last_row) - min_row + 1
            columns = min(max_col, self.last_column) - min_col + 1
            if rows > 0 and columns > 0:
                area += rows * columns
        if area > max(self.last_row * self.last_column, 1):
            raise RosterTooLarge(f"工作表“{self.title}”的合并单元格相互重叠，无法读取。{_RESAVE}")


def _scan_sheet(archive: zipfile.ZipFile, part: str, title: str, limits: RosterLimits) -> None:
    scan = _SheetScan(title, limits)
    # Without namespace processing (a third faster): only local names matter here, and a file
    # that puts them in another namespace is only judged more strictly.
    parser = expat.ParserCreate()
    parser.StartElementHandler = scan.start
    with archive.open(part) as src:
        while chunk := src.read(1 << 16):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)
    scan.finish()


# --- opening the file -----------------------------------------------------------------------------

# Damaged or foreign zip members make openpyxl and the XML parser raise a zoo of exception types.
_UNREADABLE = Exception
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _VALUE, _INLINE = f"{_NS}row", f"{_NS}c", f"{_NS}v", f"{_NS}is"
_TEXT, _RUN, _MERGE_CELL = f"{_NS}t", f"{_NS}r", f"{_NS}mergeCell"
_COORDINATE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


def roster_file_problem(source: Source, *, limits: RosterLimits | None = None) -> str | None:
    """Why this file cannot be read as a roster (Chinese), or None; only the limits and the
    package are checked (one streamed pass per sheet, nothing kept per cell), no row is read."""
    book, error = _open_workbook(source, limits or RosterLimits.from_settings(), strings=False)
    if book is not None:
        book.close()
    return error


def _open_workbook(
    source: Source, limits: RosterLimits | None = None, *, strings: bool = True
) -> tuple[_Book | None, str | None]:
    try:
        if isinstance(source, bytes):
            data = source
        elif isinstance(source, str | Path):
            data = Path(source).read_bytes()
        else:
            if source.seekable():  # an upload may already have been read, e.g. by a size check
                source.seek(0)
            data = source.read()
    except OSError:
        return None, _READ_ERROR
    limits = limits or RosterLimits.from_settings()
    if data.startswith(_OLE2_MAGIC):
        return None, _OLE2_ERROR
    if len(data) > limits.file_bytes:
        return None, f"文件超过上限 {_megabytes(limits.file_bytes)}。请按工会拆分后分批导入。"
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return None, _READ_ERROR
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_zip(archive, limits)
        book = _Book(io.BytesIO(data), strings=strings, whole_part_bytes=limits.whole_part_bytes)
    except RosterTooLarge as exc:
        return None, str(exc)
    except _UNREADABLE:
        return None, _READ_ERROR
    try:
        for title, part in book.sheet_parts:
            if part is not None:
                _scan_sheet(book.archive, part, title, limits)
    except RosterTooLarge as exc:
        book.close()
        return None, str(exc)
    except _UNREADABLE:
        book.close()
        return None, _READ_ERROR
    return book, None


class _Book(ExcelReader):
    """openpyxl's package reader, used for what a roster needs: sheet order, names and the active
    sheet, shared strings, the date epoch and which styles are dates.

    Cells are not turned into openpyxl cell objects: for a 10,000-row roster that alone took about
    2 seconds of a 3-second check. :meth:`sheet` reads one sheet's values in a single pass, with
    the same results as ``load_workbook(data_only=True)`` (a test compares the two).
    """

    def __init__(self, file: IO[bytes], *, strings: bool = True, whole_part_bytes: int | None = None):
        super().__init__(file, read_only=True, data_only=True, keep_links=False)
        self.shared_strings = []
        try:
            self.read_manifest()
            if whole_part_bytes is not None:
                # The workbook part is parsed whole wherever the manifest puts it.
                size = self.archive.getinfo(_find_workbook_part(self.package).PartName[1:]).file_size
                if size > whole_part_bytes:
                    raise _part_too_large(size)
            if strings:  # the limits check needs no cell text
                self.read_strings()
            self.read_workbook()
            apply_stylesheet(self.archive, self.wb)
            # (title, part name); chart sheets keep their place in the order (it decides which
            # sheet is active) but have no cells, so no part name.
            self.sheet_parts: list[tuple[str, str | None]] = [
                (sheet.name, None if "chartsheet" in rel.Type else rel.target)
                for sheet, rel in self.parser.find_sheets()
                if rel.target in self.valid_files
            ]
        except BaseException:
            self.archive.close()
            raise

    def read_strings(self):
        # openpyxl builds a rich-text object per shared string only to flatten it again; a roster
        # has one per ID number and mobile. Same text out: plain part, then the runs, no phonetics.
        self.shared_strings = []
        part = self.package.find(SHARED_STRINGS)
        if part is None:
            return
        with self.archive.open(part.PartName[1:]) as src:
            for _event, node in iterparse(src):
                if node.tag == f"{_NS}si":
                    self.shared_strings.append(_plain_text(node).replace("x005F_", ""))
                    node.clear()

    def sheet_order(self) -> list[tuple[str, str | None]]:
        """The active sheet first: that is the one the sender was looking at."""
        index = self.wb._active_sheet_index
        if not 0 <= index < len(self.sheet_parts):
            return list(self.sheet_parts)
        return [self.sheet_parts[index], *(p for i, p in enumerate(self.sheet_parts) if i != index)]

    def sheet(self, title: str, part: str) -> _Sheet:
        sheet = _Sheet(title=title)
        date_styles, timedelta_styles = self.wb._date_formats, self.wb._timedelta_formats
        strings, epoch = self.shared_strings, self.wb.epoch
        row_number = 0
        with self.archive.open(part) as src:
            for _event, node in iterparse(src):
                tag = node.tag
                if tag == _ROW:
                    row_number = _row_number(node.get("r"), row_number)
                    values: list[object] = []
                    column = 0
                    for cell in node:
                        if cell.tag != _CELL:
                            continue
                        coordinate = cell.get("r")
                        column = _column_of(coordinate) if coordinate else column + 1
                        if column > len(values):
                            values.extend([None] * (column - len(values)))
                        values[column - 1] = _cell_value(cell, strings, epoch, date_styles, timedelta_styles)
                    if values:
                        sheet.rows[row_number] = values
                        sheet.max_row = max(sheet.max_row, row_number)
                        sheet.max_column = max(sheet.max_column, len(values))
                    node.clear()
                elif tag == _MERGE_CELL:
                    ref = node.get("ref") or ""
                    if ":" in ref:  # a one-cell "merge" merges nothing
                        sheet.merges.append(range_boundaries(ref))
        sheet.finish_merges()
        return sheet

    def close(self):
        self.archive.close()


def _row_number(text: str | None, previous: int) -> int:
    if text is None:
        return previous + 1
    number = float(text)  # openpyxl accepts "5.0" too
    if not number.is_integer():
        raise ValueError(f"{text} is not a valid row number")
    return int(number)


def _column_of(coordinate: str) -> int:
    # Every cell has its own coordinate, but a sheet has only a few dozen column letters.
    letters = coordinate.rstrip(_DIGITS)
    column = _COLUMNS.get(letters)
    if column is None:
        match = _COORDINATE.match(coordinate.upper())
        if match is None:
            raise ValueError(f"invalid cell coordinate {coordinate!r}")
        column = _COLUMNS[letters] = column_index_from_string(match.group(1))
    return column


_DIGITS = "0123456789"
_COLUMNS: dict[str, int] = {}


def _cell_value(cell, strings, epoch, date_styles, timedelta_styles) -> object:
    """A cell's value as openpyxl gives it with data_only=True (cached results, not formulas)."""
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(_INLINE)
        return None if inline is None else _plain_text(inline)
    text = cell.findtext(_VALUE) or None
    if text is None:
        return None
    if kind == "n":
        value = float(text) if "." in text or "E" in text or "e" in text else int(text)
        style = int(cell.get("s") or 0)
        if style in date_styles:
            try:
                return from_excel(value, epoch, timedelta=style in timedelta_styles)
            except (OverflowError, ValueError):
                return "#VALUE!"  # openpyxl's stand-in for a date serial out of range
        return value
    if kind == "s":
        return strings[int(text)]
    if kind == "b":
        return bool(int(text))
    if kind == "d":
        return from_ISO8601(text)
    return text  # "str" (a formula's text result) and "e" (#N/A and the like)


def _plain_text(node) -> str:
    """A rich-text element (<si> or <is>) flattened the way openpyxl's Text.content does it."""
    plain, runs = None, []
    for child in node:
        if child.tag == _TEXT:
            plain = child.text
        elif child.tag == _RUN:
            text = None
            for part in child:
                if part.tag == _TEXT:
                    text = part.text
            if text is not None:
                runs.append(text)
    return (plain or "") + "".join(runs)


@dataclass
class _Sheet:
    """One worksheet's cell values: ``rows`` maps a row number to its values from column A on."""

    title: str
    rows: dict[int, list[object]] = field(default_factory=dict)
    max_row: int = 0
    max_column: int = 0
    # (min_col, min_row, max_col, max_row) of each merged range
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)

    def finish_merges(self):
        # Only its top-left cell keeps a value (Excel drops the others when merging; a stale one
        # must not count). Each merge is cut to the cells the sheet holds first: a range reaching
        # to XFD1048576 costs what the cells under it cost, never one step per cell it names.
        self.merges = [
            (min_col, min_row, min(max_col, self.max_column), min(max_row, self.max_row))
            for min_col, min_row, max_col, max_row in self.merges
            if min_row <= self.max_row and min_col <= self.max_column
        ]
        for row, merges in _merge_sweep(self.merges, sorted(self.rows)):
            values = self.rows[row]
            for min_col, min_row, max_col, _max_row in merges:
                for column in range(min_col, min(max_col, len(values)) + 1):
                    if (row, column) != (min_row, min_col):
                        values[column - 1] = None

    def value(self, row: int, column: int) -> object:
        values = self.rows.get(row, ())
        return values[column - 1] if column <= len(values) else None

    def row_values(self, row: int) -> list[object]:
        """All columns up to the sheet's last one, blanks as None."""
        values = self.rows.get(row, [])
        return values + [None] * (self.max_column - len(values))


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


def _find_header(sheet: _Sheet) -> tuple[_Header | None, dict[str, tuple[int, str]]]:
    """The first row naming both required columns, and the best near-miss for the error message."""
    best: dict[str, tuple[int, str]] = {}
    for row in range(1, HEADER_SEARCH_ROWS + 1):
        found = _header_fields(sheet.row_values(row))
        if all(name in found for name in REQUIRED_FIELDS):
            return _complete_header(sheet, row, found), found
        if len(found) > len(best):
            best = found
    return None, best


def _complete_header(sheet: _Sheet, row: int, columns: dict[str, tuple[int, str]]) -> _Header:
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


def _parse_workbook(book: _Book, today: dt.date) -> RosterParse:
    best: dict[str, tuple[int, str]] = {}
    for title, part in book.sheet_order():
        if part is None:  # chart sheets have no cells
            continue
        sheet = book.sheet(title, part)
        header, near_miss = _find_header(sheet)
        if header is not None:
            return _parse_sheet(sheet, header, book.wb.epoch, today)
        if len(near_miss) > len(best):
            best = near_miss
    return RosterParse(error=_missing_header_message(best))


def _merge_sweep(merges: list[tuple[int, int, int, int]], rows: list[int]):
    """(row, the merges covering it) for each of ``rows`` (ascending): one sweep down the sheet,
    so a merge costs the rows in the file it covers, whatever range it names."""
    pending = sorted(merges, key=lambda merge: merge[1], reverse=True)
    active: list[tuple[int, int, int, int]] = []
    for row in rows:
        while pending and pending[-1][1] <= row:
            active.append(pending.pop())
        if active:
            active = [merge for merge in active if merge[3] >= row]
        yield row, active


def _fill_merges(sheet: _Sheet, values: list[object], merges, tops) -> list[object]:
    """A row's values with the merges covering it filled in from their top-left cells.

    Only the top-left cell of a merge holds a value; a 所在工会 cell merged down over twenty
    members means that union for all twenty.
    """
    values = values + [None] * (sheet.max_column - len(values))
    for min_col, min_row, max_col, _max_row in merges:
        value = tops[(min_row, min_col)]
        for column in range(min_col, min(max_col, len(values)) + 1):
            values[column - 1] = value
    return values


def _parse_sheet(sheet: _Sheet, header: _Header, epoch: dt.datetime, today: dt.date) -> RosterParse:
    result = RosterParse(
        header_row=header.row,
        sheet_name=sheet.title,
        columns={name: column for name, (column, _label) in header.columns.items()},
    )
    # The top-left values first: each row's cells are dropped once the row is checked, so the
    # sheet and the checked rows are not both held whole.
    tops = {(min_row, min_col): sheet.value(min_row, min_col) for min_col, min_row, _c, _r in sheet.merges}
    seq_column = header.columns.get("seq", (0, ""))[0]
    labels = {name: label for name, (_column, label) in header.columns.items()}
    first_seen: dict[str, int] = {}  # ID number -> first row carrying it
    # Rows with no cell in the file at all are blank: only the file's rows are visited.
    rows = sorted(r for r in sheet.rows if r >= header.data_start)
    for row, merges in _merge_sweep(sheet.merges, rows):
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

    data: dict[str, Any] = {
        "real_name": real_name,
        "id_number": id_check.number if id_check.well_formed else "",
        "sex": id_check.sex or "",
        "birth_date": id_check.birth_date,
        "ethnicity": _text(record.get("ethnicity")),
        "education": _text(record.get("education")),
        "political_status": _text(record.get("political_status")),
        "mobile": mobile,
        "employment_form": employment_form,
        "join_date": join_date,
        "card_number": _text(record.get("card_number")),
        "union_name": _text(record.get("union_name")),
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
    problems = row_problems(data, label=label, columns=labels, skip=failed)
    errors[:0] = [problems.pop("real_name")] if "real_name" in problems else []
    errors.extend(problems.values())

    status: Status = "error" if errors else "warning" if warnings else "valid"
    return RowResult(row=row, status=status, messages=errors + warnings, data=data, errors=errors, warnings=warnings)


def _check_sex(value: object, from_id: str, label: str) -> list[str]:
    text = _compact(value)
    if not text:
        return []
    written = _SEX_WORDS.get(text)
    id_label = _SEX_LABELS[from_id]
    if written is None:
        return [f"{label}：无法识别“{text}”，应填“男”或“女”；已按身份证号码登记为{id_label}。"]
    if written != from_id:
        return [f"{label}：填写为“{text}”，但身份证号码显示为{id_label}性，请核对；导入时以身份证号码为准。"]
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
            return None, f"{label}：无法识别“{_text(value)}”，{how}"
        try:
            date = dt.date(*parts)
        except ValueError:
            return None, f"{label}：“{_text(value)}”不是有效日期，{how}"
    # The plausible range is the model field's validator (row_problems); "not before birth" is the
    # model's members_member_joined_after_birth constraint.
    if birth and date < birth:
        return None, f"{label}：{date:%Y-%m-%d} 早于出生日期，请核对后重新填写。"
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
    return "", f"{label}：无法识别“{text}”，请填写以下之一：{accepted}。"


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

    Required-ness (``blank``), lengths, choices and validators (plausible dates, the mobile rule)
    are the model fields' own: the dry run reports exactly what the write would refuse, and the
    write runs this again before it inserts anything. ``label(name)`` names a column as the
    file spells it; ``columns`` are those the file has (a required one it lacks is said so);
    ``skip`` fields already reported by the parse.
    """
    label = label or (lambda name: HEADER_SYNONYMS[name][0])
    skip = set(skip)
    problems: dict[str, str] = {}
    for name in ROW_FIELDS:
        if name in skip:
            continue
        field = Member._meta.get_field(name)
        value = data.get(name)
        if name in ISSUED_IF_BLANK and value in field.empty_values:
            continue
        column = "id_number" if name in FROM_ID_NUMBER else name
        try:
            field.clean(value, None)
        except ValidationError as exc:
            problems[name] = _problem(field, exc, label(column), column, columns)
    return problems


def _problem(field, exc: ValidationError, label: str, column: str, columns) -> str:
    code = exc.error_list[0].code
    if code in ("blank", "null"):
        hint = _BLANK_HINTS.get(column, "请补充。")
        if columns is not None and column not in columns:
            return f"{label}：未填写（花名册中没有“{label}”这一列），请添加该列；{hint}"
        return f"{label}：未填写，{hint}"
    if code == "max_length":
        return f"{label}：内容过长（最多 {field.max_length} 个字），请精简后重新导入。"
    if code == "invalid_choice":
        return f"{label}：无法识别，请核对后重新填写。"
    return f"{label}：{'；'.join(exc.messages)}"
