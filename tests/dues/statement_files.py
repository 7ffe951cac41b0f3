"""Tax statements (税务代征工会经费明细) built in the test, laid out as the bureau sends them."""

from __future__ import annotations

import io
import random

from openpyxl import Workbook
from stdnum.cn import uscc

from apps.branches.validators import credit_code_problem

HEADER = [
    "序号",
    "纳税人识别号",
    "纳税人名称",
    "所属期起",
    "所属期止",
    "计征依据（工资总额）",
    "征收率",
    "实缴金额",
    "入库日期",
    "征收机关",
    "备注",
]
PERIOD_LINE = "所属期：2026年7月1日至2026年9月30日"
QUARTER = ("2026-07-01", "2026-09-30")
MONTHS = (("2026-07-01", "2026-07-31"), ("2026-08-01", "2026-08-31"), ("2026-09-01", "2026-09-30"))
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit_code(seed: int) -> str:
    """A valid unified social credit code of an enterprise in 东海县 (320722), one per seed."""
    chooser = random.Random(seed)
    body = "91320722" + "".join(chooser.choice(_ALPHABET) for _ in range(9))
    code = body + uscc.calc_check_digit(body)
    assert credit_code_problem(code) is None
    return code


def wrong_check_character(code: str) -> str:
    """The same code with another check character: well-formed, but wrong."""
    other = next(c for c in _ALPHABET if c != code[-1])
    return code[:-1] + other


def row(code, basis, paid, *, period=QUARTER, name="东海县某某有限公司", rate="2%", notes=None, paid_on="2026-10-14"):
    """One data row in HEADER's order (序号 filled in by statement_file)."""
    return [None, code, name, period[0], period[1], basis, rate, paid, paid_on, "东海县税务局", notes]


def statement_file(
    rows,
    *,
    header=HEADER,
    period_line=PERIOD_LINE,
    blank_rows_at=(),
    summary=True,
    footnotes=(),
) -> bytes:
    """The .xlsx bytes: a title, the 所属期 line, the header, the rows (序号 filled in where the
    row leaves it None), blank rows before the given data indexes, a 合计 row, footnotes."""
    book = Workbook()
    sheet = book.active
    sheet.title = "代征明细"
    sheet.append(["国家税务总局东海县税务局 代征工会经费明细表"])
    if period_line is not None:
        sheet.append([period_line, None, None, None, None, None, None, "单位：元"])
    sheet.append(list(header))
    seq_column = header.index("序号") if "序号" in header else None
    for index, values in enumerate(rows):
        if index in blank_rows_at:
            sheet.append([])
        values = list(values)
        if seq_column is not None and values[seq_column] is None:
            values[seq_column] = index + 1
        sheet.append(values)
    if summary:
        sheet.append([None, "合计"])
    for note in footnotes:
        sheet.append([note])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def reorder(values, header, new_header):
    """A row in HEADER's order, laid out for ``new_header`` (same titles, another order)."""
    by_title = dict(zip(header, values, strict=True))
    return [by_title[title] for title in new_header]
