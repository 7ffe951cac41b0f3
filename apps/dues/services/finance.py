"""财政划拨: the finance bureau's list of county-direct units for a period, entered on the page or
pasted at once, checked line by line and written in one transaction.

A line of the list gives a unit's payroll (工资总额) for the period and the amount the finance
bureau transferred (划拨金额) for it, in all. Saving sets the entry's payroll (so its due) and
adds one finance-transfer payment for the difference between the list's amount and the
transfers already recorded: saving the same list again finds no difference and writes nothing;
a later list with a higher amount adds the rest. A list lower than what is recorded is refused
(a wrong transfer is reversed on the ledger, with a reason, not overwritten by a list).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum

from apps.branches.selectors import enterprise_list
from apps.branches.validators import normalize_credit_code
from apps.core.history import acting_user

from ..channels import channel_expression
from ..choices import Channel, PaymentSource
from ..models import LedgerEntry, Payment
from ..money import amount_parse, to_cents
from ..selectors.finance import ReportPeriod, finance_transfers_q
from .ledger import EntryWish, ledger_entries_ensure, ledger_entries_problems, payments_record

ZERO = Decimal("0.00")
TOO_LARGE = Decimal("1e12")
MAX_LINES = 5000
_SUMMARY = ("合计", "总计", "小计")
_HEADER_WORDS = ("代码", "名称", "单位", "工资", "金额")
_CODE_LIKE = re.compile(r"^[0-9A-Z]{18}$")


@dataclass
class TransferLine:
    """One unit's figures, from a pasted line or a row of the page's form."""

    number: int  # the line (or row) number the user sees
    key: str = ""  # the credit code or name as typed
    payroll: Decimal | None = None
    amount: Decimal | None = None
    enterprise: object = None
    errors: list[str] = field(default_factory=list)


def _cells(line: str) -> list[str]:
    """A line's cells: split at tabs (a spreadsheet's copy), else at spaces, the last two being numbers."""
    line = unicodedata.normalize("NFKC", line).strip()
    if "\t" in line:
        return [cell.strip() for cell in line.split("\t") if cell.strip()]
    parts = line.split()
    if len(parts) <= 3:
        return parts
    return [" ".join(parts[:-2]), parts[-2], parts[-1]]


def _money(text: str, what: str, errors: list[str]) -> Decimal | None:
    value = amount_parse(text)
    if value is None or value is False:
        errors.append(f"{what}「{text}」不是数字。")
        return None
    if value < 0:
        errors.append(f"{what}不能为负数；退库或冲销请在经费台账中登记。")
        return None
    if value >= TOO_LARGE:
        errors.append(f"{what}「{text}」大得不合理，请核对。")
        return None
    if value != value.quantize(Decimal("0.01")):
        errors.append(f"{what}「{text}」最多两位小数。")
        return None
    return to_cents(value)


def transfer_lines_parse(text: str) -> list[TransferLine]:
    """The pasted list's lines: "credit code or name <tab> payroll <tab> amount". Blank lines, a
    header line first and 合计 lines are left out; every other line comes back, with its errors."""
    lines = []
    raw_lines = (text or "").splitlines()
    if len(raw_lines) > MAX_LINES:
        raise ValidationError(f"一次最多粘贴 {MAX_LINES} 行，当前 {len(raw_lines)} 行。")
    seen_content = False
    for number, raw in enumerate(raw_lines, start=1):
        if not raw.strip():
            continue
        cells = _cells(raw)
        first = not seen_content
        seen_content = True
        if cells and cells[0].startswith(_SUMMARY):
            continue
        if first and any(word in raw for word in _HEADER_WORDS) and not _numbers_in(cells[1:]):
            continue  # the list's header, copied with it
        line = TransferLine(number=number)
        lines.append(line)
        if len(cells) != 3:
            line.errors.append("每行应为三项：统一社会信用代码或单位名称、工资总额、划拨金额（以 Tab 或空格分隔）。")
            line.key = cells[0] if cells else ""
            continue
        line.key = cells[0]
        line.payroll = _money(cells[1], "工资总额", line.errors)
        line.amount = _money(cells[2], "划拨金额", line.errors)
    return lines


def _numbers_in(cells) -> bool:
    return any(isinstance(amount_parse(cell), Decimal) for cell in cells)


def transfer_lines_match(lines: list[TransferLine], *, user, period: ReportPeriod) -> None:
    """Find each line's unit among the user's enterprises (by the normalised credit code, else by
    the exact name) in two queries, and add the refusals: unknown, ambiguous, not on the finance
    channel, archived, named twice, a period the ledger cannot hold."""
    codes = {normalize_credit_code(line.key) for line in lines if line.key}
    names = {line.key for line in lines if line.key}
    found = list(
        enterprise_list(user=user)
        .filter(Q(credit_code__in=codes) | Q(name__in=names))
        .annotate(fund_channel_now=channel_expression())
    )
    by_code = {e.credit_code: e for e in found}
    by_name: dict[str, list] = {}
    for enterprise in found:
        by_name.setdefault(enterprise.name, []).append(enterprise)
    first_line_of: dict[int, int] = {}
    for line in lines:
        if not line.key:
            continue
        code = normalize_credit_code(line.key)
        enterprise = by_code.get(code) if _CODE_LIKE.match(code) else None
        if enterprise is None:
            named = by_name.get(line.key, [])
            if len(named) > 1:
                line.errors.append(f"名称为「{line.key}」的单位不止一家，请改用统一社会信用代码。")
                continue
            enterprise = named[0] if named else None
        if enterprise is None:
            if _CODE_LIKE.match(code):
                line.errors.append(f"未找到统一社会信用代码为 {code} 的单位。")
            else:
                line.errors.append(f"未找到名称为「{line.key}」的单位；请核对名称或改用统一社会信用代码。")
            continue
        line.enterprise = enterprise
        if enterprise.archived_at is not None:
            line.errors.append(f"{enterprise.name}已注销（归档），不能再登记经费。")
        elif enterprise.fund_channel_now != Channel.FINANCE:
            channel = Channel(enterprise.fund_channel_now).label
            line.errors.append(f"{enterprise.name}不是财政划拨单位（现为{channel}），不能在此登记。")
        if enterprise.pk in first_line_of:
            line.errors.append(f"与第 {first_line_of[enterprise.pk]} 行是同一单位。")
        else:
            first_line_of[enterprise.pk] = line.number
    # The ledger's rule for the period, asked once for the whole list (apps.dues.services.ledger).
    placed = [line for line in lines if line.enterprise is not None]
    problems = ledger_entries_problems([EntryWish(line.enterprise, period.start, period.kind) for line in placed])
    for index, problem in problems.items():
        placed[index].errors.append(problem)


@dataclass
class TransferResult:
    units: int = 0  # lines whose unit's entry or transfers changed
    unchanged: int = 0
    payments: int = 0
    amount: Decimal = ZERO


def _transferred(entry_ids) -> dict[int, tuple[Decimal, int]]:
    """{entry id: (finance transfers recorded, how many payments)} for these entries, one query."""
    rows = (
        Payment.objects.filter(finance_transfers_q(), entry_id__in=entry_ids)
        .order_by()
        .values("entry_id")
        .annotate(total=Sum("amount"), count=Count("pk"))
    )
    return {row["entry_id"]: (row["total"], row["count"]) for row in rows}


@transaction.atomic
def finance_transfer_save(
    lines: list[TransferLine],
    *,
    user,
    period: ReportPeriod,
    paid_on: datetime.date,
    reference: str = "",
) -> TransferResult:
    """Write the checked lines in one transaction: each unit's entry (payroll, so due) and a
    finance-transfer payment for what the list adds to the transfers recorded. Any line with an
    error, or one whose amount is below what is recorded, refuses the whole list (ValidationError
    with every line's reasons) and nothing is written.

    Each payment's `source_key` is the entry and the count of its transfers before it, so two
    people saving the same list at once cannot both add it (the second one's key is taken: the
    list is refused and the page shows it again)."""
    if not lines:
        raise ValidationError("清单中没有可登记的单位。")
    refusals = [f"第 {line.number} 行：{message}" for line in lines for message in line.errors]
    if refusals:
        raise ValidationError(refusals)
    enterprise_ids = [line.enterprise.pk for line in lines]
    # Lock the units' existing entries, so that the transfers read below stay true until commit.
    existing = {
        entry.enterprise_id: entry
        for entry in LedgerEntry.objects.select_for_update().filter(
            enterprise_id__in=enterprise_ids, period_start=period.start, period_end=period.end
        )
    }
    recorded = _transferred([entry.pk for entry in existing.values()])
    result = TransferResult()
    to_write = []
    for line in lines:
        entry = existing.get(line.enterprise.pk)
        total, count = recorded.get(entry.pk, (ZERO, 0)) if entry else (ZERO, 0)
        if line.amount < total:
            refusals.append(
                f"第 {line.number} 行：{line.enterprise.name}已登记财政划拨 {total} 元，多于清单的 {line.amount} 元；"
                "如有错误，请在经费台账中冲销后再录入。"
            )
            continue
        payroll_changed = entry is None or entry.payroll != line.payroll
        if not payroll_changed and line.amount == total:
            result.unchanged += 1
            continue
        to_write.append((line, entry, payroll_changed, total, count))
    if refusals:
        raise ValidationError(refusals)
    with acting_user(user):
        changed = [line for line, _entry, payroll_changed, _total, _count in to_write if payroll_changed]
        ensured = ledger_entries_ensure(
            [EntryWish(line.enterprise, period.start, period.kind, payroll=line.payroll) for line in changed],
            clean=True,
        )
        entry_of = {entry.enterprise_id: entry for entry in ensured}
        payments = []
        for line, entry, _payroll_changed, total, count in to_write:
            entry = entry_of.get(line.enterprise.pk, entry)
            result.units += 1
            difference = line.amount - total
            if difference > 0:
                payment = Payment(
                    entry=entry,
                    amount=difference,
                    paid_on=paid_on,
                    channel=Channel.FINANCE,
                    source=PaymentSource.FINANCE_TRANSFER,
                    reference=(reference or "").strip(),
                    note=f"财政划拨清单 {period.label}",
                    source_key=f"finance_transfer:{entry.pk}:{count + 1}",
                    recorded_by=user,
                )
                payment.full_clean(validate_unique=False, validate_constraints=False)
                payments.append(payment)
                result.amount += difference
        try:
            with transaction.atomic():
                payments_record(payments)
        except IntegrityError as exc:
            raise ValidationError("这份清单刚刚已由他人录入，请刷新页面核对后再提交。") from exc
        result.payments = len(payments)
    return result


def transfer_lines_from_rows(rows: list[dict], *, enterprises: dict) -> list[TransferLine]:
    """The page's form rows as lines ({"enterprise": pk, "payroll", "amount"}, both blank: the row
    is left alone; one blank: refused), numbered as the page shows them."""
    lines = []
    for number, row in enumerate(rows, start=1):
        payroll, amount = row.get("payroll"), row.get("amount")
        if payroll is None and amount is None:
            continue
        enterprise = enterprises[row["enterprise"]]
        line = TransferLine(number=number, key=enterprise.credit_code, payroll=payroll, amount=amount)
        if payroll is None:
            line.errors.append(f"{enterprise.name}：请填写工资总额。")
        if amount is None:
            line.errors.append(f"{enterprise.name}：请填写划拨金额（未划拨填 0）。")
        lines.append(line)
    return lines
