"""The tax bureau's statement (税务代征工会经费明细): the shared sample reproduced exactly, and
statements built in the test for each thing a bureau's file does (no database)."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from apps.core.imports import ImportFileError
from apps.dues.statement import parse_statement, reconcile, statement_report_json, sums_by_period

from .statement_files import HEADER, MONTHS, credit_code, row, statement_file, wrong_check_character

DATA = Path(__file__).resolve().parents[1] / "fixtures" / "dues"
SAMPLE = DATA / "tax-union-fund-2026Q3.xlsx"
SAMPLE_EXPECTED = DATA / "tax-union-fund-2026Q3.expected.json"

A, B, C = credit_code(1), credit_code(2), credit_code(3)


def verdicts_by_code(parsed, registered):
    return {verdict.credit_code: verdict for verdict in reconcile(parsed, registered)}


# --- the shared sample ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    expected = json.loads(SAMPLE_EXPECTED.read_text(encoding="utf-8"))
    parsed = parse_statement(SAMPLE)
    registered = [enterprise["credit_code"] for enterprise in expected["registered"]]
    return parsed, expected, reconcile(parsed, registered)


def test_sample_period_header_and_summary(sample):
    parsed, expected, _verdicts = sample
    assert parsed.period_start.isoformat() == expected["period"]["start"]
    assert parsed.period_end.isoformat() == expected["period"]["end"]
    assert parsed.header_row == expected["header_row"]
    assert parsed.summary_row == expected["summary_row"]


def test_sample_every_row_as_expected(sample):
    parsed, expected, _verdicts = sample
    got = {
        str(r.row): {"status": "ok", "credit_code": r.credit_code}
        if r.status == "ok"
        else {"status": "error", "reason": r.reason}
        for r in parsed.rows
    }
    assert got == expected["rows"]
    # Blank rows, the title, the header and the 合计 row are no rows of the report.
    assert [r.row for r in parsed.rows] == sorted(int(number) for number in expected["rows"])


def test_sample_every_enterprise_as_expected_in_order(sample):
    parsed, expected, verdicts = sample
    report = statement_report_json(parsed, verdicts)
    got = {e["credit_code"]: {"status": e["status"], "due": e["due"], "paid": e["paid"]} for e in report["enterprises"]}
    assert got == expected["enterprises"]
    assert list(got) == list(expected["enterprises"])


def test_sample_error_rows_say_row_and_problem_in_chinese(sample):
    parsed, _expected, _verdicts = sample
    messages = {r.row: r.messages for r in parsed.error_rows}
    assert messages[9] == ["第 9 行：实缴金额“壹万元”不是金额。请填写阿拉伯数字（如 10000.00）。"]
    assert "第 69 行" in messages[69][0] and "校验位不正确" in messages[69][0]
    assert messages[100][0].startswith("第 100 行：纳税人识别号为空")
    assert all(r.messages == [] and r.reason is None for r in parsed.ok_rows)


def test_sample_report_json_shape(sample):
    parsed, _expected, verdicts = sample
    report = statement_report_json(parsed, verdicts)
    assert set(report) == {"rows", "enterprises"}
    assert report["rows"][0] == {"row": 4, "status": "ok", "credit_code": "91320722K6FR9G833L", "messages": []}
    bad_code = next(r for r in report["rows"] if r["row"] == 69)
    assert bad_code["status"] == "error" and bad_code["credit_code"] is None and len(bad_code["messages"]) == 1
    unpaid = next(e for e in report["enterprises"] if e["status"] == "unpaid")
    assert unpaid["due"] is None and unpaid["paid"] == "0.00"
    json.dumps(report, ensure_ascii=False)  # plain JSON: strings, numbers, None


def test_sample_float_cell_read_to_the_cent(sample):
    parsed, _expected, _verdicts = sample
    first = parsed.rows[0]
    assert first.paid == Decimal("1862.79") and first.basis == Decimal("74511.39")
    assert first.due == Decimal("1490.23")  # 74511.39 × 2% = 1490.2278
    assert first.rate == Decimal("0.02")


# --- cents ------------------------------------------------------------------------------------------


def test_each_row_rounded_half_up_then_summed():
    # 100.25 × 2% = 2.005: 2.01 half up (a float would give 2.00); three months are 6.03, not
    # 2% of the quarter's 300.75 (6.02).
    rows = [row(A, 100.25, "2.01", period=month) for month in MONTHS]
    rows += [row(B, 0.25, 0.01), row(C, 1862.75, "37.26")]  # 0.005 → 0.01; 37.255 → 37.26
    parsed = parse_statement(statement_file(rows))
    assert [r.due for r in parsed.rows] == [Decimal("2.01")] * 3 + [Decimal("0.01"), Decimal("37.26")]
    verdicts = verdicts_by_code(parsed, [A, B, C])
    assert verdicts[A].due == Decimal("6.03") and verdicts[A].status == "paid"
    assert verdicts[B].status == "paid" and verdicts[C].status == "paid"


def test_just_below_half_rounds_down():
    parsed = parse_statement(statement_file([row(A, "100.24", "2.00")]))  # 2.0048
    assert parsed.rows[0].due == Decimal("2.00")


def test_amounts_as_text_with_thousands_separators_and_full_width_digits():
    rows = [
        row(A, "1,574,738.71", "31,494.77"),
        row(B, "１，２３４，５６７．８９", "２４６９１．３６"),
        row(C, " 500,000.00 元", "¥10,000.00"),
    ]
    parsed = parse_statement(statement_file(rows))
    assert [r.status for r in parsed.rows] == ["ok", "ok", "ok"]
    assert [r.basis for r in parsed.rows] == [Decimal("1574738.71"), Decimal("1234567.89"), Decimal("500000.00")]
    assert [r.paid for r in parsed.rows] == [Decimal("31494.77"), Decimal("24691.36"), Decimal("10000.00")]
    verdicts = verdicts_by_code(parsed, [A, B, C])
    assert verdicts[A].status == "paid" and verdicts[B].status == "paid" and verdicts[C].status == "paid"


def test_refund_row_counts_negative_in_paid():
    rows = [
        row(A, 1225993.03, 24519.86),
        row(A, 0, -2451.99, notes="退库", paid_on="2026-09-28"),
        row(B, 10000, 200),
        row(B, None, "-200.00", notes="退库"),  # a refund with no payroll declared
    ]
    parsed = parse_statement(statement_file(rows))
    assert [r.status for r in parsed.rows] == ["ok"] * 4
    refund = parsed.rows[1]
    assert refund.is_refund and refund.paid == Decimal("-2451.99") and refund.due == Decimal("0.00")
    verdicts = verdicts_by_code(parsed, [A, B])
    assert verdicts[A].status == "partial"
    assert verdicts[A].paid == Decimal("22067.87") and verdicts[A].due == Decimal("24519.86")
    assert verdicts[A].shortfall == Decimal("2451.99")
    report = statement_report_json(parsed, list(verdicts.values()))
    assert report["enterprises"][1] == {"credit_code": B, "status": "partial", "due": "200.00", "paid": "0.00"}


def test_refund_marked_with_a_positive_amount_is_refused():
    parsed = parse_statement(statement_file([row(A, 0, 150, notes="退库")]))
    assert parsed.rows[0].status == "error" and parsed.rows[0].reason == "bad_refund"


def test_quarterly_and_monthly_payers():
    rows = [row(A, 500000, 10000)] + [row(B, 100000 * (i + 1), 2000 * (i + 1), period=m) for i, m in enumerate(MONTHS)]
    parsed = parse_statement(statement_file(rows))
    assert [r.period_kind for r in parsed.rows] == ["quarter", "month", "month", "month"]
    assert parsed.rows[2].period_start == dt.date(2026, 8, 1) and parsed.rows[2].period_end == dt.date(2026, 8, 31)
    verdicts = verdicts_by_code(parsed, [A, B])
    assert (verdicts[A].due, verdicts[A].status) == (Decimal("10000.00"), "paid")
    assert (verdicts[B].due, verdicts[B].paid, verdicts[B].status) == (Decimal("12000.00"), Decimal("12000.00"), "paid")
    assert verdicts[B].rows == [5, 6, 7]
    sums = sums_by_period(parsed)
    assert sums[(B, dt.date(2026, 9, 1), dt.date(2026, 9, 30))]["due"] == Decimal("6000.00")
    assert sums[(A, dt.date(2026, 7, 1), dt.date(2026, 9, 30))]["basis"] == Decimal("500000.00")


def test_period_that_is_no_month_quarter_or_year_is_refused():
    parsed = parse_statement(statement_file([row(A, 1000, 20, period=("2026-07-01", "2026-08-31"))]))
    assert parsed.rows[0].reason == "bad_period" and "2026-07-01 至 2026-08-31" in parsed.rows[0].messages[0]


def test_columns_in_another_order_under_other_titles():
    header = [
        "统一社会信用代码",
        "实缴金额（元）",
        "纳税人名称",
        "计征依据(工资总额)",
        "序号",
        "所属期止",
        "所属期起",
        "费率",
    ]
    rows = [
        [A, "2,000.00", "东海县甲公司", 100000, 1, "2026-09-30", "2026-07-01", 0.02],
        [B, 1500, "东海县乙公司", "100,000.00", 2, "2026-07-31", "2026-07-01", "1.5%"],
    ]
    parsed = parse_statement(statement_file(rows, header=header))
    assert parsed.columns["credit_code"] == 1 and parsed.columns["basis"] == 4
    assert [(r.credit_code, r.due, r.paid) for r in parsed.rows] == [
        (A, Decimal("2000.00"), Decimal("2000.00")),
        (B, Decimal("1500.00"), Decimal("1500.00")),
    ]
    assert parsed.rows[1].period_kind == "month" and parsed.rows[1].payer_name == "东海县乙公司"


def test_code_variants_all_normalise_to_the_same_code():
    full_width = A.translate({ord(c): ord(c) + 0xFEE0 for c in A})
    variants = [A.lower(), full_width, f" {A[:9]} {A[9:]} ", f"'{A}", A]
    parsed = parse_statement(statement_file([row(code, 1000, 20) for code in variants]))
    assert {r.credit_code for r in parsed.rows} == {A} and all(r.status == "ok" for r in parsed.rows)
    assert verdicts_by_code(parsed, [A])[A].paid == Decimal("100.00")


def test_preparatory_fund_item_marks_the_payer():
    header = [*HEADER, "征收品目"]
    rows = [[*row(A, 100000, 2000), "工会筹备金"], [*row(B, 100000, 2000), "工会经费"]]
    parsed = parse_statement(statement_file(rows, header=header))
    assert [r.is_preparatory for r in parsed.rows] == [True, False]
    assert parsed.rows[0].item == "工会筹备金"
    verdicts = verdicts_by_code(parsed, [A])
    assert verdicts[A].is_preparatory and not verdicts[B].is_preparatory


# --- bad rows -----------------------------------------------------------------------------------------


def test_bad_rows_refused_with_row_and_reason_while_good_rows_count():
    rows = [
        row(A, 100000, 2000),
        row(wrong_check_character(B), 100000, 2000),
        row(None, 100000, 2000),
        row(C, 61700, "壹万元"),
        row(A, 50000, "1000.005"),  # a fraction of a cent is no amount the bureau collected
        row(A, "十万", 2000),
        row(A, 1000, 20, rate="两个点"),
    ]
    parsed = parse_statement(statement_file(rows))
    assert [(r.row, r.status, r.reason) for r in parsed.rows] == [
        (4, "ok", None),
        (5, "error", "bad_code"),
        (6, "error", "missing_code"),
        (7, "error", "bad_amount"),
        (8, "error", "bad_amount"),
        (9, "error", "bad_amount"),
        (10, "error", "bad_rate"),
    ]
    bad_code, missing, not_a_number = parsed.rows[1], parsed.rows[2], parsed.rows[3]
    assert bad_code.credit_code is None and bad_code.messages[0].startswith("第 5 行：纳税人识别号")
    assert "校验位不正确" in bad_code.messages[0]
    assert missing.messages == ["第 6 行：纳税人识别号为空，无法对应到企业。请补填该纳税人的统一社会信用代码。"]
    assert not_a_number.credit_code == C and "“壹万元”不是金额" in not_a_number.messages[0]
    # Only ok rows count: C, registered, has no good row and is unpaid; the bad code is unknown
    # to nobody (it is no code at all).
    verdicts = verdicts_by_code(parsed, [A, C])
    assert set(verdicts) == {A, C}
    assert (verdicts[A].status, verdicts[A].due, verdicts[A].paid) == ("paid", Decimal("2000.00"), Decimal("2000.00"))
    assert (verdicts[C].status, verdicts[C].due) == ("unpaid", None)


def test_a_row_with_two_problems_gives_both():
    parsed = parse_statement(statement_file([row(None, "abc", "壹万元")]))
    only = parsed.rows[0]
    assert only.reasons == ["missing_code", "bad_amount", "bad_amount"] and len(only.messages) == 3
    assert only.reason == "missing_code"


# --- verdicts -----------------------------------------------------------------------------------------


def test_over_partial_unknown_and_unpaid():
    D = credit_code(4)
    rows = [row(A, 100000, 2500), row(B, 100000, 1500), row(C, 100000, 2000)]
    parsed = parse_statement(statement_file(rows))
    verdicts = reconcile(parsed, {A, B, D})
    assert [(v.credit_code, v.status) for v in verdicts] == [(A, "over"), (B, "partial"), (C, "unknown"), (D, "unpaid")]
    over, partial = verdicts[0], verdicts[1]
    assert over.excess == Decimal("500.00") and partial.shortfall == Decimal("500.00")
    assert statement_report_json(parsed, verdicts)["enterprises"][3] == {
        "credit_code": D,
        "status": "unpaid",
        "due": None,
        "paid": "0.00",
    }


def test_absent_registered_enterprises_in_the_order_given_sorted_for_a_set():
    parsed = parse_statement(statement_file([row(A, 1000, 20)]))
    codes = [credit_code(seed) for seed in range(10, 16)]
    assert [v.credit_code for v in reconcile(parsed, codes)][1:] == codes
    assert [v.credit_code for v in reconcile(parsed, set(codes))][1:] == sorted(codes)


def test_refund_that_cancels_the_payment_reports_zero_not_minus_zero():
    parsed = parse_statement(statement_file([row(A, 0, 20), row(A, 0, -20, notes="退库")]))
    report = statement_report_json(parsed, reconcile(parsed, [A]))
    assert report["enterprises"] == [{"credit_code": A, "status": "paid", "due": "0.00", "paid": "0.00"}]


# --- the layout ---------------------------------------------------------------------------------------


def test_blank_rows_summary_row_and_footnotes_left_out():
    rows = [row(A, 1000, 20), row(B, 1000, 20), row(C, 1000, 20)]
    content = statement_file(rows, blank_rows_at=(1, 2), footnotes=("制表人：张三", "说明：金额单位为元"))
    parsed = parse_statement(content)
    assert [r.row for r in parsed.rows] == [4, 6, 8]
    assert parsed.summary_row == 9 and all(r.status == "ok" for r in parsed.rows)


def test_total_row_with_amounts_and_spaced_title_is_the_summary():
    book = Workbook()
    sheet = book.active
    sheet.append(["代征工会经费明细表"])
    sheet.append(["所属期：2026-07-01 至 2026-09-30"])
    sheet.append(HEADER)
    sheet.append(row(A, 1000, 20))
    sheet.append(["合  计", None, None, None, None, 1000, None, 20])
    parsed = _parse_book(book)
    assert [r.row for r in parsed.rows] == [4] and parsed.summary_row == 5


def test_real_date_cells_and_a_period_line_in_two_cells():
    book = Workbook()
    sheet = book.active
    sheet.append(["代征工会经费明细表"])
    sheet.append(["税款所属期：", "2026年7月至2026年9月"])
    sheet.append(HEADER)
    sheet.append([1, A, "甲", dt.date(2026, 7, 1), dt.date(2026, 7, 31), 1000, "2%", 20, dt.date(2026, 8, 15)])
    sheet.append([2, B, "乙", None, None, 1000, None, 20])  # no period: the statement's; no rate: 2%
    parsed = _parse_book(book)
    assert (parsed.period_start, parsed.period_end) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    first, second = parsed.rows
    assert first.status == "ok" and first.period_kind == "month" and first.paid_on == dt.date(2026, 8, 15)
    assert (second.period_start, second.period_end, second.rate) == (
        dt.date(2026, 7, 1),
        dt.date(2026, 9, 30),
        Decimal("0.02"),
    )


def _parse_book(book):
    import io

    buffer = io.BytesIO()
    book.save(buffer)
    return parse_statement(buffer.getvalue())


# --- whole-file problems --------------------------------------------------------------------------------


def test_missing_header_is_a_file_error_in_chinese():
    content = statement_file([row(A, 1000, 20)], header=["甲", "乙", "丙"])
    with pytest.raises(ImportFileError, match="没有找到表头"):
        parse_statement(content)


def test_header_lacking_a_required_column_names_it():
    header = [title for title in HEADER if title != "实缴金额"]
    with pytest.raises(ImportFileError, match="表头缺少必需的列：“实缴金额”"):
        parse_statement(statement_file([row(A, 1000, 20)[:-1]], header=header))


def test_missing_period_line_is_a_file_error():
    with pytest.raises(ImportFileError, match="没有找到所属期"):
        parse_statement(statement_file([row(A, 1000, 20)], period_line=None))


@pytest.mark.parametrize("content", [b"", b"not a spreadsheet", "序号,纳税人识别号\n".encode()])
def test_not_a_spreadsheet_is_a_file_error(content):
    with pytest.raises(ImportFileError, match="无法读取文件"):
        parse_statement(content)


def test_fast_credit_code_check_agrees_with_the_validators():
    # The statement answers right codes without python-stdnum's per-call clean-up (speed); its
    # verdict must be credit_code_problem()'s for right codes, wrong check characters, letters
    # among the first eight, the excluded letters and wrong lengths alike.
    from stdnum.cn import uscc

    from apps.branches.validators import credit_code_problem
    from apps.dues.statement import _code_problem

    codes = [credit_code(seed) for seed in range(300)]
    codes += [wrong_check_character(code) for code in codes[:100]]
    codes += [code[:3] + "A" + code[4:] for code in codes[:50]]  # a letter in the region code
    # ... even with the check character that letter would give: stdnum wants eight digits
    codes += [code[:3] + "A" + code[4:17] + uscc.calc_check_digit(code[:3] + "A" + code[4:17]) for code in codes[:50]]
    codes += [code[:10] + "I" + code[11:] for code in codes[:50]]  # I is not in the alphabet
    codes += [code[:17] for code in codes[:20]] + [code + "0" for code in codes[:20]]
    assert sum(credit_code_problem(code) is None for code in codes) == 300
    assert [_code_problem(code) for code in codes] == [credit_code_problem(code) for code in codes]


def test_code_merged_down_over_a_payers_months_counts_for_each():
    book = Workbook()
    sheet = book.active
    sheet.append(["代征工会经费明细表"])
    sheet.append(["所属期：2026年7月1日至2026年9月30日"])
    sheet.append(HEADER)
    for index, (start, end) in enumerate(MONTHS):
        sheet.append([index + 1, A if index == 0 else None, "甲", start, end, 1000, "2%", 20])
    sheet.merge_cells("B4:B6")
    parsed = _parse_book(book)
    assert [(r.status, r.credit_code) for r in parsed.rows] == [("ok", A)] * 3
    assert verdicts_by_code(parsed, [A])[A].paid == Decimal("60.00")


def test_two_level_header_with_the_period_over_start_and_end():
    book = Workbook()
    sheet = book.active
    sheet.append(["代征工会经费明细表"])
    sheet.append(["所属期：2026年7月1日至2026年9月30日"])
    sheet.append(["序号", "统一社会信用代码", "纳税人名称", "所属期", None, "计征依据", "实缴金额"])
    sheet.append([None, None, None, "起", "止"])
    for column in "ABCFG":
        sheet.merge_cells(f"{column}3:{column}4")
    sheet.merge_cells("D3:E3")
    sheet.append([1, A, "甲", "2026-08-01", "2026-08-31", 1000, 20])
    parsed = _parse_book(book)
    assert [r.row for r in parsed.rows] == [5]
    assert (parsed.rows[0].status, parsed.rows[0].period_kind) == ("ok", "month")
    assert parsed.rows[0].period_start == dt.date(2026, 8, 1)


def test_period_in_one_column_and_the_header_repeated_on_a_new_page():
    header = ["序号", "纳税人识别号", "所属期", "计征依据", "实缴金额"]
    rows = [
        [1, A, "2026-07-01至2026-07-31", 1000, 20],
        header,  # printed page by page: the header again
        [2, B, "2026年7月1日—2026年9月30日", 1000, 20],
        [3, C, "七月份", 1000, 20],
    ]
    parsed = parse_statement(statement_file(rows, header=header))
    assert [(r.row, r.status, r.period_kind) for r in parsed.rows] == [
        (4, "ok", "month"),
        (6, "ok", "quarter"),
        (7, "error", None),
    ]
    assert parsed.rows[2].reason == "bad_period"


@pytest.mark.parametrize(
    ("rate", "due"),
    [("2%", "20.00"), (0.02, "20.00"), ("0.02", "20.00"), (2, "20.00"), (None, "20.00"), ("1.5%", "15.00")],
)
def test_rate_as_the_statement_writes_it(rate, due):
    parsed = parse_statement(statement_file([row(A, 1000, due, rate=rate)]))
    assert parsed.rows[0].status == "ok" and parsed.rows[0].due == Decimal(due)


def test_separators_that_do_not_group_by_three_are_no_amount():
    # "12,34" may be a decimal comma: it is refused rather than read as 1,234.
    parsed = parse_statement(statement_file([row(A, 1000, "12,34"), row(A, "1,0000", 20), row(A, 1000, "-1,234.50")]))
    assert [r.reason for r in parsed.rows] == ["bad_amount", "bad_amount", None]
    assert parsed.rows[2].paid == Decimal("-1234.50") and parsed.rows[2].is_refund


def test_absurd_numbers_are_bad_amounts_not_a_crash():
    rows = [row(A, 1000, "9" * 40), row(A, 1e300, 20), row(A, 1000, "nan"), row(A, "Infinity", 20), row(A, 1000, "1e5")]
    parsed = parse_statement(statement_file(rows))
    assert [r.reason for r in parsed.rows] == ["bad_amount"] * 5
    assert "超出合理范围" in parsed.rows[0].messages[0] and "超出合理范围" in parsed.rows[1].messages[0]


def test_the_safe_readers_limits_hold_and_leave_room_for_a_citys_statement():
    from apps.core.spreadsheets import SheetLimits
    from apps.dues.statement import statement_limits

    content = statement_file([row(credit_code(seed), 1000, 20) for seed in range(10)])
    with pytest.raises(ImportFileError, match="超过每次导入的上限 5 行"):
        parse_statement(content, limits=SheetLimits(rows=5))
    assert statement_limits().rows >= 50_000 + 10  # 50,000 payments and the rows around them


@pytest.mark.parametrize(
    ("line", "start", "end"),
    [
        ("所属期：2026年7月1日至2026年9月30日", "2026-07-01", "2026-09-30"),
        ("所属期:2026-07-01 至 2026-09-30", "2026-07-01", "2026-09-30"),
        ("所属期：2026.07.01-2026.09.30", "2026-07-01", "2026-09-30"),
        ("税款所属期：2026年7月至9月", "2026-07-01", "2026-09-30"),
        ("所属期：2026年7月至2026年9月", "2026-07-01", "2026-09-30"),
        ("所属期：2026年第3季度", "2026-07-01", "2026-09-30"),
        ("所属期：2026年三季度", "2026-07-01", "2026-09-30"),
        ("所属期：2026年8月", "2026-08-01", "2026-08-31"),
        ("代征工会经费明细表（所属期：20260701-20260930）", "2026-07-01", "2026-09-30"),
    ],
)
def test_period_line_as_bureaus_write_it(line, start, end):
    parsed = parse_statement(statement_file([row(A, 1000, 20, period=(None, None))], period_line=line))
    assert (parsed.period_start.isoformat(), parsed.period_end.isoformat()) == (start, end)


def test_notes_below_the_rows_without_a_summary_row_are_no_payments():
    rows = [row(A, 1000, 20)]
    parsed = parse_statement(statement_file(rows, summary=False, footnotes=("制表人：张三", "说明：单位为元")))
    assert [r.row for r in parsed.rows] == [4] and parsed.summary_row is None
    # A row with a name and amounts but no code is still reported, as a missing code.
    parsed = parse_statement(statement_file([row(None, 1000, 20)], summary=False))
    assert [(r.row, r.reason) for r in parsed.rows] == [(4, "missing_code")]
