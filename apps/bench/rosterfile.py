"""A large roster (花名册) workbook for the import benchmark, and the measurement of its import.

The file looks like the offices' own (the shared sample's layout): a merged title row, a 填报 line,
the Chinese header, one member per row with the cell types Excel users leave behind (ID numbers
as text, join dates as date cells or typed text, 出生年月 as "1981.01"), and a 合计 row at the end.
Everyone in it is valid and unique, so the numbers measure the whole import path, not the
error branch.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import time

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from apps.members.idnumbers import check_character
from apps.members.imports import roster_import_execute
from apps.members.models import RosterImport

HEADER = (
    "序号",
    "姓名",
    "性别",
    "民族",
    "身份证号码",
    "出生年月",
    "文化程度",
    "政治面貌",
    "手机号码",
    "用工形式",
    "入会时间",
    "会员证号",
    "所在工会",
    "备注",
)
# 东海县 and its neighbours: where a county union's members are registered.
REGIONS = ("320722", "320722", "320722", "320722", "320721", "320723", "320724", "321322", "341321", "411524")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志文海燕春雪"
ETHNICITIES = ("汉族",) * 19 + ("回族",)
EDUCATION = ("小学", "初中", "初中", "高中", "中专", "大专", "本科")
POLITICAL = ("群众", "群众", "群众", "中共党员", "共青团员")
EMPLOYMENT = ("合同工", "合同工", "合同工", "临时工", "农民工", "劳务派遣")
UNION_NAME = "江苏白塔化工建材有限公司工会"
# Fixed, so a file built today and one built next year are the same bytes for the same seed.
FILLED_ON = dt.date(2026, 3, 5)
EARLIEST_BIRTH = dt.date(1966, 1, 1)
BIRTH_SPAN_DAYS = 40 * 365  # born 1966–2005: everyone is 18 or older on FILLED_ON


def build_roster_xlsx(rows: int = 10_000, seed: int = 0, *, warnings: int = 0) -> bytes:
    """An .xlsx roster of ``rows`` valid, unique members; the same people for the same arguments.

    ``warnings`` of them (spread through the file) carry a malformed mobile: still importable,
    but reported as a warning, as real files have a few.
    """
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not security
    book = Workbook(write_only=True)
    sheet = book.create_sheet("会员花名册")
    sheet.append([f"东海县白塔埠镇 {UNION_NAME} 会员花名册（{FILLED_ON.year}年）"])
    sheet.merged_cells.ranges.add(f"A1:{chr(ord('A') + len(HEADER) - 1)}1")
    sheet.append(
        ["填报单位（盖章）：", *[None] * 6, f"填报日期：{FILLED_ON.year}年{FILLED_ON.month}月{FILLED_ON.day}日"]
    )
    sheet.append(list(HEADER))
    warning_rows = {round((i + 0.5) * rows / warnings) for i in range(warnings)} if warnings else set()
    seen: set[str] = set()
    for index in range(1, rows + 1):
        number, birth, male = _person(rng, seen)
        join = birth + dt.timedelta(days=365 * 18 + rng.randrange(0, (FILLED_ON - birth).days - 365 * 18 + 1))
        mobile = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
        if index in warning_rows:
            mobile = mobile[:9]  # two digits lost: a warning, the row still imports
        sheet.append(
            [
                index,
                rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2))),
                "男" if male else "女",
                rng.choice(ETHNICITIES),
                number,
                f"{birth.year}.{birth.month:02d}",
                rng.choice(EDUCATION),
                rng.choice(POLITICAL),
                mobile,
                rng.choice(EMPLOYMENT),
                _join_cell(sheet, join, rng),
                None,  # no card yet: the portal issues one, as it does for new members
                UNION_NAME,
                None,
            ]
        )
    sheet.append([None, "合计", *[None] * (len(HEADER) - 3), f"共{rows}人"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _person(rng: random.Random, seen: set[str]) -> tuple[str, dt.date, bool]:
    while True:
        birth = EARLIEST_BIRTH + dt.timedelta(days=rng.randrange(BIRTH_SPAN_DAYS))
        male = rng.random() < 0.55
        sex_digit = rng.choice("13579" if male else "02468")
        first17 = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{rng.randrange(100):02d}{sex_digit}"
        number = first17 + check_character(first17)
        if number not in seen:
            seen.add(number)
            return number, birth, male


def _join_cell(sheet, join: dt.date, rng: random.Random) -> object:
    # Most offices keep a date cell; some type the date as text in one of the usual ways.
    kind = rng.randrange(10)
    if kind < 6:
        cell = WriteOnlyCell(sheet, value=join)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if kind < 8:
        return f"{join.year}/{join.month}/{join.day}"
    return f"{join.year}年{join.month}月{join.day}日"


def measure_roster_import(*, union, user, content: bytes) -> dict:
    """Check, then import, ``content`` into ``union`` the way ``import_roster`` does; times each,
    and the floor for the same file (apps.bench.measure.measure_import_floor) and each reader.

    Runs in the caller's transaction (the benchmark rolls it back): nothing here commits.
    Raises RuntimeError when either step fails, so a broken import never reports a speed.
    """
    from apps.bench.measure import import_multiples, measure_import_floor, measure_readers

    check = _timed_run(union=union, user=user, content=content, commit=False)
    imported = _timed_run(union=union, user=user, content=content, commit=True)
    rows = check["record"].summary["rows"]
    result = {
        "rows": rows,
        "check_s": round(check["seconds"], 3),
        "check_rows_per_s": round(rows / check["seconds"], 1),
        "import_s": round(imported["seconds"], 3),
        "import_rows_per_s": round(rows / imported["seconds"], 1),
        # Measured in the same run on the same file: what the machine can do at best.
        **measure_import_floor(content),
        **measure_readers(content),
    }
    return {**result, **import_multiples(result)}


def _timed_run(*, union, user, content: bytes, commit: bool) -> dict:
    started = time.perf_counter()
    record = RosterImport.objects.create(
        union=union, uploaded_by=user, file_name="bench-roster.xlsx", content=content, commit=commit
    )
    record = roster_import_execute(import_id=record.pk)
    seconds = time.perf_counter() - started
    expected = "imported" if commit else "checked"
    if record.status != expected:
        raise RuntimeError(f"roster import {record.pk} ended {record.status!r}: {record.error}")
    return {"record": record, "seconds": seconds}
