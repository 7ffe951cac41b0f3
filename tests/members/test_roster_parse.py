"""Parsing member rosters (花名册): a real office file plus small built-up workbooks (no database)."""

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from apps.members.roster import RosterParse, parse_roster

DATA = Path(__file__).resolve().parents[1] / "fixtures"
REAL_FILE = DATA / "roster-baitabu-chemical.xlsx"
REAL_EXPECTED = DATA / "roster-baitabu-chemical.expected.json"
# The 填报日期 written on the real file; join dates are checked against "today".
TODAY = dt.date(2026, 3, 5)

HEADER = [
    "序号",
    "姓名",
    "性别",
    "身份证号码",
    "出生年月",
    "手机号码",
    "用工形式",
    "入会时间",
    "会员证号",
    "所在工会",
    "备注",
]
GOOD_ID = "320722198101021810"  # born 1981-01-02, male


# --- the real file -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> tuple[RosterParse, dict]:
    return parse_roster(REAL_FILE, today=TODAY), json.loads(REAL_EXPECTED.read_text(encoding="utf-8"))


def rows_with(parse: RosterParse, *statuses: str) -> set[int]:
    return {r.row for r in parse.rows if r.status in statuses}


def test_real_file_matches_expectations_exactly(real):
    parse, expected = real
    assert parse.error is None
    assert parse.header_row == expected["header_row"]
    error_rows = {int(row) for row in expected["error_rows"]}
    # A row listed as both error and warning counts as an error (none is, today).
    warning_rows = {int(row) for row in expected["warning_rows"]} - error_rows
    assert rows_with(parse, "error") == error_rows
    assert rows_with(parse, "warning") == warning_rows
    # "valid_rows" in the JSON means importable: clean rows and rows with warnings only.
    assert rows_with(parse, "valid", "warning") == set(expected["valid_rows"])
    assert len(rows_with(parse, "valid", "warning")) == expected["valid_count"]
    assert len(rows_with(parse, "error")) == expected["error_count"]
    assert all(r.messages == [] for r in parse.rows if r.status == "valid")
    assert all(r.messages for r in parse.rows if r.status != "valid")


def test_real_file_skips_summary_and_blank_rows(real):
    parse, expected = real
    seen = {r.row for r in parse.rows}
    assert parse.summary_row == expected["summary_row"]
    assert all(row < expected["summary_row"] for row in seen)
    assert {92, 197}.isdisjoint(seen)  # the two blank rows
    assert seen == set(expected["valid_rows"]) | {int(row) for row in expected["error_rows"]}


def messages_of_kind(parse: RosterParse, expected: dict, kind: str) -> list[tuple[int, str]]:
    rows = [int(row) for row, k in {**expected["error_rows"], **expected["warning_rows"]}.items() if k == kind]
    by_row = {r.row: r for r in parse.rows}
    assert rows, kind
    return [(row, " ".join(by_row[row].messages)) for row in rows]


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("err_number_cell", ["身份证号码：", "“文本”格式", "重新录入"]),
        ("err_checksum", ["身份证号码：", "校验"]),
        ("err_bad_date", ["身份证号码：", "出生日期", "不是有效日期"]),
        ("err_short", ["身份证号码：", "18"]),
        ("err_missing_name", ["姓名：", "未填写"]),
        ("warn_birth_mismatch", ["出生年月：", "不一致"]),
        ("warn_sex_mismatch", ["性别：", "身份证号码显示为"]),
        ("warn_bad_phone", ["手机号码：", "11 位"]),
    ],
)
def test_real_file_messages(real, kind, words):
    parse, expected = real
    for row, text in messages_of_kind(parse, expected, kind):
        for word in words:
            assert word in text, (row, text)


def test_real_file_duplicate_names_the_earlier_row(real):
    parse, expected = real
    for row, text in messages_of_kind(parse, expected, "err_duplicate"):
        later = next(r for r in parse.rows if r.row == row)
        earlier = next(r for r in parse.rows if r.data["id_number"] == later.data["id_number"])
        assert earlier.row < row
        assert earlier.status != "error"  # the first occurrence stays importable
        assert f"与第 {earlier.row} 行重复" in text


def test_real_file_cleans_values(real):
    parse, _expected = real
    by_row = {r.row: r for r in parse.rows}
    first = by_row[4]
    assert first.status == "valid"
    assert first.data == {
        "real_name": "陈桂",
        "id_number": "320722198101021810",
        "sex": "male",
        "birth_date": dt.date(1981, 1, 2),
        # Stored as the standard codes: 汉族 (GB/T 3304), 初中 (GB/T 4658), 群众 (GB/T 4762).
        "ethnicity": "01",
        "education": "70",
        "political_status": "13",
        "code_list_note": "",
        "mobile": "15152758929",
        "employment_form": "flexible",
        "join_date": dt.date(2019, 9, 19),
        "card_number": "DH2019735020",
        "union_name": "江苏白塔化工建材有限公司工会",
        "workplace": "",
        "workplace_code": "",
        "notes": "",
    }
    assert by_row[58].data["real_name"] == "萧兰建"  # ' 萧兰建 '
    assert by_row[58].data["id_number"] == "32132219950813989X"  # ' 321322 19950813 989X '
    assert by_row[30].data["id_number"] == "320722199501194926"  # leading apostrophe
    assert by_row[90].data["id_number"] == "320722197405160778"  # full-width digits
    assert by_row[10].data["id_number"] == "32072219881009481X"  # lower-case x
    assert by_row[38].data["mobile"] == "17471723988"  # '174-7172-3988'
    assert by_row[181].data["mobile"] == "18416565185"  # '184 1656 5185'
    assert by_row[103].data["mobile"] == ""  # '136580177' is not imported
    assert by_row[7].data["join_date"] == dt.date(2012, 11, 20)  # '2012年11月20日'
    assert by_row[5].data["join_date"] == dt.date(2012, 2, 3)  # '2012.2.3'
    assert by_row[10].data["join_date"] == dt.date(2020, 12, 8)  # '2020-12-08'
    assert by_row[6].data["join_date"] == dt.date(2016, 7, 24)  # a date cell
    assert {r.data["employment_form"] for r in parse.rows} == {"regular", "migrant", "dispatched", "flexible"}


# --- built-up workbooks ------------------------------------------------------------------------


def xlsx(
    rows: list[list[object]], *, merges: tuple[str, ...] = (), title: str | None = "某某公司工会会员花名册"
) -> bytes:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    for row in rows:
        ws.append(row)
    for cells in merges:
        ws.merge_cells(cells)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def member(**overrides: object) -> list[object]:
    values = {
        "序号": 1,
        "姓名": "张三",
        "性别": "男",
        "身份证号码": GOOD_ID,
        "出生年月": "1981.01",
        "手机号码": "13800138000",
        "用工形式": "合同工",
        "入会时间": "2019/9/19",
        "会员证号": "DH1",
        "所在工会": "某某公司工会",
        "备注": None,
    }
    values.update(overrides)
    return [values[name] for name in HEADER]


def test_header_found_below_title_rows_with_synonyms_and_notes():
    header = ["序号", "姓 名", "身份证号（18位）", "手机", "入会日期", "会员卡号", "*所在工会", "用工形式"]
    member_row = [1, "张三", GOOD_ID, "13800138000", "2019-09-19", "K1", "甲", "合同工"]
    parse = parse_roster(xlsx([["填报单位："], header, member_row]))
    assert parse.error is None
    assert parse.header_row == 3
    assert set(parse.columns) == {
        "seq",
        "real_name",
        "id_number",
        "mobile",
        "join_date",
        "card_number",
        "union_name",
        "employment_form",
    }
    (row,) = parse.rows
    assert (row.row, row.status, row.data["card_number"], row.data["union_name"]) == (4, "valid", "K1", "甲")


def test_no_header_is_a_fatal_chinese_error():
    parse = parse_roster(xlsx([["张三", GOOD_ID], ["李四", "320722199705013760"]]))
    assert parse.header_row is None
    assert parse.rows == []
    assert "没有找到表头" in parse.error
    assert "姓名" in parse.error and "身份证号码" in parse.error


def test_header_missing_the_id_column_says_which():
    parse = parse_roster(xlsx([["序号", "姓名", "性别", "手机号码"], [1, "张三", "男", "13800138000"]]))
    assert "表头缺少必填的列" in parse.error
    assert "“身份证号码”" in parse.error


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, ".xls"),  # old binary Excel / password-protected
        ("姓名,身份证号码\n张三,320722198101021810\n".encode(), ".xlsx"),  # CSV renamed
        (b"PK\x03\x04 not really a zip", ".xlsx"),
        (b"", ".xlsx"),
    ],
)
def test_unreadable_files_are_a_fatal_chinese_error(tmp_path, content, words):
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(content)
    for source in (path, str(path), content, io.BytesIO(content)):
        parse = parse_roster(source)
        assert parse.rows == []
        assert parse.header_row is None
        assert words in parse.error
        assert "无法读取" in parse.error


def test_zip_that_is_not_a_workbook(tmp_path):
    import zipfile

    path = tmp_path / "x.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "你好")
    assert "无法读取文件" in parse_roster(path).error


def test_missing_file_is_reported_not_raised(tmp_path):
    assert "无法读取文件" in parse_roster(tmp_path / "nope.xlsx").error


def test_merged_union_cell_applies_to_every_row_and_template_rows_are_skipped():
    rows = [
        HEADER,
        member(序号=1, 所在工会="一车间工会"),
        member(序号=2, 身份证号码="320722199705013760", 性别="女", 出生年月="1997.05", 所在工会=None),
        [3] + [None] * (len(HEADER) - 1),  # template row: only 序号 filled
        [None] * len(HEADER),
        ["小计", None, None, None, None, None, None, None, None, None, "2人"],
        ["合  计", None, None, None, None, None, None, None, None, None, "2人"],
        member(序号=9, 姓名=None, 身份证号码="bad"),  # below the total: footnotes, not members
    ]
    parse = parse_roster(xlsx(rows, merges=("J3:J4",)))
    assert [r.row for r in parse.rows] == [3, 4]
    assert [r.data["union_name"] for r in parse.rows] == ["一车间工会", "一车间工会"]
    assert parse.summary_row == 8
    assert all(r.status == "valid" for r in parse.rows), [r.messages for r in parse.rows]


def test_two_level_header():
    # 姓名 and 身份证号码 merged over rows 2–3; 手机/邮箱 under a merged 联系方式 group.
    rows = [
        ["姓名", "身份证号码", "联系方式", None, "用工形式", "入会时间"],
        [None, None, "手机", "邮箱", None, None],
        ["张三", GOOD_ID, "13800138000", "a@b.c", "合同工", "2019-09-19"],
    ]
    parse = parse_roster(xlsx(rows, merges=("A2:A3", "B2:B3", "C2:D2", "E2:E3", "F2:F3")))
    assert parse.header_row == 2
    assert parse.columns["mobile"] == 3
    assert [(r.row, r.status, r.data["mobile"]) for r in parse.rows] == [(4, "valid", "13800138000")]


def parse_one(**overrides: object):
    parse = parse_roster(xlsx([HEADER, member(**overrides)]), today=TODAY)
    assert parse.error is None
    (row,) = parse.rows
    return row


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019/9/19", dt.date(2019, 9, 19)),
        ("2012.2.3", dt.date(2012, 2, 3)),
        ("2020-12-08", dt.date(2020, 12, 8)),
        ("2012年11月20日", dt.date(2012, 11, 20)),
        ("20121120", dt.date(2012, 11, 20)),
        (dt.datetime(2016, 7, 24), dt.date(2016, 7, 24)),  # noqa: DTZ001 - Excel date cells are naive
        (43727, dt.date(2019, 9, 19)),  # a date cell that lost its format
    ],
)
def test_join_date_formats(value, expected):
    row = parse_one(入会时间=value)
    assert row.status == "valid", row.messages
    assert row.data["join_date"] == expected


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2019/2/30", "不是有效日期"),
        ("2019.9", "无法识别"),  # month only
        (2019.9, "无法识别"),  # the same typed into a number cell: not a day in 1905
        ("去年", "无法识别"),
        ("2999/12/1", "日期不合理"),  # the model field's validator: 1900 to today
        ("1980/1/1", "早于出生日期"),
    ],
)
def test_bad_join_dates_are_errors(value, words):
    row = parse_one(入会时间=value)
    assert row.status == "error"
    (message,) = row.messages
    assert message.startswith("入会时间：")
    assert words in message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("固定工", "regular"),
        ("正式工", "regular"),
        ("农民工", "migrant"),
        ("派遣", "dispatched"),
        ("非全日制", "flexible"),
    ],
)
def test_employment_forms(value, expected):
    assert parse_one(用工形式=value).data["employment_form"] == expected


def test_unknown_employment_form_lists_accepted_values():
    row = parse_one(用工形式="外包")
    assert row.status == "error"
    (message,) = row.messages
    assert message.startswith("用工形式：无法识别，请填写") and "外包" not in message
    assert "固定工" in message and "劳务派遣" in message and "灵活用工" in message


@pytest.mark.parametrize(
    ("value", "expected", "status"),
    [
        ("174-7172-3988", "17471723988", "valid"),
        ("184 1656 5185", "18416565185", "valid"),
        ("+86 138 0013 8000", "13800138000", "valid"),
        (13800138000, "13800138000", "valid"),
        ("136580177", "", "warning"),
        ("12800138000", "", "warning"),
        (None, "", "valid"),
    ],
)
def test_mobile(value, expected, status):
    row = parse_one(手机号码=value)
    assert (row.status, row.data["mobile"]) == (status, expected), row.messages


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("1981.01", "valid"),
        ("1981-1", "valid"),
        ("1981年1月", "valid"),
        (1981.01, "valid"),
        (dt.datetime(1981, 1, 2), "valid"),  # noqa: DTZ001 - Excel date cells are naive
    ]
    + [("1981", "valid"), ("1981.02", "warning"), (1981.1, "valid"), ("不详", "warning"), (None, "valid")],
)
def test_birth_column_is_cross_checked(value, status):
    row = parse_one(出生年月=value)
    assert row.status == status, row.messages
    assert row.data["birth_date"] == dt.date(1981, 1, 2)  # always from the ID


def test_sex_column_is_cross_checked():
    row = parse_one(性别="女")
    assert row.status == "warning"
    assert row.data["sex"] == "male"
    assert row.messages[0].startswith("性别：")
    assert parse_one(性别="男性").status == "valid"
    assert parse_one(性别="?").status == "warning"


def test_error_rows_also_list_their_warnings_errors_first():
    row = parse_one(姓名=" ", 性别="女")
    assert row.status == "error"
    assert row.errors == ["姓名：未填写，请补充会员姓名。"]
    assert len(row.warnings) == 1
    assert row.messages == row.errors + row.warnings


def test_invalid_id_keeps_id_fields_empty():
    row = parse_one(身份证号码=3.207222004020309e17)
    assert row.status == "error"
    assert (row.data["id_number"], row.data["sex"], row.data["birth_date"]) == ("", "", None)


def test_names_padded_for_alignment_are_joined():
    assert parse_one(姓名="王  芳").data["real_name"] == "王芳"
    assert parse_one(姓名=" Anna  Li ").data["real_name"] == "Anna Li"


def test_roster_on_a_later_sheet_and_an_upload_already_read():
    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["填表说明：身份证号码列请设置为文本格式"])
    sheet = wb.create_sheet("花名册")
    sheet.append(HEADER)
    sheet.append(member())
    buffer = io.BytesIO()
    wb.save(buffer)  # leaves the position at the end, as a size check on an upload would
    parse = parse_roster(buffer, today=TODAY)
    assert parse.error is None
    assert (parse.sheet_name, parse.header_row, [r.status for r in parse.rows]) == ("花名册", 1, ["valid"])


def test_merge_running_past_the_data_adds_no_rows():
    # A 备注 cell merged far below the last member: the covered rows hold nothing else.
    parse = parse_roster(xlsx([HEADER, member(备注="同上")], merges=("K3:K300",)), today=TODAY)
    assert [(r.row, r.data["notes"]) for r in parse.rows] == [(3, "同上")]


def test_full_width_input_is_understood_but_free_text_is_kept():
    row = parse_one(手机号码="１３８００１３８０００", 入会时间="２０１９／９／１９", 所在工会="白塔埠镇（化工）工会")
    assert row.status == "valid", row.messages
    assert row.data["mobile"] == "13800138000"
    assert row.data["join_date"] == dt.date(2019, 9, 19)
    assert row.data["union_name"] == "白塔埠镇（化工）工会"


# --- the cell reader against openpyxl ------------------------------------------------------------


def _to_shared_strings(content: bytes) -> bytes:
    """openpyxl writes text inline; Excel keeps it in a shared-string table. Rewrite it that way."""
    import re
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(content))
    strings: list[str] = []

    def share(match: re.Match) -> str:
        strings.append(match.group(2))
        return f'<c{match.group(1)} t="s"><v>{len(strings) - 1}</v></c>'

    sheet = re.sub(
        r'<c([^>]*?) t="inlineStr"><is>(.*?)</is></c>', share, source.read("xl/worksheets/sheet1.xml").decode()
    )
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    table = f'<sst xmlns="{ns}">' + "".join(f"<si>{s}</si>" for s in strings) + "</sst>"
    rel = (
        '<Relationship Id="rIdStrings" Target="sharedStrings.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
    )
    override = (
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name).decode()
            if name == "xl/worksheets/sheet1.xml":
                data = sheet
            elif name == "xl/_rels/workbook.xml.rels":
                data = data.replace("</Relationships>", rel + "</Relationships>")
            elif name == "[Content_Types].xml":
                data = data.replace("</Types>", override + "</Types>")
            target.writestr(name, data)
        target.writestr("xl/sharedStrings.xml", table)
    return out.getvalue()


def _odd_cells_workbook() -> bytes:
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    wb = Workbook()
    ws = wb.active
    ws.append(["标题", None, None])
    ws.append(["姓名", "身份证号码", "入会时间", "数字", "布尔", "公式", "错误"])
    ws.append(["张三", GOOD_ID, dt.datetime(2019, 9, 19), 43727, True, "=1+1", "#N/A"])  # noqa: DTZ001 - Excel has no zones
    ws.append([CellRichText("李", TextBlock(InlineFont(b=True), "四")), "x005F_y", dt.date(2020, 1, 2), 1981.1, False])
    ws["D4"].number_format = "0.00"
    ws["F5"] = 3.207222004020309e17
    ws["A7"] = "  空格  "
    ws.merge_cells("A1:C1")
    ws.merge_cells("G3:G6")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _as_openpyxl_gives_it(value):
    """What python-calamine reads, in openpyxl's terms: an empty cell is None, a whole number an
    int, a date cell at midnight a datetime; an error cell (#N/A) reads as empty."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)  # noqa: DTZ001 - Excel has no zones
    return value


@pytest.mark.parametrize("string_table", [False, True], ids=["inline strings", "shared strings"])
@pytest.mark.parametrize("source", ["real file", "odd cells"])
def test_cell_reader_gives_what_openpyxl_gives(source, string_table):
    """The reader the imports use (python-calamine, apps.core.spreadsheets) against openpyxl's own
    full load, cell by cell."""
    from openpyxl import load_workbook

    from apps.core.spreadsheets import open_workbook

    if source == "real file":
        content = REAL_FILE.read_bytes()
    else:
        content = _odd_cells_workbook()
    if string_table:
        content = _to_shared_strings(content)
    expected = load_workbook(io.BytesIO(content), data_only=True).active
    book, error = open_workbook(content)
    assert error is None
    try:
        sheet = book.sheet(book.sheet_titles()[0])
    finally:
        book.close()
    assert sheet.title == expected.title
    assert sorted(sheet.merges) == sorted(r.bounds for r in expected.merged_cells.ranges)
    for row in expected.iter_rows():
        for cell in row:
            value = cell.value if cell.data_type != "e" else None
            if string_table and value == "y":
                # openpyxl drops "x005F_" from a shared string even where it is no _x005F_
                # escape; calamine keeps the text as written, as Excel shows it.
                value = "x005F_y"
            assert _as_openpyxl_gives_it(sheet.value(cell.row, cell.column)) == value, cell.coordinate


@pytest.mark.parametrize(
    ("birth", "cell", "status", "words"),
    [
        ("19850315", "1986.03", "warning", ["出生年月：", "年份", "不一致"]),
        ("19850315", "1985.07", "warning", ["出生年月：", "月份", "不一致"]),
        ("19850315", 1985.07, "warning", ["月份"]),
        ("19850315", "1985年7月", "warning", ["月份"]),
        ("19850315", "八五年", "warning", ["出生年月：", "无法识别"]),
        ("20310709", None, "error", ["身份证号码：", "晚于今天"]),
        ("18990506", None, "error", ["身份证号码：", "早于 1900 年"]),
        ("19851345", None, "error", ["身份证号码：", "不是有效日期"]),
    ],
)
def test_messages_carry_no_birth_year_or_month(birth, cell, status, words):
    """The report names the column and what to do, never the birth date or a part of it: not the
    ID's digits 7–14, not what the 出生年月 cell says."""
    from .conftest import make_id

    row = parse_one(身份证号码=make_id(birth=birth), 出生年月=cell)
    text = " ".join(row.messages)
    assert row.status == status and all(word in text for word in words), text
    year, month = birth[:4], birth[4:6]
    for leaked in (year, year[2:] + "年", f"{year}{month}", birth, str(cell)[:4]):
        assert leaked not in text, (leaked, text)


# --- the old .xls format ---------------------------------------------------------------------------

REAL_XLS = DATA / "roster-baitabu-chemical.xls"  # the .xlsx saved as .xls (tests/fixtures/README.md)


def test_an_xls_roster_is_read_exactly_as_the_same_xlsx():
    assert REAL_XLS.read_bytes()[:8] == bytes.fromhex("D0CF11E0A1B11AE1")  # an OLE2 file
    xlsx, xls = parse_roster(REAL_FILE, today=TODAY), parse_roster(REAL_XLS, today=TODAY)
    assert xls.error is None
    assert (xls.sheet_name, xls.header_row, xls.summary_row) == (xlsx.sheet_name, xlsx.header_row, xlsx.summary_row)
    assert [(r.row, r.status, r.messages, r.data) for r in xls.rows] == [
        (r.row, r.status, r.messages, r.data) for r in xlsx.rows
    ]


def test_an_ole2_file_that_is_no_workbook_is_a_fatal_chinese_error():
    parse = parse_roster(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 4000, today=TODAY)
    assert parse.error is not None and "无法读取文件" in parse.error


def test_an_xls_beyond_the_limits_is_refused_before_a_row_is_read():
    from apps.core.spreadsheets import SheetLimits

    parse = parse_roster(REAL_XLS, today=TODAY, limits=SheetLimits(rows=100))
    assert parse.error is not None and "超过每次导入的上限 100 行" in parse.error
    parse = parse_roster(REAL_XLS, today=TODAY, limits=SheetLimits(columns=10))
    assert parse.error is not None and "超过上限 10 列" in parse.error


def test_a_password_protected_workbook_says_so():
    """Excel saves a workbook with an opening password as an OLE2 file holding an
    "EncryptedPackage" stream, whatever its name: here the .xls's Workbook stream renamed so."""
    content = REAL_XLS.read_bytes()
    at = content.find("Workbook".encode("utf-16-le"))
    content = content[:at] + "EncryptedPackage".encode("utf-16-le") + content[at + 32 :]
    parse = parse_roster(content, today=TODAY)
    assert parse.error is not None and "密码" in parse.error
