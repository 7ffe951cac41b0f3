"""Hostile and oversized roster files: refused with a Chinese message, quickly, in bounded memory,
at upload (nothing stored) and again by the worker (the job ends failed, nothing written)."""

import datetime as dt
import io
import struct
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from apps.bench.rosterfile import build_roster_xlsx
from apps.core.spreadsheets import SheetLimits
from apps.members.imports import roster_import_execute
from apps.members.models import Member, RosterImport
from apps.members.roster import parse_roster, roster_file_problem

from .conftest import make_id

SHEET = "xl/worksheets/sheet1.xml"
NS = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
TODAY = dt.date(2026, 3, 5)
MB = 1024 * 1024


def _base_workbook() -> bytes:
    book = Workbook()
    book.active.title = "花名册"
    book.active.append(["姓名", "身份证号码"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def workbook(*sheet_chunks: bytes, base: bytes | None = None) -> bytes:
    """A real workbook (``base``, or a small one) whose first sheet's XML is ``sheet_chunks``,
    written piece by piece (a part of hundreds of MB costs the test only its compressed size)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base or _base_workbook())) as base,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for info in base.infolist():
            if info.filename != SHEET:
                new.writestr(info, base.read(info))
        with new.open(SHEET, "w") as sheet:
            for chunk in sheet_chunks:
                sheet.write(chunk)
    return out.getvalue()


def rows_xml(count: int, first: int = 1) -> bytes:
    return b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (n, n)
        for n in range(first, first + count)
    )


def merged_bomb() -> bytes:
    """The probe's file: two cells and one merged range over the rest of the sheet."""
    return workbook(
        NS,
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>身份证号码</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'.encode(),
        b'<mergeCells count="1"><mergeCell ref="A2:XFD1048576"/></mergeCells></worksheet>',
    )


def zip_bomb(size: int) -> bytes:
    """A sheet of ``size`` bytes of one repeated cell: about 1000:1 compressed."""
    chunk = b'<c t="inlineStr"><is><t>xxxxxxxxxxxxxxxx</t></is></c>' * 20_000
    chunks = [chunk] * (size // len(chunk) + 1)
    return workbook(NS, b'<sheetData><row r="1">', *chunks, b"</row></sheetData></worksheet>")


def understated(content: bytes) -> bytes:
    """``content`` with its zip directory claiming the sheet unpacks to 1,000 bytes."""
    entry = content.index(b"PK\x01\x02")  # the central directory's first entry
    while True:
        name_length = struct.unpack_from("<H", content, entry + 28)[0]
        if content[entry + 46 : entry + 46 + name_length] == SHEET.encode():
            break
        entry = content.index(b"PK\x01\x02", entry + 4)
    return content[: entry + 24] + struct.pack("<I", 1000) + content[entry + 28 :]


def cell_far_below(quote: str = '"') -> bytes:
    """A header row and a row 2 whose second cell names itself BL1048576 (column 64, within the
    columns): ``quote="'"`` writes that coordinate in single quotes, which the quick patterns
    leave to the streamed scan."""
    return workbook(
        NS,
        '<dimension ref="A1:B2"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>身份证号码</t></is></c></row>'
        f'<row r="2"><c r="A2" t="inlineStr"><is><t>甲</t></is></c><c r={quote}BL1048576{quote} t="inlineStr">'
        "<is><t>x</t></is></c></row></sheetData></worksheet>".encode(),
    )


def not_a_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return out.getvalue()


HOSTILE = {
    "merged range to XFD1048576": (merged_bomb, "合并单元格"),
    "zip bomb, 120 MB unpacked": (lambda: zip_bomb(120 * MB), "解压后"),
    "zip bomb under the total, 1000:1": (lambda: zip_bomb(40 * MB), "解压后异常庞大"),
    "zip bomb whose directory understates it": (lambda: understated(zip_bomb(120 * MB)), "无法读取文件"),
    "too many rows": (lambda: workbook(NS, b"<sheetData>", rows_xml(60_000), b"</sheetData></worksheet>"), "50,000 行"),
    "too many rows, the namespace prefixed": (
        lambda: workbook(
            NS.replace(b"<worksheet xmlns=", b"<x:worksheet xmlns:x="),
            b"<x:sheetData>",
            rows_xml(60_000).replace(b"<", b"<x:").replace(b"<x:/", b"</x:"),
            b"</x:sheetData></x:worksheet>",
        ),
        "50,000 行",
    ),
    "dimension beyond the rows": (
        lambda: workbook(NS, b'<dimension ref="A1:N1048576"/><sheetData>', rows_xml(3), b"</sheetData></worksheet>"),
        "的范围",
    ),
    "dimension too wide": (
        lambda: workbook(NS, b'<dimension ref="A1:XFD3"/><sheetData>', rows_xml(3), b"</sheetData></worksheet>"),
        "列",
    ),
    "a cell too far right": (
        lambda: workbook(NS, b'<sheetData><row r="1"><c r="CA1"><v>1</v></c></row></sheetData></worksheet>'),
        "第 79 列",
    ),
    # The reader places a cell by its own coordinate: written in row 2, this one is at row
    # 1,048,576 (a 5 KB file costing the reader gigabytes). Both scans read the cell's row.
    "a cell whose own row is far below its row": (lambda: cell_far_below(), "1,048,576 行"),
    "a cell whose own row is far below, the slow scan": (lambda: cell_far_below(quote="'"), "1,048,576 行"),
    "overlapping merges": (
        lambda: workbook(
            NS,
            b"<sheetData>",
            rows_xml(40),
            b"</sheetData><mergeCells>",
            b'<mergeCell ref="A1:A40"/>' * 1000,
            b"</mergeCells></worksheet>",
        ),
        "重叠",
    ),
    "not a zip, .xlsx name": (lambda: b"PK\x03\x04 not really a zip", "无法读取文件"),
    "a zip that is no workbook": (not_a_workbook, "无法读取文件"),
}


@pytest.fixture(scope="module", params=list(HOSTILE), ids=list(HOSTILE))
def hostile(request):
    build, message = HOSTILE[request.param]
    return request.param, build(), message


def _measured(function, *args, **kwargs):
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = function(*args, **kwargs)
    finally:
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return result, seconds, peak


def test_the_hostile_files_are_small(hostile):
    name, content, _message = hostile
    assert len(content) < MB, name


def test_a_hostile_file_is_refused_quickly_in_bounded_memory(hostile, settings):
    name, content, message = hostile
    parsed, seconds, peak = _measured(parse_roster, content, today=TODAY)
    assert parsed.error and message in parsed.error, (name, parsed.error)
    assert not parsed.rows
    # tracemalloc slows Python down about threefold; without it these take a fraction of this.
    assert seconds < 5, (name, seconds)
    assert peak < 16 * MB, (name, peak / MB)
    assert roster_file_problem(content) == parsed.error


def test_limits_come_from_the_settings(settings):
    content = build_roster_xlsx(20)
    settings.ROSTER_MAX_ROWS = 10
    assert "上限 10 行" in roster_file_problem(content)
    settings.ROSTER_MAX_ROWS = 50_000
    settings.ROSTER_MAX_COLUMNS = 3
    assert "上限 3 列" in roster_file_problem(content)


def test_a_roster_within_the_limits_is_read_whole():
    content = build_roster_xlsx(50)
    exact = SheetLimits(rows=54)  # title, 填报 line, header, 50 members, 合计
    assert roster_file_problem(content, limits=exact) is None
    assert len(parse_roster(content, limits=exact).rows) == 50
    assert "上限 53 行" in roster_file_problem(content, limits=SheetLimits(rows=53))


def test_a_merge_reaching_far_below_the_data_costs_only_the_rows_in_the_file():
    """Within the limits, a 所在工会 column merged down to row 50,000 over three members is cheap."""
    header = "".join(
        f'<c r="{col}1" t="inlineStr"><is><t>{text}</t></is></c>'
        for col, text in zip("ABC", ["姓名", "身份证号码", "所在工会"], strict=True)
    )
    members = "".join(
        f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>张{row}</t></is></c>'
        f'<c r="B{row}" t="inlineStr"><is><t>{number}</t></is></c>'
        + (f'<c r="C{row}" t="inlineStr"><is><t>白塔工会</t></is></c>' if row == 2 else "")
        + "</row>"
        for row, number in ((row, make_id(serial=f"{row:03d}")) for row in (2, 3, 4))
    )
    content = workbook(
        NS,
        f'<sheetData><row r="1">{header}</row>{members}</sheetData>'.encode(),
        b'<mergeCells><mergeCell ref="C2:BL50000"/></mergeCells></worksheet>',
    )
    parsed, seconds, peak = _measured(parse_roster, content, today=TODAY)
    assert parsed.error is None
    assert [r.data["union_name"] for r in parsed.rows] == ["白塔工会"] * 3
    assert seconds < 2 and peak < 8 * MB


# --- the same refusals at upload and in the worker ------------------------------------------------


@pytest.mark.django_db
def test_upload_refuses_with_the_message_on_the_form_and_stores_nothing(hostile, client_for, chair_a, county_tree):
    name, content, message = hostile
    started = time.perf_counter()
    response = client_for(chair_a).post(
        reverse("members:import_upload"),
        {"union": county_tree["union_a"].pk, "file": SimpleUploadedFile("花名册.xlsx", content)},
    )
    assert time.perf_counter() - started < 5, name
    assert response.status_code == 200, name
    assert message in response.content.decode(), name
    assert not RosterImport.objects.exists()


@pytest.mark.django_db
def test_upload_over_the_size_limit_is_refused_without_reading_it_whole(client_for, chair_a, county_tree, settings):
    settings.ROSTER_MAX_UPLOAD_BYTES = 1024
    response = client_for(chair_a).post(
        reverse("members:import_upload"),
        {"union": county_tree["union_a"].pk, "file": SimpleUploadedFile("花名册.xlsx", build_roster_xlsx(20))},
    )
    assert "文件超过上限" in response.content.decode()
    assert not RosterImport.objects.exists()


@pytest.mark.django_db
def test_the_worker_refuses_the_same_files_and_the_job_ends_failed(hostile, county_tree, chair_a):
    """Defence in depth: a file stored some other way (the command line, an older portal) is
    checked again before a row is read."""
    name, content, message = hostile
    record = RosterImport.objects.create(
        union=county_tree["union_a"], uploaded_by=chair_a, file_name="花名册.xlsx", content=content, commit=True
    )
    record = roster_import_execute(import_id=record.pk)
    assert record.status == "failed", name
    assert message in record.error, (name, record.error)
    assert record.report == [] and Member.objects.count() == 0


def test_a_legitimate_roster_costs_memory_in_proportion_to_its_members():
    """The sheet's values come from python-calamine at once (its own copy, outside Python's
    heap, bounded by the limits scan: at most 50,000 rows × 64 columns), and each row's cells
    are dropped once it is checked: a roster with its 所在工会 column merged down the whole list
    costs, in Python's heap, about what its checked rows hold (about 1.5 KB a member)."""
    parse_roster(build_roster_xlsx(5), today=TODAY)  # one-off costs: the region table, imports
    content = build_roster_xlsx(1000)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read(SHEET)
    title_merge = b'<mergeCells count="1"><mergeCell ref="A1:N1" /></mergeCells>'
    assert title_merge in sheet
    union_merge = b'<mergeCells count="2"><mergeCell ref="A1:N1" /><mergeCell ref="M4:M1003" /></mergeCells>'
    content = workbook(sheet.replace(title_merge, union_merge), base=content)
    parse_roster(content, today=TODAY)  # the one-off costs of this file's shape (a merged column)
    parsed, _seconds, peak = _measured(parse_roster, content, today=TODAY)
    assert len(parsed.rows) == 1000 and {r.data["union_name"] for r in parsed.rows} == {"江苏白塔化工建材有限公司工会"}
    assert peak < 1.8 * MB, peak / MB


@pytest.mark.django_db
def test_the_upload_form_states_the_limits(client_for, chair_a, settings):
    settings.ROSTER_MAX_ROWS = 20_000
    page = client_for(chair_a).get(reverse("members:import_upload")).content.decode()
    assert "每个工作表最多 20,000 行、64 列，文件最大 10 MB。" in page


def _with_part_padded(content: bytes, name: str, padding: int) -> bytes:
    """``content`` with ``name`` grown by an XML comment of ``padding`` bytes (still valid)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == name:
                comment = b"<!--" + b"x" * padding + b"-->"
                if data.startswith(b"<?xml"):
                    head, _, rest = data.partition(b"?>")
                    data = head + b"?>" + comment + rest
                else:
                    data = comment + data
            new.writestr(info, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "part", ["xl/styles.xml", "xl/workbook.xml", "[Content_Types].xml", "xl/_rels/workbook.xml.rels"]
)
def test_a_part_the_reader_parses_whole_is_held_to_a_smaller_size(part):
    """Sheets and shared strings are streamed; the workbook, styles and relations are parsed
    whole by openpyxl, so they may not be anywhere near the size a sheet may be."""
    limits = SheetLimits(whole_part_bytes=100_000)
    content = build_roster_xlsx(20)
    assert roster_file_problem(content, limits=limits) is None
    padded = _with_part_padded(content, part, 200_000)
    assert "解压后异常庞大" in roster_file_problem(padded, limits=limits)
    assert roster_file_problem(padded) is None  # within the default 8 MB


# --- the old .xls ------------------------------------------------------------------------------------

FAR_CELL_XLS = Path(__file__).resolve().parents[1] / "fixtures" / "xls-far-cell.xls"  # A1 and IV65536


def _dimensions_understated(content: bytes) -> bytes:
    """The same .xls whose DIMENSIONS record claims rows 1–2 and column A only."""
    at = content.find(bytes.fromhex("00020e00"))  # record 0x0200, 14 bytes
    assert at > 0
    return content[: at + 4] + struct.pack("<IIHH", 0, 2, 0, 1) + content[at + 16 :]


@pytest.mark.parametrize("understated", [False, True], ids=["as written", "DIMENSIONS understated"])
def test_an_xls_reaching_far_is_refused_before_the_reader_lays_it_out(understated):
    """python-calamine lays a sheet out as a dense grid: this 6 KB file would cost it a
    gigabyte and seconds. Its records are walked first, and the far cell refused."""
    content = FAR_CELL_XLS.read_bytes()
    if understated:
        content = _dimensions_understated(content)
    assert len(content) < 8 * 1024
    (parse, seconds, peak) = _measured(parse_roster, content, today=TODAY)
    assert parse.error is not None and "50,000 行" in parse.error, parse.error
    assert seconds < 0.5 and peak < 2 * MB
    assert roster_file_problem(content) == parse.error


@pytest.mark.django_db
def test_an_xls_upload_beyond_the_limits_is_refused_and_nothing_stored(client_for, chair_a, county_tree):
    response = client_for(chair_a).post(
        reverse("members:import_upload"),
        {"union": county_tree["union_a"].pk, "file": SimpleUploadedFile("花名册.xls", FAR_CELL_XLS.read_bytes())},
    )
    assert response.status_code == 200 and "50,000 行" in response.content.decode()
    assert not RosterImport.objects.exists()


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (b"<c><v>1</v></c>" * 70, "第 65 列"),  # no coordinates: counted one by one
        (b"<c r='CA1'><v>1</v></c>", "第 79 列"),  # single quotes, which the quick patterns skip
        (b'<c foo=">" r="CA1"><v>1</v></c>', "第 79 列"),  # a ">" inside a value
    ],
    ids=["cells without coordinates", "single-quoted coordinate", "a '>' in an attribute"],
)
def test_what_the_quick_scan_cannot_account_for_is_streamed_and_judged_the_same(cells, message):
    """A sheet part is first scanned with regular expressions over its bytes; when they do not
    find exactly what an XML parser finds, the part is streamed through expat instead."""
    content = workbook(NS, b"<sheetData><row>", cells, b"</row></sheetData></worksheet>")
    problem = roster_file_problem(content)
    assert problem is not None and message in problem, problem


# --- the .xls's Workbook stream: the one the reader reads -----------------------------------------

REAL_XLS = Path(__file__).resolve().parents[1] / "fixtures" / "roster-baitabu-chemical.xls"
_ENTRY = 128  # an OLE2 directory entry


def _directory_offset(content: bytes) -> int:
    sector_shift = struct.unpack_from("<H", content, 0x1E)[0]
    (directory_start,) = struct.unpack_from("<I", content, 0x30)
    return (directory_start + 1) << sector_shift


def _entry(name: str, kind: int, *, start: int, size: int, right: int = 0xFFFFFFFF) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    entry = bytearray(_ENTRY)
    entry[: len(encoded)] = encoded
    struct.pack_into("<HBB", entry, 0x40, len(encoded), kind, 1)
    struct.pack_into("<III", entry, 0x44, 0xFFFFFFFF, right, 0xFFFFFFFF)
    struct.pack_into("<II", entry, 0x74, start, size)
    return bytes(entry)


def book_then_workbook(content: bytes, *, hidden: bool = False) -> bytes:
    """``content`` (the far-cell fixture: Root Entry, Workbook, two unused entries) with an
    empty "Book" stream at index 1 and the real Workbook moved to index 2, its right sibling.
    ``hidden``: that entry's stated name length and type zeroed (an unused entry by [MS-CFB]),
    which the reader ignores: it finds a stream by the name's bytes alone."""
    at = _directory_offset(content)
    workbook = content[at + _ENTRY : at + 2 * _ENTRY]
    assert workbook[:16] == "Workbook".encode("utf-16-le")
    if hidden:
        workbook = workbook[:0x40] + b"\0\0\0" + workbook[0x43:]
    assert content[at + 2 * _ENTRY + 0x42] == 0  # index 2 is unused
    decoy = _entry("Book", 2, start=0xFFFFFFFE, size=0, right=2)
    return content[: at + _ENTRY] + decoy + workbook + content[at + 3 * _ENTRY :]


def workbook_renamed_book(content: bytes) -> bytes:
    """The Workbook stream named "Book", as Excel 5/95 names it: the one stream the reader reads."""
    at = _directory_offset(content) + _ENTRY
    entry = bytearray(content[at : at + _ENTRY])
    entry[:18] = ("Book\0").encode("utf-16-le").ljust(18, b"\0")
    struct.pack_into("<H", entry, 0x40, 10)
    return content[:at] + bytes(entry) + content[at + _ENTRY :]


def _bof_spoiled(content: bytes) -> bytes:
    """The Workbook stream's first record (its BOF) made another record kind."""
    at = content.find(bytes.fromhex("0908100000060500"))  # BOF, 16 bytes, BIFF8, globals
    assert at > 0
    return content[:at] + bytes.fromhex("3c00") + content[at + 2 :]


@pytest.mark.parametrize("hidden", [False, True], ids=["as a stream", "as an unused entry"])
def test_an_xls_with_a_decoy_book_stream_before_the_workbook_is_refused(hidden):
    """python-calamine reads the stream named "Workbook" (only without one, "Book"): a walk
    that took the first entry of either name read an empty decoy and let the far cell through
    (a gigabyte for the reader). A file with both, or two of either, is refused."""
    content = book_then_workbook(FAR_CELL_XLS.read_bytes(), hidden=hidden)
    (problem, seconds, peak) = _measured(roster_file_problem, content)
    assert problem is not None and "无法读取文件" in problem, problem
    assert seconds < 0.5 and peak < 2 * MB
    (parse, seconds, peak) = _measured(parse_roster, content, today=TODAY)
    assert parse.error == problem and seconds < 0.5 and peak < 2 * MB


def test_the_walk_reads_the_stream_the_reader_reads():
    # Named "Book" alone, the stream is the reader's: walked, and the far cell refused.
    problem = roster_file_problem(workbook_renamed_book(FAR_CELL_XLS.read_bytes()))
    assert problem is not None and "50,000 行" in problem, problem
    # A stream that does not begin with the workbook's BOF record is no workbook.
    problem = roster_file_problem(_bof_spoiled(REAL_XLS.read_bytes()))
    assert problem is not None and "无法读取文件" in problem, problem
    assert roster_file_problem(REAL_XLS.read_bytes()) is None


def test_an_xls_upload_is_checked_by_its_records_alone(monkeypatch):
    """The upload's check runs in the web request: an .xls is walked, never read whole by the
    reader there (that happens in the worker, which checks the limits again)."""
    import python_calamine

    def refused(*args, **kwargs):
        raise AssertionError("the reader ran in the upload's check")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", refused)
    assert roster_file_problem(REAL_XLS.read_bytes()) is None


@pytest.mark.django_db
def test_a_decoy_xls_upload_is_refused_and_nothing_stored(client_for, chair_a, county_tree):
    content = book_then_workbook(FAR_CELL_XLS.read_bytes())
    response = client_for(chair_a).post(
        reverse("members:import_upload"),
        {"union": county_tree["union_a"].pk, "file": SimpleUploadedFile("花名册.xls", content)},
    )
    assert response.status_code == 200 and "无法读取文件" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_an_xls_with_an_opening_password_says_so_from_its_records():
    """An .xls saved with a password carries a FILEPASS record after the workbook's BOF (its
    other records' contents are encrypted): the walk says so, as the reader would."""
    content = REAL_XLS.read_bytes()
    at = content.find(bytes.fromhex("0908100000060500")) + 20  # the record after the BOF
    content = content[:at] + struct.pack("<H", 0x002F) + content[at + 2 :]
    problem = roster_file_problem(content)
    assert problem is not None and "密码" in problem, problem
