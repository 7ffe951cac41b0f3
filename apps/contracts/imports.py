"""Import of a contract register (集体合同台账) on the shared import rails (apps.core.imports).

Counties hold contracts signed on paper before the portal; a township enters its register
from Excel. The file is read like the roster: the header is found by its Chinese column names
(in any order, under title rows), blank rows and a 合计 row are skipped, digits and credit codes
are read however offices type them (full-width, lower case, spaces). Each row is one contract:

    签订工会 · 合同类型 · 合同范围 · 企业统一社会信用代码 (an enterprise contract) or 企业方代表 and
    覆盖企业信用代码 (a regional or industry contract) · 签订日期 · 期限起始 · 期限终止 · 期限理由 ·
    报送日期 · 收到日期 · 生效日期 · 覆盖职工人数 + 人数说明 · 工资增长幅度（%） · 约定最低工资 ·
    职工方首席代表 · 企业方首席代表

The dry run holds each row to the rules the forms hold a contract to: the union and the
enterprises must be in the importing user's scope, and the contract the row describes must pass
the Contract model's ``full_clean()`` (its ``clean()``: parties by scope, a term outside the
profile's 1–3 years without a reason; its field validators: no step in the future) and its
CHECK constraints (read from the database for the whole file at once). The import then writes
each good row with ``contract_record_existing`` (A1's register service), in the one transaction
of the import: a row the service refuses fails the whole import, nothing half-written.

Idempotent: a row whose contract is already on record (same union, kind, enterprise or
employers' representative, and signing date) is reported "已登记" and not written again.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from openpyxl.utils.cell import get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from apps.branches.selectors import enterprise_list, orgunit_list
from apps.branches.validators import normalize_credit_code
from apps.core.errors import ApplicationError
from apps.core.imports import (
    BASE_ACTION_LABELS,
    Importer,
    ImportFileError,
    ImportRow,
    ParsedFile,
    check_constraint_violations,
    import_task_run,
    register_importer,
)
from apps.core.jobs import job_time_limits
from apps.core.spreadsheets import UNREADABLE, SheetLimits, SpreadsheetTooLarge, open_workbook

from . import clock, rules
from .choices import MULTI_ENTERPRISE_SCOPES, ContractKind, ContractScope, ContractStatus, Party
from .models import Contract, ContractImport
from .services import contract_parties_problems

# --- the columns -----------------------------------------------------------------------------------

# field -> the header texts accepted (matched after _header_key: no spaces, no notes in brackets).
HEADERS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号"),
    "union": ("签订工会", "工会名称", "工会"),
    "kind": ("合同类型", "合同种类", "类型"),
    "scope": ("合同范围", "范围"),
    "credit_code": ("企业统一社会信用代码", "统一社会信用代码", "企业信用代码", "信用代码"),
    "employer_representative": ("企业方代表", "企业方"),
    "covered_codes": ("覆盖企业信用代码", "覆盖企业统一社会信用代码", "覆盖企业"),
    "signed_on": ("签订日期", "签订时间"),
    "term_start": ("期限起始", "期限起始日期", "合同期限起始", "起始日期"),
    "term_end": ("期限终止", "期限终止日期", "合同期限终止", "终止日期"),
    "term_reason": ("期限理由", "期限说明"),
    "sent_on": ("报送日期", "报送时间"),
    "received_on": ("收到日期", "劳动保障行政部门收到日期"),
    "in_force_on": ("生效日期", "生效时间"),
    "workers_covered": ("覆盖职工人数", "职工人数"),
    "workers_covered_reason": ("人数说明", "覆盖职工人数说明"),
    "wage_increase_percent": ("工资增长幅度", "工资增长幅度%", "工资增幅"),
    "minimum_wage": ("约定最低工资", "最低工资"),
    "workers_negotiator": ("职工方首席代表",),
    "employer_negotiator": ("企业方首席代表",),
    "notes": ("备注",),
}
# The columns a register must have; the header is the first row naming the first two.
REQUIRED_COLUMNS = ("union", "signed_on", "kind", "term_start", "term_end", "in_force_on")
HEADER_SEARCH_ROWS = 20
_HEADER_LOOKUP = {text: name for name, texts in HEADERS.items() for text in texts}
# The template's example row says so in its 备注: it is never taken for a contract.
EXAMPLE_ROW_NOTE = "示例行"
_SUMMARY_PREFIXES = ("合计", "总计")

KIND_WORDS = {
    ContractKind.COMPREHENSIVE: ("综合性集体合同", "综合性", "综合", "集体合同"),
    ContractKind.WAGE: ("工资专项集体合同", "工资集体合同", "工资专项", "工资"),
    ContractKind.WOMEN: (
        "女职工权益保护专项集体合同",
        "女职工权益保护专项",
        "女职工专项集体合同",
        "女职工专项",
        "女职工",
    ),
    ContractKind.SAFETY: ("安全生产专项集体合同", "安全生产专项", "安全生产"),
    ContractKind.OTHER: ("其他专项集体合同", "其他专项", "其他"),
}
SCOPE_WORDS = {
    ContractScope.ENTERPRISE: ("企业", "企业集体合同", "企业合同", "单个企业"),
    ContractScope.REGIONAL: ("区域性", "区域", "区域性集体合同"),
    ContractScope.INDUSTRY: ("行业性", "行业", "行业性集体合同"),
}
_KINDS = {word: kind for kind, words in KIND_WORDS.items() for word in words}
_SCOPES = {word: scope for scope, words in SCOPE_WORDS.items() for word in words}
# Several credit codes in one cell: 、 ； ; , ， or new lines between them.
_CODE_SEPARATORS = re.compile(r"[、；;,，/\s]+")
_DATE_TEXT = re.compile(r"^[\d年月日号./\-\s]+$")
# Excel day numbers read as dates (1927–2173); smaller numbers are typed text, not dates.
_SERIAL_RANGE = (10_000, 100_000)
_DATE_HOW = "请按“2024-03-01”或“2024年3月1日”的格式填写完整的年月日。"

# The Contract fields a row fills, and the column that names each (for the messages).
FIELD_COLUMNS = {
    "union": "union",
    "kind": "kind",
    "scope": "scope",
    "enterprise": "credit_code",
    "covered_enterprises": "covered_codes",
    "employer_representative": "employer_representative",
    "signed_on": "signed_on",
    "requested_on": "signed_on",
    "answer_due_on": "signed_on",
    "term_start": "term_start",
    "term_end": "term_end",
    "term_reason": "term_reason",
    "sent_on": "sent_on",
    "received_on": "received_on",
    "in_force_on": "in_force_on",
    "workers_covered": "workers_covered",
    "workers_covered_reason": "workers_covered_reason",
    "wage_increase_percent": "wage_increase_percent",
    "minimum_wage": "minimum_wage",
    "workers_negotiator": "workers_negotiator",
    "employer_negotiator": "employer_negotiator",
}
CONTENT_FIELDS = ("term_reason", "wage_increase_percent", "minimum_wage", "workers_negotiator", "employer_negotiator")

ACTION_LABELS = {**BASE_ACTION_LABELS, "create": "登记合同", "unchanged": "已登记，不重复导入"}


# --- reading the file -------------------------------------------------------------------------------


def _header_key(value: object) -> str:
    """'工资增长幅度（%）*' -> '工资增长幅度': no spaces, required-markers or notes in brackets."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = re.sub(r"\(.*?\)|\[.*?\]|【.*?】", "", text)
    return re.sub(r"[\s*:：]", "", text)


def _header_columns(values) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for column, value in enumerate(values, start=1):
        name = _HEADER_LOOKUP.get(_header_key(value))
        if name and name not in found:
            found[name] = (column, str(value).strip())
    return found


def _compact(value: object) -> str:
    return "" if value is None else "".join(str(value).split())


def _text(value: object) -> str:
    """A cell as trimmed text; integral numbers lose Excel's '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return " ".join(str(value).split())


def parse_register(content: bytes, *, limits: SheetLimits | None = None) -> list[dict]:
    """The register's contract rows as {"row", "cells": {field: value}, "columns"}; raises
    ImportFileError (Chinese) for a file that cannot be read or has no recognisable header."""
    book, error = open_workbook(content, limits or SheetLimits.from_settings())
    if book is None:
        raise ImportFileError(error)
    try:
        epoch = CALENDAR_MAC_1904 if book.date1904 else CALENDAR_WINDOWS_1900
        best: dict = {}
        for title in book.sheet_titles():
            sheet = book.sheet(title)
            for row in range(1, HEADER_SEARCH_ROWS + 1):
                found = _header_columns(sheet.row_values(row))
                if "union" in found and "signed_on" in found:
                    return _rows_below(sheet, row, found, epoch)
                if len(found) > len(best):
                    best = found
        raise ImportFileError(_missing_header_message(best))
    except SpreadsheetTooLarge as exc:
        raise ImportFileError(str(exc)) from None
    except ImportFileError:
        raise
    except UNREADABLE:
        raise ImportFileError("无法读取文件：请上传 Excel 文件（.xlsx 或 .xls）。") from None
    finally:
        book.close()


def _missing_header_message(best: dict) -> str:
    if best:
        missing = "、".join(f"“{HEADERS[name][0]}”" for name in ("union", "signed_on") if name not in best)
        return f"表头缺少必填的列：{missing}。请使用“下载台账模板”中的表头，再重新上传。"
    return (
        f"没有找到表头：前 {HEADER_SEARCH_ROWS} 行中没有同时含“签订工会”和“签订日期”两列的行。"
        "请使用“下载台账模板”中的表头，或在数据上方加一行列名后重新上传。"
    )


def _rows_below(sheet, header_row: int, columns: dict, epoch) -> list[dict]:
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        names = "、".join(f"“{HEADERS[name][0]}”" for name in missing)
        raise ImportFileError(f"表头缺少必填的列：{names}。请在表头加上这些列（见“下载台账模板”），再重新上传。")
    seq_column = columns.get("seq", (0, ""))[0]
    notes_column = columns.get("notes", (0, ""))[0]
    rows = []
    for row in sorted(r for r in sheet.rows if r > header_row):
        values = sheet.rows[row]
        texts = [_compact(value) for value in values]
        if any(text.startswith(_SUMMARY_PREFIXES) for text in texts):
            break  # the 合计 row closes the register
        if not any(text for column, text in enumerate(texts, start=1) if column != seq_column):
            continue  # blank rows, and rows with only a pre-filled 序号
        if notes_column and notes_column <= len(texts) and texts[notes_column - 1].startswith(EXAMPLE_ROW_NOTE):
            continue
        cells = {name: values[column - 1] if column <= len(values) else None for name, (column, _l) in columns.items()}
        rows.append({"row": row, "cells": cells, "epoch": epoch})
    labels = {name: f"{label}（{get_column_letter(column)} 列）" for name, (column, label) in columns.items()}
    for item in rows:
        item["labels"] = labels
    return rows


# --- one row's cells ---------------------------------------------------------------------------------


def _label(labels: dict, name: str) -> str:
    return labels.get(name) or HEADERS[name][0]


def _date(value: object, epoch) -> tuple[dt.date | None, str | None]:
    """A date cell however offices fill it: a date, an Excel day number, "2024/3/1", "2024.3.1",
    "2024年3月1日", "20240301", with full-width digits. (None, None) for a blank cell."""
    if value is None or _compact(value) == "":
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _SERIAL_RANGE[0] <= value < _SERIAL_RANGE[1]:
            return from_excel(value, epoch=epoch).date(), None
        value = _text(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not _DATE_TEXT.match(text):
        return None, f"无法识别为日期，{_DATE_HOW}"
    groups = re.findall(r"\d+", text)
    if len(groups) == 1 and len(groups[0]) == 8:
        groups = [groups[0][:4], groups[0][4:6], groups[0][6:]]
    if len(groups) != 3 or len(groups[0]) != 4:
        return None, f"无法识别为日期，{_DATE_HOW}"
    try:
        return dt.date(*(int(group) for group in groups)), None
    except ValueError:
        return None, f"不是有效日期（月或日超出范围），{_DATE_HOW}"


def _number(value: object, *, integer: bool = False) -> tuple[Decimal | int | None, str | None]:
    if value is None or _compact(value) == "":
        return None, None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(str(value))
    else:
        text = unicodedata.normalize("NFKC", str(value))
        text = re.sub(r"[\s,%元/月人名]", "", text)
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None, "不是数字，请只填写数字。"
    if not number.is_finite():
        return None, "不是数字，请只填写数字。"
    if integer:
        if number != number.to_integral_value() or number < 0:
            return None, "应为不小于 0 的整数。"
        return int(number), None
    return number.quantize(Decimal("0.01")), None


def _name(value: object) -> str:
    """A person's name: "张  伟" is padded to line up with three-character names; spaces between
    Han characters go, single spaces elsewhere stay."""
    return re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", _text(value))


def _word(value: object) -> str:
    return _compact(unicodedata.normalize("NFKC", _text(value)))


def read_row(item: dict) -> ImportRow:
    """One register row's cells, cleaned (no database): the values a contract needs, or errors."""
    cells, labels, epoch = item["cells"], item["labels"], item["epoch"]
    errors: list[str] = []
    warnings: list[str] = []

    def error(name: str, message: str) -> None:
        errors.append(f"{_label(labels, name)}：{message}")

    values: dict[str, Any] = {}
    values["union_name"] = _text(cells.get("union"))
    if not values["union_name"]:
        error("union", "未填写，请填写签订合同的工会名称（与平台上登记的名称一致）。")

    kind_text = _word(cells.get("kind"))
    values["kind"] = _KINDS.get(kind_text)
    if values["kind"] is None:
        hint = "、".join(words[0] for words in KIND_WORDS.values())
        error("kind", ("无法识别" if kind_text else "未填写") + f"，请填写以下之一：{hint}。")

    scope_text = _word(cells.get("scope"))
    code = normalize_credit_code(_text(cells.get("credit_code")))
    if scope_text:
        values["scope"] = _SCOPES.get(scope_text)
        if values["scope"] is None:
            error("scope", "无法识别，请填写“企业”“区域性”或“行业性”。")
    else:
        # Left blank: an enterprise contract when it names an enterprise.
        values["scope"] = ContractScope.ENTERPRISE if code else None
        if not code:
            error("scope", "未填写，请填写“企业”“区域性”或“行业性”。")
    values["credit_code"] = code
    values["employer_representative"] = _text(cells.get("employer_representative"))[:200]
    codes = [normalize_credit_code(part) for part in _CODE_SEPARATORS.split(_text(cells.get("covered_codes")))]
    values["covered_codes"] = list(dict.fromkeys(code for code in codes if code))
    if values["scope"] == ContractScope.ENTERPRISE:
        if not code:
            error("credit_code", "企业集体合同请填写签订合同的企业的统一社会信用代码。")
        if values["covered_codes"] and values["covered_codes"] != [code]:
            warnings.append(f"{_label(labels, 'covered_codes')}：企业集体合同只覆盖签订合同的企业本身，本列已忽略。")
        values["covered_codes"] = []
    elif values["scope"] in MULTI_ENTERPRISE_SCOPES:
        if code:
            error(
                "credit_code",
                "区域性、行业性集体合同不填单个企业的信用代码，请把所覆盖的企业填在“覆盖企业信用代码”中。",
            )
        if not values["covered_codes"]:
            error("covered_codes", "区域性、行业性集体合同请填写所覆盖企业的统一社会信用代码（多个用“、”分隔）。")

    for name in ("signed_on", "term_start", "term_end", "sent_on", "received_on", "in_force_on"):
        values[name], problem = _date(cells.get(name), epoch)
        if problem:
            error(name, problem)
        elif values[name] is None and name in ("signed_on", "term_start", "term_end", "in_force_on"):
            error(name, f"未填写，{_DATE_HOW}")

    values["workers_covered"], problem = _number(cells.get("workers_covered"), integer=True)
    if problem:
        error("workers_covered", problem)
    values["workers_covered_reason"] = _text(cells.get("workers_covered_reason"))[:300]
    if values["workers_covered"] is not None and not values["workers_covered_reason"]:
        error(
            "workers_covered",
            "填写了覆盖职工人数时，请在“人数说明”中写明与企业登记人数不同的理由；留空则按覆盖企业的职工人数计算。",
        )
    for name in ("wage_increase_percent", "minimum_wage"):
        values[name], problem = _number(cells.get(name))
        if problem:
            error(name, problem)
    for name, length in (("term_reason", 300), ("workers_negotiator", 50), ("employer_negotiator", 50)):
        text = _name(cells.get(name)) if name.endswith("negotiator") else _text(cells.get(name))
        if len(text) > length:
            error(name, f"内容过长（最多 {length} 个字），请精简。")
        values[name] = text[:length]
    return ImportRow(row=item["row"], values=values, errors=errors, warnings=warnings)


# --- the rows against the database ---------------------------------------------------------------


def _row_contract(values: dict, *, union, enterprise, profile, today: dt.date) -> Contract:
    """The contract a row describes, unsaved: what contract_record_existing would write."""
    requested_on = values["signed_on"]
    term_end = values["term_end"]
    contract = Contract(
        kind=values["kind"],
        scope=values["scope"],
        rule_profile=profile,
        union=union,
        enterprise=enterprise,
        employer_representative=values["employer_representative"] if values["scope"] != "enterprise" else "",
        requested_by=Party.WORKERS,
        requested_on=requested_on,
        answer_due_on=clock.answer_due_on(requested_on, profile) if requested_on else None,
        signed_on=values["signed_on"],
        sent_on=values["sent_on"],
        received_on=values["received_on"],
        in_force_on=values["in_force_on"],
        term_start=values["term_start"],
        term_end=term_end,
        status=ContractStatus.EXPIRED if term_end and term_end < today else ContractStatus.IN_FORCE,
        workers_covered=values["workers_covered"] or 0,
        workers_covered_reason=values["workers_covered_reason"],
        **{name: values[name] for name in CONTENT_FIELDS},
    )
    return contract


def _contract_key(*, union_id, kind, enterprise_id, representative, signed_on) -> tuple:
    """What makes a row the same contract as one on record (the idempotency of the import)."""
    who = enterprise_id if enterprise_id else "".join((representative or "").split())
    return (union_id, str(kind), who, signed_on)


_MESSAGES = {}


def _constraint_messages() -> dict[str, str]:
    if not _MESSAGES:
        for constraint in Contract._meta.constraints:
            name = constraint.name.replace("%(app_label)s", "contracts").replace("%(class)s", "contract")
            _MESSAGES[name] = str(constraint.violation_error_message)
    return _MESSAGES


_DB_COLUMNS = (
    "kind",
    "scope",
    "status",
    "requested_by",
    "employer_representative",
    "requested_on",
    "answer_due_on",
    "signed_on",
    "sent_on",
    "received_on",
    "in_force_on",
    "term_start",
    "term_end",
    "wage_increase_percent",
    "minimum_wage",
    "closed_reason",
)


def _db_record(contract: Contract) -> dict:
    record = {column: getattr(contract, column) for column in _DB_COLUMNS}
    record["enterprise_id"] = contract.enterprise_id
    return record


_DATE_ORDER = (
    ("signed_on", "签订日期"),
    ("sent_on", "报送日期"),
    ("received_on", "收到日期"),
    ("in_force_on", "生效日期"),
)


def _date_order_problem(values: dict) -> tuple[str, str] | None:
    """(field, message) when the dates do not run signed ≤ sent ≤ received ≤ in force (the
    register service's rule), else None."""
    known = [(name, label, values[name]) for name, label in _DATE_ORDER if values.get(name)]
    for (_n, before_label, before), (name, label, day) in zip(known, known[1:], strict=False):
        if day < before:
            return name, f"{label}（{day:%Y-%m-%d}）早于{before_label}（{before:%Y-%m-%d}），请核对。"
    return None


def _field_problem(labels: dict, field: str, messages) -> str:
    column = FIELD_COLUMNS.get(field)
    where = _label(labels, column) if column else "本行"
    return f"{where}：{'；'.join(messages)}"


def plan_rows(*, user, rows: list[ImportRow], progress=lambda index: None) -> tuple[list[dict], list, dict]:
    """(report, plan, counts) for parsed rows as `user` may import them: the unions and
    enterprises in the user's scope, each row's contract held to the model's rules, the rows
    already on record marked unchanged, a contract twice in the file refused the second time."""
    today = clock.shanghai_date(timezone.now())
    readable = [row for row in rows if not row.errors]
    names = {row.values["union_name"] for row in readable}
    unions: dict[str, list] = {}
    for unit in orgunit_list(user=user).filter(name__in=names):
        unions.setdefault(unit.name, []).append(unit)
    codes = {row.values["credit_code"] for row in readable if row.values["credit_code"]}
    codes |= {code for row in readable for code in row.values["covered_codes"]}
    enterprises = {e.credit_code: e for e in enterprise_list(user=user).filter(credit_code__in=codes)}
    profiles: dict[int, Any] = {}

    candidates = []  # (row, union, enterprise, covered, contract)
    for row in readable:
        values, labels = row.values, _row_labels(row)
        found = unions.get(values["union_name"], [])
        if not found:
            row.errors.append(
                f"{_label(labels, 'union')}：“{values['union_name'][:40]}”不是您所辖范围内登记的工会，"
                "请核对名称（须与平台上登记的工会名称完全一致）。"
            )
            continue
        if len(found) > 1:
            row.errors.append(
                f"{_label(labels, 'union')}：您所辖范围内有 {len(found)} 个同名工会，请联系县总工会核对。"
            )
            continue
        union = found[0]
        enterprise = None
        if values["scope"] == ContractScope.ENTERPRISE:
            enterprise = enterprises.get(values["credit_code"])
            if enterprise is None:
                row.errors.append(
                    f"{_label(labels, 'credit_code')}：“{values['credit_code'][:20]}”不是您所辖范围内登记的企业，"
                    "请核对信用代码，或先在平台上登记该企业。"
                )
                continue
        covered = []
        unknown = []
        for code in values["covered_codes"]:
            (covered if code in enterprises else unknown).append(enterprises.get(code) or code)
        if unknown:
            row.errors.append(
                f"{_label(labels, 'covered_codes')}：{'、'.join(c[:20] for c in unknown[:5])}"
                f"{' 等' if len(unknown) > 5 else ''}不是您所辖范围内登记的企业，"
                "请核对信用代码，或先在平台上登记这些企业。"
            )
            continue
        # The parties' rules of a contract entered in the portal (contract_request's): the union
        # approved and of a kind that signs this scope, the enterprise covered by it, the covered
        # enterprises in its area; each in the user's scope and not archived.
        parties = contract_parties_problems(
            user=user, union=union, scope=values["scope"], enterprise=enterprise, covered=covered or [enterprise]
        )
        if parties:
            row.errors.extend(_field_problem(labels, field, [message]) for field, message in parties.items())
            continue
        if chain := _date_order_problem(values):
            row.errors.append(_field_problem(labels, chain[0], [chain[1]]))
            continue
        if union.pk not in profiles:
            profiles[union.pk] = rules.rule_profile_for(union)
        contract = _row_contract(values, union=union, enterprise=enterprise, profile=profiles[union.pk], today=today)
        try:
            # Every field's validators and clean() (parties by scope, the term's 1–3 years
            # without a reason); the CHECK constraints are asked below, once for the file.
            contract.full_clean(exclude=["number", "recorded_by", "township", "replaces"], validate_constraints=False)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                row.errors.append(_field_problem(labels, field if field != NON_FIELD_ERRORS else "", messages))
            continue
        candidates.append((row, union, enterprise, covered, contract))

    violations = check_constraint_violations(Contract, [_db_record(c[-1]) for c in candidates])
    messages = _constraint_messages()
    keys = {
        _contract_key(
            union_id=c.union_id,
            kind=c.kind,
            enterprise_id=c.enterprise_id,
            representative=c.employer_representative,
            signed_on=c.signed_on,
        ): c.number
        for c in Contract.objects.filter(
            union_id__in={c[1].pk for c in candidates}, signed_on__in={c[-1].signed_on for c in candidates}
        ).only("number", "union_id", "kind", "enterprise_id", "employer_representative", "signed_on")
    }
    in_file: dict[tuple, int] = {}
    plan = {}
    for index, (row, union, enterprise, covered, contract) in enumerate(candidates):
        labels = _row_labels(row)
        if index in violations:
            row.errors.extend(f"本行：{messages.get(name, name)}请核对日期和金额。" for name in violations[index])
            continue
        key = _contract_key(
            union_id=union.pk,
            kind=contract.kind,
            enterprise_id=contract.enterprise_id,
            representative=contract.employer_representative,
            signed_on=contract.signed_on,
        )
        if key in in_file:
            row.errors.append(
                f"本行与第 {in_file[key]} 行是同一份合同（同一工会、类型、企业方和签订日期），请删除重复的行。"
            )
            continue
        in_file[key] = row.row
        if key in keys:
            plan[row.row] = ("unchanged", keys[key])
            continue
        warning = rules.minimum_wage_warning(unit=union, year=contract.signed_on.year, agreed=contract.minimum_wage)
        if warning:
            row.warnings.append(f"{_label(labels, 'minimum_wage')}：{warning}")
        if contract.term_reason and contract.term_flagged:
            row.warnings.append(f"{_label(labels, 'term_reason')}：期限超出通常的 1 至 3 年，已按所写理由登记。")
        plan[row.row] = ("create", (union, enterprise, covered, contract))

    report, writes = [], []
    counts = {"create": 0, "unchanged": 0, "skip": 0}
    for index, row in enumerate(rows, start=1):
        action, detail = plan.get(row.row, ("skip", None)) if not row.errors else ("skip", None)
        messages_out = list(row.messages)
        if action == "unchanged":
            messages_out.append(f"该合同已登记（合同编号 {detail}），本次不重复导入。")
        elif action == "create":
            writes.append((row, *detail))
        counts[action] += 1
        report.append({"row": row.row, "status": row.status, "messages": messages_out, "action": action})
        progress(index)
    return report, writes, counts


def _row_labels(row: ImportRow) -> dict:
    return row.values.get("_labels") or {}


def write_rows(*, user, writes) -> list[Contract]:
    """The planned rows as contracts on record (inside the import's transaction)."""
    from . import services  # looked up at call time (a test replaces the service)

    written = []
    for row, union, enterprise, covered, contract in writes:
        values = row.values
        fields = {
            "user": user,
            "union": union,
            "kind": contract.kind,
            "scope": contract.scope,
            "enterprise": enterprise,
            "employer_representative": contract.employer_representative,
            "covered_enterprises": covered,
            "signed_on": contract.signed_on,
            "term_start": contract.term_start,
            "term_end": contract.term_end,
            "in_force_on": contract.in_force_on,
            "sent_on": contract.sent_on,
            "received_on": contract.received_on,
            **{name: values[name] for name in CONTENT_FIELDS},
        }
        if values["workers_covered"] is not None:
            fields["workers_covered"] = values["workers_covered"]
            fields["workers_covered_reason"] = values["workers_covered_reason"]
        try:
            written.append(services.contract_record_existing(**fields))
        except (ValidationError, ApplicationError) as exc:
            raise RowRefused(row.row, exc) from None
    return written


# --- the importer ------------------------------------------------------------------------------------


class ContractRegisterImporter(Importer):
    model = ContractImport
    task_name = "apps.contracts.imports.run_contract_import"
    what = "contract-import"
    time_limit_setting = "ROSTER_IMPORT_TIME_LIMIT"
    wrong_type_message = "请上传 Excel 格式（.xlsx 或 .xls）的集体合同台账；其他格式请先在 Excel 中另存为 .xlsx。"
    action_labels = ACTION_LABELS
    history_key = "contract_import"
    noun = "台账"
    progress_every = 100

    def start(self, *, user, file_name: str, content: bytes, **fields):
        """The import belongs to the uploader's unit: who may see it, whose unions it takes."""
        return super().start(user=user, file_name=file_name, content=content, org_unit=user.org_unit, **fields)

    def parse(self, job, content):
        items = parse_register(content, limits=self.limits())
        rows = []
        for item in items:
            row = read_row(item)
            row.values["_labels"] = item["labels"]
            rows.append(row)
        return ParsedFile(rows=rows)

    def plan(self, job, rows, progress):
        # Each plan (the check, and again at the import) starts from what the file said.
        return plan_rows(user=_actor(job), rows=[_fresh(row) for row in rows], progress=progress)

    def write(self, job, plan):
        write_rows(user=_actor(job), writes=plan)

    def failure_message(self, exc):
        if isinstance(exc, RowRefused):
            return (
                f"导入失败，未写入任何数据：第 {exc.row} 行在登记时被拒绝（{exc.text}）。"
                "请修改该行后重新上传；如仍失败，请联系管理员。"
            )
        return super().failure_message(exc)


class RowRefused(Exception):
    """The register service refused a row the check passed: the import writes nothing."""

    def __init__(self, row: int, exc: Exception):
        self.row = row
        self.text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(getattr(exc, "message", exc))
        super().__init__(f"row {row}")


def _fresh(row: ImportRow) -> ImportRow:
    """A copy of a parsed row for one plan (the plan appends its own errors and warnings)."""
    return ImportRow(row=row.row, values=row.values, errors=list(row.errors), warnings=list(row.warnings))


def _actor(job):
    """Whose scope the rows are held to: who confirmed the import, else who uploaded it."""
    return (job.confirmed_by if job.commit else None) or job.uploaded_by


REGISTER = ContractRegisterImporter()


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    name="apps.contracts.imports.run_contract_import",
    **job_time_limits(settings.ROSTER_IMPORT_TIME_LIMIT),
)
def run_contract_import(self, import_id: int) -> str:
    """Check or import one uploaded register; safe to run twice (apps.core.imports)."""
    return import_task_run(REGISTER, self, import_id)


def contract_import_start(*, user, file_name: str, content: bytes) -> ContractImport:
    return REGISTER.start(user=user, file_name=file_name, content=content)


def contract_import_confirm(*, job: ContractImport, user) -> ContractImport:
    return REGISTER.confirm(job=job, user=user)


# --- the template ---------------------------------------------------------------------------------------

TEMPLATE_COLUMNS = (
    ("序号", "", 6),
    ("签订工会", "必填。与平台上登记的工会名称完全一致（如“白塔埠镇总工会”“××公司工会”）。", 24),
    ("合同类型", "必填：" + "、".join(words[0] for words in KIND_WORDS.values()) + "。", 22),
    ("合同范围", "企业、区域性或行业性；留空且填了企业信用代码时按企业集体合同。", 12),
    ("企业统一社会信用代码", "企业集体合同必填：签订合同的企业（须已在平台登记）。大小写、全角均可。", 24),
    ("企业方代表", "区域性、行业性集体合同必填，如“白塔埠镇企业联合会”。", 20),
    ("覆盖企业信用代码", "区域性、行业性集体合同必填：所覆盖企业的信用代码，多个用“、”“；”或换行分隔。", 30),
    ("签订日期", "必填，如 2024-03-01。", 12),
    ("期限起始", "必填。", 12),
    ("期限终止", "必填。", 12),
    ("期限理由", "期限不在 1 至 3 年之间时必填。", 20),
    ("报送日期", "报送劳动保障行政部门的日期。", 12),
    ("收到日期", "劳动保障行政部门收到的日期（可不填）。", 12),
    ("生效日期", "必填。", 12),
    ("覆盖职工人数", "可不填：按覆盖企业登记的职工人数计算；填写时须写明人数说明。", 12),
    ("人数说明", "填写了覆盖职工人数时必填。", 20),
    ("工资增长幅度（%）", "如 5 或 5.5。", 12),
    ("约定最低工资", "元/月，如 2280。", 12),
    ("职工方首席代表", "", 14),
    ("企业方首席代表", "", 14),
    ("备注", "", 16),
)


def register_template_bytes() -> bytes:
    """下载台账模板: the header row, an example row (marked 示例行, never imported) and a sheet
    explaining each column (.xlsx)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = "集体合同台账"
    sheet.append([title for title, _help, _width in TEMPLATE_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FDE9E7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.append(
        [
            1,
            "示例镇总工会",
            "综合性集体合同",
            "区域性",
            "",
            "示例镇企业联合会",
            "91320722MA1XXXXXXX、91320722MA1YYYYYYY",
            "2024-03-01",
            "2024-04-01",
            "2027-03-31",
            "",
            "2024-03-05",
            "2024-03-06",
            "2024-03-22",
            "",
            "",
            5,
            2280,
            "张三",
            "李四",
            f"{EXAMPLE_ROW_NOTE}（不会导入，可删除）",
        ]
    )
    for column, (_title, _help, width) in enumerate(TEMPLATE_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("填写说明")
    notes.append(["列名", "填写说明"])
    for title, help_text, _width in TEMPLATE_COLUMNS:
        notes.append([title, help_text or "可不填。"])
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["B"].width = 90
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def register() -> None:
    register_importer(REGISTER)
