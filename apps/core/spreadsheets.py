"""Reading an uploaded spreadsheet (.xlsx or the old .xls) safely, for the imports.

The cells are read by python-calamine (a maintained reader in Rust, for .xlsx and .xls alike).
Before it reads anything, a file is held to :class:`SheetLimits`: its size; for an .xlsx (a zip)
the zip's directory (sizes, ratio, entries) and one streamed pass over each worksheet's XML (its
``<dimension>``, rows, cells and merged ranges), so a zip bomb or a merge over a million rows is
refused in milliseconds without being inflated or expanded; an .xls (an OLE2 file, at most
``file_bytes`` big) has the records of the stream the reader will read walked once (each
sheet's dimensions, every cell's row and column, the merged ranges), and is held to the same
limits again once it is read.

:func:`open_workbook` gives a :class:`Workbook` of :class:`Sheet` values, or a Chinese message.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from xml.parsers import expat

from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries

Source = str | Path | bytes | IO[bytes]

XLSX_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (and any other OLE2 compound file)

READ_ERROR = "无法读取文件：请上传 Excel 文件（.xlsx 或 .xls；在 Excel 中“另存为”→“Excel 工作簿 (*.xlsx)”后重新上传）。"
ENCRYPTED_ERROR = "文件设置了打开密码，无法读取。请在 Excel 中取消密码后“另存为”→“Excel 工作簿 (*.xlsx)”，再重新上传。"
_SPLIT = "请删除多余的工作表、图片和空行，或按工会拆分后分批导入。"
_RESAVE = "请在 Excel 中打开后“另存为”新的 .xlsx 文件，再重新上传。"


def spreadsheet_kind(content: bytes) -> str | None:
    """ "xlsx" or "xls" by the file's first bytes (never by its name), else None."""
    if content.startswith(XLSX_MAGIC):
        return "xlsx"
    if content.startswith(OLE2_MAGIC):
        return "xls"
    return None


@dataclass(frozen=True)
class SheetLimits:
    """The largest spreadsheet an import reads; a bigger file is refused with a Chinese message."""

    file_bytes: int = 10 * 1024 * 1024
    uncompressed_bytes: int = 100 * 1024 * 1024
    part_bytes: int = 64 * 1024 * 1024
    # A part that large must not have been squeezed harder than this (zip bombs reach 1000:1;
    # a real roster sheet is about 10:1).
    compression_ratio: int = 100
    ratio_from_bytes: int = 1024 * 1024
    # Parts read whole ([Content_Types].xml, the workbook, styles, relations): a big office
    # file's styles.xml is a few hundred KB. Sheets and shared strings are streamed.
    whole_part_bytes: int = 8 * 1024 * 1024
    entries: int = 500
    rows: int = 50_000
    columns: int = 64
    merges: int = 10_000

    @classmethod
    def from_settings(cls) -> SheetLimits:
        """The portal's limits for every import (settings ``ROSTER_MAX_*``, named after the first)."""
        from django.conf import settings

        return cls(
            file_bytes=settings.ROSTER_MAX_UPLOAD_BYTES,
            uncompressed_bytes=settings.ROSTER_MAX_UNCOMPRESSED_BYTES,
            part_bytes=settings.ROSTER_MAX_PART_BYTES,
            rows=settings.ROSTER_MAX_ROWS,
            columns=settings.ROSTER_MAX_COLUMNS,
        )


class SpreadsheetTooLarge(Exception):
    """A file beyond :class:`SheetLimits`; the message says so in Chinese and what to do."""


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


# --- the limits ------------------------------------------------------------------------------------

# The parts streamed (the scan below), where they normally are; any other XML part is read whole.
_STREAMED_PART = re.compile(r"^xl/(worksheets/[^/]+\.xml|sharedStrings\.xml)$", re.IGNORECASE)
_WORKSHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)


def _check_zip(archive: zipfile.ZipFile, limits: SheetLimits) -> None:
    """Sizes as the zip's directory states them; zipfile never inflates a part past its stated size."""
    members = archive.infolist()
    if len(members) > limits.entries:
        raise SpreadsheetTooLarge(
            f"文件内含 {len(members)} 个部件，超过上限 {limits.entries} 个，不像是 Excel 表格。{_RESAVE}"
        )
    total = sum(member.file_size for member in members)
    if total > limits.uncompressed_bytes:
        raise SpreadsheetTooLarge(
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


def _part_too_large(size: int) -> SpreadsheetTooLarge:
    return SpreadsheetTooLarge(f"文件中有一部分解压后异常庞大（{_megabytes(size)}），无法安全读取。{_RESAVE}")


def _row_limit_message(title: str, where: str, last_row: int, limits: SheetLimits) -> str:
    return (
        f"工作表“{title}”{where}到第 {last_row:,} 行，超过每次导入的上限 {limits.rows:,} 行。"
        "请删除表格下方多余的行（包括合并的单元格），或按工会拆分后分批导入。"
    )


def _column_limit_message(title: str, where: str, last_column: int, limits: SheetLimits) -> str:
    return (
        f"工作表“{title}”{where}到第 {last_column:,} 列（{get_column_letter(min(last_column, 18278))} 列），"
        f"超过上限 {limits.columns} 列。请删除右侧多余的列（包括合并的单元格）后重新上传。"
    )


def _too_many_merges(title: str, limits: SheetLimits) -> SpreadsheetTooLarge:
    return SpreadsheetTooLarge(
        f"工作表“{title}”的合并单元格超过 {limits.merges:,} 处。请取消数据区域的合并单元格后重新上传。"
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


def _merges_overlap(merges, last_row: int, last_column: int) -> bool:
    # Merged ranges, cut to the cells the sheet holds, cover it at most once: Excel never
    # overlaps them, and only a crafted file would make the reader repeat work that way.
    area = 0
    for min_col, min_row, max_col, max_row in merges:
        rows = min(max_row, last_row) - min_row + 1
        columns = min(max_col, last_column) - min_col + 1
        if rows > 0 and columns > 0:
            area += rows * columns
    return area > max(last_row * last_column, 1)


class _SheetScan:
    """One streamed pass over a worksheet's XML: expat events, nothing kept per cell.

    Refuses (raises :class:`SpreadsheetTooLarge`) as soon as a row, a cell, the ``<dimension>``
    or a merged range goes past the limits, so a huge sheet is never read to its end.
    """

    def __init__(self, title: str, limits: SheetLimits):
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
                raise SpreadsheetTooLarge(_column_limit_message(self.title, "的数据", self.column, self.limits))
            self.last_column = max(self.last_column, self.column)
            # The reader places a cell by its own coordinate, whatever row it is written in.
            row = _cell_row_of(coordinate) if coordinate else self.last_row
            if row > self.limits.rows:
                raise SpreadsheetTooLarge(_row_limit_message(self.title, "的数据", row, self.limits))
            self.last_row = max(self.last_row, row)
        elif tag == "row":
            self.rows += 1
            self.column = 0
            self.last_row = _row_number(attrs.get("r"), self.last_row)
            if self.last_row > self.limits.rows or self.rows > self.limits.rows:
                raise SpreadsheetTooLarge(_row_limit_message(self.title, "的数据", self.last_row, self.limits))
        elif tag in ("dimension", "mergeCell"):
            edges = _range_edges(attrs.get("ref") or "")
            if edges is None:
                return
            where = "的范围" if tag == "dimension" else "的合并单元格"
            _min_col, _min_row, max_col, max_row = edges
            if max_row > self.limits.rows:
                raise SpreadsheetTooLarge(_row_limit_message(self.title, where, max_row, self.limits))
            if max_col > self.limits.columns:
                raise SpreadsheetTooLarge(_column_limit_message(self.title, where, max_col, self.limits))
            if tag == "mergeCell":
                self.merges.append(edges)
                if len(self.merges) > self.limits.merges:
                    raise _too_many_merges(self.title, self.limits)

    def finish(self) -> None:
        if _merges_overlap(self.merges, self.last_row, self.last_column):
            raise SpreadsheetTooLarge(f"工作表“{self.title}”的合并单元格相互重叠，无法读取。{_RESAVE}")


# A sheet part up to this size is scanned with a few regular-expression passes over its bytes
# (C speed: a 10,000-row roster's 3 MB in about 30 ms instead of 300 ms of expat callbacks); a
# bigger one, or one the patterns do not account for exactly, is streamed through expat.
_FAST_SCAN_BYTES = 8 * 1024 * 1024
_PREFIX = rb"(?:[^\s<>/:!?]+:)?"  # "x:" where a file names the namespace so
# The counting patterns capture an empty group: findall then lists the one shared b"", not a new
# bytes object per match.
_ANY_CELL = re.compile(rb"<" + _PREFIX + rb"c\b()")
# A cell's own coordinate, column letters and row digits: the reader places the cell by it.
_CELL_COLUMN = re.compile(rb"<" + _PREFIX + rb'c\b[^>]*?\sr="\$?([A-Za-z]+)\$?(\d+)"')
_ANY_ROW = re.compile(rb"<" + _PREFIX + rb"row\b()")
_ROW_NUMBER = re.compile(rb"<" + _PREFIX + rb'row\b[^>]*?\sr="([^"]*)"')
_ANY_RANGE = re.compile(rb"<" + _PREFIX + rb"(?:dimension|mergeCell)\b()")
_RANGE_REF = re.compile(rb"<" + _PREFIX + rb'(dimension|mergeCell)\b[^>]*?\sref="([^"]*)"')


def _fast_scan(data: bytes, title: str, limits: SheetLimits) -> bool:
    """The streamed scan's verdict from the bytes at once; False when the patterns do not find
    exactly what an XML parser would (a cell or row without its coordinate, an attribute in
    single quotes, a ">" inside a value...): then the caller streams the part through expat."""
    # One list at a time, each reduced at once: the part and one list are all it holds.
    cells = len(_ANY_CELL.findall(data))
    found = _CELL_COLUMN.findall(data)
    if len(found) != cells:
        return False
    letters = {letter for letter, _digits in found}
    last_cell_row = max((int(digits) for digits in {digits for _letter, digits in found}), default=0)
    del found
    numbers = _ROW_NUMBER.findall(data)
    ranges = _RANGE_REF.findall(data)
    if len(numbers) != len(_ANY_ROW.findall(data)) or len(ranges) != len(_ANY_RANGE.findall(data)):
        return False
    for tag, ref in ranges:  # the <dimension> comes before the data, as a parser meets it
        if tag == b"dimension":
            _check_range(ref.decode("ascii", "replace"), "的范围", title, limits)
    last_row = 0
    for text in numbers:
        last_row = max(last_row, _row_number(text.decode("ascii", "replace"), last_row))
    last_row = max(last_row, last_cell_row)
    if last_row > limits.rows or len(numbers) > limits.rows:
        raise SpreadsheetTooLarge(_row_limit_message(title, "的数据", max(last_row, len(numbers)), limits))
    last_column = max((_column_of(f"{letter.decode().upper()}1") for letter in set(letters)), default=0)
    if last_column > limits.columns:
        raise SpreadsheetTooLarge(_column_limit_message(title, "的数据", last_column, limits))
    merges = []
    for tag, ref in ranges:
        if tag == b"mergeCell":
            edges = _check_range(ref.decode("ascii", "replace"), "的合并单元格", title, limits)
            if edges is not None:
                merges.append(edges)
                if len(merges) > limits.merges:
                    raise _too_many_merges(title, limits)
    if _merges_overlap(merges, last_row, last_column):
        raise SpreadsheetTooLarge(f"工作表“{title}”的合并单元格相互重叠，无法读取。{_RESAVE}")
    return True


def _check_range(ref: str, where: str, title: str, limits: SheetLimits):
    edges = _range_edges(ref)
    if edges is None:
        return None
    _min_col, _min_row, max_col, max_row = edges
    if max_row > limits.rows:
        raise SpreadsheetTooLarge(_row_limit_message(title, where, max_row, limits))
    if max_col > limits.columns:
        raise SpreadsheetTooLarge(_column_limit_message(title, where, max_col, limits))
    return edges


def _scan_sheet(archive: zipfile.ZipFile, part: str, title: str, limits: SheetLimits) -> None:
    stated = archive.getinfo(part).file_size
    if stated <= _FAST_SCAN_BYTES:
        with archive.open(part) as src:  # never more than the zip's directory says
            data = src.read(stated + 1)
        if len(data) > stated:
            raise ValueError(f"{part} unpacks to more than its stated size")
        if _fast_scan(data, title, limits):
            return
        del data
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


def _row_number(text: str | None, previous: int) -> int:
    if text is None:
        return previous + 1
    number = float(text)  # Excel and openpyxl accept "5.0" too
    if not number.is_integer():
        raise ValueError(f"{text} is not a valid row number")
    return int(number)


_COORDINATE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


def _cell_row_of(coordinate: str) -> int:
    """The row number of a cell's own coordinate ("BL1048576" -> 1048576)."""
    match = _COORDINATE.match(coordinate.upper())
    if match is None:
        raise ValueError(f"invalid cell coordinate {coordinate!r}")
    return int(match.group(2))


_DIGITS = "0123456789"
_COLUMNS: dict[str, int] = {}


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


# --- the workbook ------------------------------------------------------------------------------------


@dataclass
class Sheet:
    """One worksheet's cell values: ``rows`` maps a 1-based row number to its values from column
    A on ('' for an empty cell), for the rows that hold anything."""

    title: str
    rows: dict[int, list[object]] = field(default_factory=dict)
    max_row: int = 0
    max_column: int = 0
    # (min_col, min_row, max_col, max_row), 1-based, of each merged range, cut to the sheet
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)

    def value(self, row: int, column: int) -> object:
        values = self.rows.get(row, ())
        return values[column - 1] if column <= len(values) else None

    def row_values(self, row: int) -> list[object]:
        """All columns up to the sheet's last one, blanks as ''."""
        values = self.rows.get(row, [])
        return values + [""] * (self.max_column - len(values))


@dataclass
class Workbook:
    """What an import needs of a workbook: its sheets, the one the sender was looking at first."""

    kind: str
    book: object  # the calamine workbook
    titles: list[str]
    active: int = 0
    # 1904 date system (old Mac Excel): what a date cell that lost its format counts from
    date1904: bool = False
    limits: SheetLimits = field(default_factory=SheetLimits)

    def sheet_titles(self) -> list[str]:
        """The active sheet first, then the others in order; chart sheets left out."""
        if not 0 <= self.active < len(self.titles):
            return list(self.titles)
        return [self.titles[self.active], *(t for i, t in enumerate(self.titles) if i != self.active)]

    def sheet(self, title: str) -> Sheet:
        """One worksheet's values (python-calamine), with only the top-left cell of each merge
        keeping its value (Excel drops the others when merging; a stale one must not count)."""
        raw = self.book.get_sheet_by_name(title)
        if self.kind == "xls":  # no XML to scan beforehand: held to the same limits now
            _check_read_sheet(raw, title, self.limits)
        sheet = Sheet(title=title)
        rows = sheet.rows
        for index, values in enumerate(raw.to_python(skip_empty_area=False), start=1):
            if any(values):
                while values and values[-1] == "":
                    values.pop()
                rows[index] = values
                sheet.max_row = index
                if len(values) > sheet.max_column:
                    sheet.max_column = len(values)
        merges = []
        for (min_row, min_col), (max_row, max_col) in raw.merged_cell_ranges or ():
            if (min_row, min_col) == (max_row, max_col):
                continue  # a one-cell "merge" merges nothing
            if min_row + 1 <= sheet.max_row and min_col + 1 <= sheet.max_column:
                merges.append(
                    (min_col + 1, min_row + 1, min(max_col + 1, sheet.max_column), min(max_row + 1, sheet.max_row))
                )
        sheet.merges = merges
        for row, covering in merge_sweep(merges, sorted(rows)):
            values = rows[row]
            for min_col, min_row, max_col, _max_row in covering:
                for column in range(min_col, min(max_col, len(values)) + 1):
                    if (row, column) != (min_row, min_col):
                        values[column - 1] = ""
        return sheet

    def close(self) -> None:
        close = getattr(self.book, "close", None)
        if close is not None:
            close()


def _check_read_sheet(raw, title: str, limits: SheetLimits) -> None:
    height, width = raw.total_height, raw.total_width
    if height > limits.rows:
        raise SpreadsheetTooLarge(_row_limit_message(title, "的数据", height, limits))
    if width > limits.columns:
        raise SpreadsheetTooLarge(_column_limit_message(title, "的数据", width, limits))
    merges = raw.merged_cell_ranges or []
    if len(merges) > limits.merges:
        raise _too_many_merges(title, limits)
    edges = [(c0 + 1, r0 + 1, c1 + 1, r1 + 1) for (r0, c0), (r1, c1) in merges]
    for _min_col, _min_row, max_col, max_row in edges:
        if max_row > limits.rows:
            raise SpreadsheetTooLarge(_row_limit_message(title, "的合并单元格", max_row, limits))
        if max_col > limits.columns:
            raise SpreadsheetTooLarge(_column_limit_message(title, "的合并单元格", max_col, limits))
    if _merges_overlap(edges, height, width):
        raise SpreadsheetTooLarge(f"工作表“{title}”的合并单元格相互重叠，无法读取。{_RESAVE}")


def merge_sweep(merges: list[tuple[int, int, int, int]], rows: list[int]):
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


# Damaged or foreign files make the zip module, expat and calamine raise a zoo of exception types.
UNREADABLE = Exception


def _read_bytes(source: Source) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    if source.seekable():  # an upload may already have been read, e.g. by a size check
        source.seek(0)
    return source.read()


def spreadsheet_problem(source: Source, *, limits: SheetLimits | None = None) -> str | None:
    """Why this file cannot be read as a spreadsheet within the limits (Chinese), or None. Only
    the package is looked at: for an .xlsx the zip and one streamed pass per sheet, for an .xls
    one walk over its records (nothing kept per cell); the reader itself never runs here (the
    upload's web request), only in the worker."""
    book, error = open_workbook(source, limits, scan_only=True)
    if book is not None:
        book.close()
    return error


def open_workbook(
    source: Source, limits: SheetLimits | None = None, *, scan_only: bool = False
) -> tuple[Workbook | None, str | None]:
    """(the workbook, None), or (None, why not in Chinese). Never raises on a bad file."""
    limits = limits or SheetLimits.from_settings()
    try:
        data = _read_bytes(source)
    except OSError:
        return None, READ_ERROR
    if len(data) > limits.file_bytes:
        return None, f"文件超过上限 {_megabytes(limits.file_bytes)}。请按工会拆分后分批导入。"
    kind = spreadsheet_kind(data)
    try:
        if kind == "xlsx":
            details = _scan_xlsx(data, limits)
        elif kind == "xls":
            details = {}
            _scan_xls(data, limits)
        else:
            return None, READ_ERROR
        if scan_only:  # the package or the records only: the reader runs in the worker
            return None, None
        return _calamine_book(data, kind, limits, **details), None
    except SpreadsheetTooLarge as exc:
        return None, str(exc)
    except UNREADABLE as exc:
        # A password-protected .xlsx is an OLE2 file holding an "EncryptedPackage" stream; a
        # protected .xls is one the reader refuses for its password.
        if kind == "xls" and (
            _ENCRYPTED_PACKAGE in data or any(w in str(exc).lower() for w in ("encrypt", "password"))
        ):
            return None, ENCRYPTED_ERROR
        return None, READ_ERROR


_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def _calamine_book(data: bytes, kind: str, limits: SheetLimits, **details) -> Workbook:
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    titles = [sheet.name for sheet in book.sheets_metadata if sheet.typ == SheetTypeEnum.WorkSheet]
    names = [sheet.name for sheet in book.sheets_metadata]
    active = details.pop("active", 0)
    # The active tab counts every sheet (chart sheets too); ours only the worksheets.
    active_title = names[active] if 0 <= active < len(names) else None
    active = titles.index(active_title) if active_title in titles else 0
    workbook = Workbook(kind=kind, book=book, titles=titles, active=active, limits=limits, **details)
    if kind == "xls":  # every sheet within the limits before any row is read
        for title in titles:
            _check_read_sheet(book.get_sheet_by_name(title), title, limits)
    return workbook


_ACTIVE_TAB = re.compile(rb"<(?:\w+:)?workbookView\b[^>]*?\bactiveTab=\"(\d+)\"")
_DATE1904 = re.compile(rb"<(?:\w+:)?workbookPr\b[^>]*?\bdate1904=\"(1|true)\"")


def _scan_xlsx(data: bytes, limits: SheetLimits) -> dict:
    """The limits on the zip and every worksheet's XML; the active sheet and the date system."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ValueError("not a zip")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        _check_zip(archive, limits)
        names = {name.lower(): name for name in archive.namelist()}
        workbook_part = names.get("xl/workbook.xml")
        if workbook_part is None:
            raise ValueError("no workbook part")
        workbook_xml = archive.read(workbook_part)  # within whole_part_bytes (_check_zip)
        titles = _sheet_titles(archive, workbook_xml)
        for name in archive.namelist():
            if _WORKSHEET_PART.match(name):
                _scan_sheet(archive, name, titles.get(name.lower(), Path(name).stem), limits)
    active = _ACTIVE_TAB.search(workbook_xml)
    return {"active": int(active.group(1)) if active else 0, "date1904": bool(_DATE1904.search(workbook_xml))}


def _sheet_titles(archive: zipfile.ZipFile, workbook_xml: bytes) -> dict[str, str]:
    """Worksheet part name (lower case) -> the sheet's title, for the messages."""
    sheets: dict[str, str] = {}  # relationship id -> title
    targets: dict[str, str] = {}  # relationship id -> part

    def on_sheet(name, attrs):
        if name.rpartition(":")[2] == "sheet":
            rid = next((v for k, v in attrs.items() if k.rpartition(":")[2] == "id" and k != "sheetId"), None)
            if rid:
                sheets[rid] = attrs.get("name", "")

    def on_rel(name, attrs):
        if name.rpartition(":")[2] == "Relationship" and attrs.get("Id"):
            target = attrs.get("Target", "").lstrip("/")
            targets[attrs["Id"]] = target if target.startswith("xl/") else f"xl/{target}"

    for part, handler in ((workbook_xml, on_sheet), (_read_part(archive, "xl/_rels/workbook.xml.rels"), on_rel)):
        parser = expat.ParserCreate()
        parser.StartElementHandler = handler
        parser.Parse(part, True)
    return {targets[rid].lower(): title for rid, title in sheets.items() if rid in targets}


def _read_part(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        return archive.read(name)
    except KeyError:
        return b"<Relationships/>"


# --- the old .xls: an OLE2 compound file holding a BIFF8 "Workbook" stream -------------------------
#
# The reader lays a sheet out as a dense grid of its used range, so a 6 KB .xls with one cell at
# A1 and one at IV65536 would cost it a gigabyte and ten seconds. Before it sees the file, the
# Workbook stream is found in the OLE2 directory and its records walked once (no cell value is
# decoded): each sheet's DIMENSIONS, every cell's row and column, and the merged ranges are held
# to the limits, as an .xlsx's XML is.

_FREE_SECTORS = 0xFFFFFFFA  # this and above: free, end of chain, FAT/DIFAT sectors
_CELL_RECORDS = {0x0006, 0x00FD, 0x0203, 0x027E, 0x0201, 0x0204, 0x0205, 0x00D6}
_MULTI_CELL_RECORDS = {0x00BD, 0x00BE}  # MULRK, MULBLANK: row, first column, ..., last column
_BOF, _BOUNDSHEET, _DIMENSIONS, _ROW, _MERGEDCELLS = 0x0809, 0x0085, 0x0200, 0x0208, 0x00E5
_FILEPASS = 0x002F


class _Ole2:
    """Just enough of [MS-CFB] to read one stream: the FAT, the directory, the mini stream."""

    def __init__(self, data: bytes):
        import struct

        self.data, self.struct = data, struct
        (self.sector_shift,) = struct.unpack_from("<H", data, 0x1E)
        (mini_shift,) = struct.unpack_from("<H", data, 0x20)
        if self.sector_shift not in (9, 12) or mini_shift != 6:
            raise ValueError("not a compound file")
        self.sector = 1 << self.sector_shift
        fat_count, self.directory_start = struct.unpack_from("<II", data, 0x2C)
        self.cutoff, self.minifat_start, minifat_count, difat_start, difat_count = struct.unpack_from(
            "<IIIII", data, 0x38
        )
        difat = list(struct.unpack_from("<109I", data, 0x4C))
        sector, seen = difat_start, 0
        while sector < _FREE_SECTORS and seen <= difat_count:  # further DIFAT sectors
            entries = struct.unpack_from(f"<{self.sector // 4}I", data, self._offset(sector))
            difat.extend(entries[:-1])
            sector, seen = entries[-1], seen + 1
        self.fat = []
        for sector in difat[:fat_count]:
            if sector >= _FREE_SECTORS:
                continue
            self.fat.extend(struct.unpack_from(f"<{self.sector // 4}I", data, self._offset(sector)))

    def _offset(self, sector: int) -> int:
        offset = (sector + 1) << self.sector_shift
        if offset + self.sector > len(self.data) + self.sector:  # a last sector may be cut short
            raise ValueError("sector beyond the file")
        return offset

    def _chain(self, start: int, fat: list[int]) -> list[int]:
        chain, sector = [], start
        while sector < _FREE_SECTORS:
            if sector >= len(fat) or len(chain) > len(fat):  # beyond the table, or a loop
                raise ValueError("broken sector chain")
            chain.append(sector)
            sector = fat[sector]
        return chain

    def _read(self, start: int, size: int) -> bytes:
        parts = [self.data[self._offset(s) : self._offset(s) + self.sector] for s in self._chain(start, self.fat)]
        return b"".join(parts)[:size]

    def stream(self, names: tuple[str, ...]) -> bytes:
        """The stream the reader would read: the first entry named ``names[0]``, else the first
        named ``names[1]``... (python-calamine looks up "Workbook", then "Book", by name alone).
        A file with more than one entry of these names, or one that is no stream, is refused:
        the walk must read the very bytes the reader will."""
        if self.cutoff != 4096:  # the reader takes 4,096 as the mini stream's cutoff, whatever the header says
            raise ValueError("unexpected mini stream cutoff")
        directory = self._read(self.directory_start, len(self.data))
        root_start = root_size = None
        found: dict[str, tuple[int, int, int]] = {}
        same_names = 0
        wanted = {name.lower() for name in names}
        for index, offset in enumerate(range(0, len(directory) - 127, 128)):
            entry = directory[offset : offset + 128]
            length, kind = self.struct.unpack_from("<HB", entry, 0x40)
            start, size, size_high = self.struct.unpack_from("<III", entry, 0x74)
            if self.sector == 4096 and size_high:
                raise ValueError("stream beyond 4 GB")
            # The name as [MS-CFB] gives it (its stated length) and as the reader takes it (the
            # 64 bytes up to the first NUL, whatever the length or the entry's type say): an
            # entry either way names counts.
            stated = entry[: max(min(length, 64) - 2, 0)].decode("utf-16-le", "replace")
            read = entry[:64].decode("utf-16-le", "ignore").partition("\0")[0]
            if index == 0:  # the reader's mini stream is the first entry's, the root
                root_start, root_size = start, size
            matching = {n for n in (stated, read) if n.lower() in wanted}
            if matching:
                same_names += 1
                for name in matching:
                    found.setdefault(name, (kind, start, size))
        if same_names > 1 or len(found) > 1:
            raise ValueError("more than one workbook stream")
        for name in names:
            if name in found:
                kind, start, size = found[name]
                if kind != 2:
                    raise ValueError("the workbook entry is no stream")
                if size >= self.cutoff:
                    return self._read(start, size)
                return self._mini(start, size, root_start, root_size)
        raise ValueError("no workbook stream")

    def _mini(self, start: int, size: int, root_start, root_size) -> bytes:
        if root_start is None:
            raise ValueError("no root entry")
        ministream = self._read(root_start, root_size)
        raw = self._read(self.minifat_start, len(self.data)) if self.minifat_start < _FREE_SECTORS else b""
        minifat = list(self.struct.unpack_from(f"<{len(raw) // 4}I", raw))
        return b"".join(ministream[s * 64 : s * 64 + 64] for s in self._chain(start, minifat))[:size]


def _scan_xls(data: bytes, limits: SheetLimits) -> None:
    """Every sheet of an .xls within the limits, from its records alone (see above)."""
    import struct

    stream = _Ole2(data).stream(("Workbook", "Book"))  # in the reader's order
    # BIFF8 and BIFF5 begin with the workbook globals' BOF (record 0x0809, substream 0x0005).
    if len(stream) < 8 or struct.unpack_from("<H", stream)[0] != _BOF or struct.unpack_from("<H", stream, 6)[0] != 5:
        raise ValueError("the workbook stream does not begin with a BOF record")
    titles: list[str] = []
    sheet = -1  # -1: the workbook globals, before the first sheet's BOF
    last_row = last_column = 0
    merges: list[tuple[int, int, int, int]] = []

    def title() -> str:
        return titles[sheet] if 0 <= sheet < len(titles) else f"第 {sheet + 1} 个工作表"

    def finish() -> None:
        if sheet >= 0 and _merges_overlap(merges, last_row, last_column):
            raise SpreadsheetTooLarge(f"工作表“{title()}”的合并单元格相互重叠，无法读取。{_RESAVE}")

    def reach(row: int, column: int, where: str = "的数据") -> None:
        nonlocal last_row, last_column
        if row > limits.rows:
            raise SpreadsheetTooLarge(_row_limit_message(title(), where, row, limits))
        if column > limits.columns:
            raise SpreadsheetTooLarge(_column_limit_message(title(), where, column, limits))
        if where == "的数据":
            last_row, last_column = max(last_row, row), max(last_column, column)

    position, end = 0, len(stream)
    while position + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, position)
        body = stream[position + 4 : position + 4 + length]
        position += 4 + length
        if kind == _BOF:
            finish()
            substream = struct.unpack_from("<H", body, 2)[0] if len(body) >= 4 else 0
            if substream != 0x0005:  # not the globals: the next sheet (or chart, macro sheet)
                sheet += 1
                last_row = last_column = 0
                merges = []
        elif kind == _BOUNDSHEET and len(body) >= 8:
            count, flags = body[6], body[7]
            text = body[8 : 8 + count * 2].decode("utf-16-le", "replace") if flags & 1 else body[8 : 8 + count]
            titles.append(text if isinstance(text, str) else text.decode("latin-1"))
        elif kind == _FILEPASS and sheet < 0:
            raise ValueError("the workbook is encrypted (FILEPASS)")  # read as the password message
        elif sheet < 0:
            continue
        elif kind in _CELL_RECORDS and length >= 4:
            row, column = struct.unpack_from("<HH", body)
            reach(row + 1, column + 1)
        elif kind in _MULTI_CELL_RECORDS and length >= 6:
            row, _first = struct.unpack_from("<HH", body)
            (last,) = struct.unpack_from("<H", body, length - 2)
            reach(row + 1, last + 1)
        elif kind == _ROW and length >= 6:
            row, _first, after_last = struct.unpack_from("<HHH", body)
            reach(row + 1, after_last)
        elif kind == _DIMENSIONS and length >= 12:
            _first_row, after_row, _first_col, after_col = struct.unpack_from("<IIHH", body)
            reach(after_row, after_col, "的范围")
        elif kind == _MERGEDCELLS and length >= 2:
            (count,) = struct.unpack_from("<H", body)
            for index in range(min(count, (length - 2) // 8)):
                first_row, last_row_, first_col, last_col = struct.unpack_from("<HHHH", body, 2 + 8 * index)
                reach(last_row_ + 1, last_col + 1, "的合并单元格")
                merges.append((first_col + 1, first_row + 1, last_col + 1, last_row_ + 1))
                if len(merges) > limits.merges:
                    raise _too_many_merges(title(), limits)
    finish()
