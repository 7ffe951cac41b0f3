"""How fast a statement of a city's size is parsed and reconciled (not a test: a measurement).

    DJANGO_SETTINGS_MODULE=unionportal.settings.test python -m tests.dues.bench_statement [ROWS]

Builds a statement of ROWS data rows (50,000 by default) as the bureau lays it out: monthly and
quarterly payers, amounts as numbers and as text with thousands separators, credit codes in the
forms offices type, refund rows, a bad row in every thousand; then times parse_statement and
reconcile. The issue asks for 5,000 rows/s, a 50,000-row statement within 10 s.
"""

from __future__ import annotations

import io
import random
import sys
import time

import django


def build_statement(rows: int, seed: int = 0) -> tuple[bytes, list[str]]:
    from openpyxl import Workbook

    from .statement_files import HEADER, MONTHS, QUARTER, credit_code

    chooser = random.Random(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("代征明细")
    sheet.append(["国家税务总局某市税务局 代征工会经费明细表"])
    sheet.append(["所属期：2026年7月1日至2026年9月30日", None, None, None, None, None, None, "单位：元"])
    sheet.append(HEADER)
    codes = [credit_code(seed * 1_000_000 + i) for i in range(rows // 2 + 1)]
    written = payer = 0
    while written < rows:
        code = codes[payer % len(codes)]
        payer += 1
        periods = MONTHS if chooser.random() < 0.6 else (QUARTER,)
        for start, end in periods:
            if written >= rows:
                break
            basis = round(chooser.uniform(20_000, 2_000_000), 2)
            paid = round(basis * 0.02 * chooser.choice((1, 1, 1, 0.9, 1.1)), 2)
            shown = (
                code
                if chooser.random() < 0.8
                else chooser.choice((code.lower(), f"'{code}", f" {code[:9]} {code[9:]} "))
            )
            basis_cell = basis if chooser.random() < 0.7 else f"{basis:,.2f}"
            paid_cell = paid if chooser.random() < 0.7 else f"{paid:,.2f}"
            if written % 1000 == 999:
                paid_cell = "壹万元"
            written += 1
            sheet.append(
                [written, shown, "某某有限公司", start, end, basis_cell, "2%", paid_cell, "2026-10-14", "税务局", None]
            )
            if written % 500 == 0 and written < rows:
                written += 1
                sheet.append(
                    [
                        written,
                        code,
                        "某某有限公司",
                        start,
                        end,
                        0,
                        "2%",
                        -round(paid / 10, 2),
                        "2026-09-28",
                        "税务局",
                        "退库",
                    ]
                )
    sheet.append([None, "合计"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), codes[: len(codes) * 9 // 10]


def main(rows: int = 50_000) -> None:
    from apps.dues.statement import parse_statement, reconcile, statement_report_json

    began = time.perf_counter()
    content, registered = build_statement(rows)
    print(f"built {rows:,} rows ({len(content) / 1e6:.1f} MB) in {time.perf_counter() - began:.1f} s")
    began, cpu_began = time.perf_counter(), time.process_time()
    parsed = parse_statement(content)
    parsed_at = time.perf_counter()
    verdicts = reconcile(parsed, registered)
    reconciled_at = time.perf_counter()
    statement_report_json(parsed, verdicts)
    reported_at = time.perf_counter()
    total = reconciled_at - began
    cpu = time.process_time() - cpu_began  # what the work costs on a machine nothing else is using
    print(
        f"parse {parsed_at - began:.2f} s, reconcile {reconciled_at - parsed_at:.3f} s "
        f"(report JSON {reported_at - reconciled_at:.3f} s): {len(parsed.rows) / total:,.0f} rows/s; "
        f"{len(parsed.error_rows)} error rows, {len(verdicts):,} enterprises; "
        f"CPU time for parse + reconcile + report {cpu:.2f} s"
    )


if __name__ == "__main__":
    django.setup()
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
