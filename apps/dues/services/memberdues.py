"""Membership dues (会费): a branch's month, entered for all its members at once.

A member pays 0.5% of the basic wage they declare (中华全国总工会《关于规范工会会费收缴工作的意见》),
to the cent, rounded half up (apps.dues.money.percent_of at the record's rate). Retired and
unemployed members, or others exempt for a stated reason, keep their membership and owe nothing.
A sheet is saved whole or not at all: every row is checked first, each refusal says its row, and
only a sheet without one is written, in one transaction. Nothing is deleted: a row left empty
keeps what was recorded before.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.core.history import acting_user
from apps.members.selectors import user_oversees_union

from ..choices import DuesExemption
from ..models import DEFAULT_DUES_RATE, PERIOD_RANGE, DuesRecord
from ..money import percent_of, to_cents
from ..selectors.memberdues import current_month, dues_sheet_members

ZERO = Decimal("0.00")
# The columns' room (16 digits, 2 of them decimals): a larger amount is a typing mistake.
MAX_AMOUNT = Decimal("99999999999999.99")


@dataclass(frozen=True)
class DuesRow:
    """One member's line of the sheet as typed: None for an amount left empty."""

    member_id: int
    basic_wage: Decimal | None = None
    collected: Decimal | None = None
    exemption: str = ""
    exemption_reason: str = ""

    @property
    def is_empty(self) -> bool:
        return self.basic_wage is None and self.collected is None and not self.exemption


class DuesSheetRefused(ApplicationError):
    """The sheet was not saved; `rows` maps a row's index to {field: Chinese message}."""

    def __init__(self, message, rows):
        super().__init__(message, extra={"rows": rows})
        self.rows = rows


def dues_month_problem(month: datetime.date, today: datetime.date | None = None) -> str | None:
    """Why dues cannot be recorded for this month (Chinese), or None."""
    if month.day != 1:
        return "会费按月登记，请选择月份。"
    if month > current_month(today):
        return f"{month.year}年{month.month}月尚未到来，不能登记会费。"
    if month < PERIOD_RANGE.earliest:
        return "月份不合理，请核对。"
    return None


def dues_row_problems(row: DuesRow) -> dict[str, str]:
    """What is wrong with one row (Chinese, by field): the one place of the sheet's rules."""
    problems = {}
    for field, label in (("basic_wage", "基本工资"), ("collected", "实收会费")):
        value = getattr(row, field)
        if value is None:
            continue
        if not value.is_finite():
            problems[field] = f"{label}不是有效的金额。"
        elif value < 0:
            problems[field] = f"{label}不能为负数。"
        elif value > MAX_AMOUNT:
            problems[field] = f"{label}金额过大，请核对。"
        elif value != to_cents(value):
            problems[field] = f"{label}只能精确到分。"
    if row.exemption and row.exemption not in DuesExemption.values:
        problems["exemption"] = "未知的免缴情形。"
    elif row.exemption == DuesExemption.OTHER and not row.exemption_reason.strip():
        problems["exemption_reason"] = "“其他”免缴须写明原因。"
    if row.exemption and row.collected:
        problems["collected"] = "免缴的月份不收会费，实收应为 0。"
    if not row.exemption and row.basic_wage is None and row.collected is not None:
        problems["basic_wage"] = "请填写基本工资（免缴的会员请选择免缴情形）。"
    return problems


def dues_due(basic_wage: Decimal, rate: Decimal = DEFAULT_DUES_RATE, exemption: str = "") -> Decimal:
    """What a month owes: nothing when exempt, else the rate of the basic wage to the cent."""
    return ZERO if exemption else percent_of(basic_wage, rate)


RECORD_FIELDS = ("basic_wage", "due", "collected", "exemption", "exemption_reason")


def _record_values(row: DuesRow, rate: Decimal) -> dict:
    wage = to_cents(row.basic_wage) if row.basic_wage is not None else ZERO
    return {
        "basic_wage": wage,
        "due": dues_due(wage, rate, row.exemption),
        "collected": to_cents(row.collected) if row.collected is not None else ZERO,
        "exemption": row.exemption,
        "exemption_reason": row.exemption_reason.strip() if row.exemption else "",
    }


def dues_month_save(*, user, union, month: datetime.date, rows: list[DuesRow]) -> int:
    """Record the branch's month from the sheet's rows; returns how many records were written.

    Refused whole (DuesSheetRefused, nothing written) if any row is wrong: a member not on the
    branch's sheet, a month already recorded for the member by another branch, or a row that
    dues_row_problems refuses.
    """
    if not user_oversees_union(user, union):
        raise ApplicationError("您不能登记该工会的会费。")
    problem = dues_month_problem(month)
    if problem:
        raise ApplicationError(problem)
    with transaction.atomic(), acting_user(user):
        members = {member.pk: member for member in dues_sheet_members(union, month)}
        existing = {
            record.member_id: record
            for record in DuesRecord.objects.select_for_update()
            .select_related("union")
            .filter(month=month, member_id__in=[row.member_id for row in rows])
        }
        refused, seen = {}, set()
        for index, row in enumerate(rows):
            problems = dues_row_problems(row)
            record = existing.get(row.member_id)
            if row.member_id not in members:
                problems = {"member": "该会员不在本工会本月的会费表中，请刷新页面后重新填写。"}
            elif row.member_id in seen:
                problems = {"member": "该会员在表中出现了两次。"}
            elif record is not None and record.union_id != union.pk and not row.is_empty:
                problems = {"member": f"该会员{month.year}年{month.month}月的会费已由{record.union.name}登记。"}
            seen.add(row.member_id)
            if problems:
                refused[index] = problems
        if refused:
            raise DuesSheetRefused(f"有 {len(refused)} 行填写有误，整张表没有保存，请改正标出的行后再保存。", refused)

        now = timezone.now()
        created, changed = [], []
        for row in rows:
            if row.is_empty:
                continue  # nothing typed: what was recorded stays
            record = existing.get(row.member_id)
            if record is None:
                values = _record_values(row, DEFAULT_DUES_RATE)
                record = DuesRecord(member_id=row.member_id, union=union, month=month, recorded_by=user, **values)
                created.append(record)
                continue
            values = _record_values(row, record.rate)
            if all(getattr(record, name) == value for name, value in values.items()):
                continue
            for name, value in values.items():
                setattr(record, name, value)
            record.recorded_by, record.updated_at = user, now
            changed.append(record)
        DuesRecord.objects.bulk_create(created)
        DuesRecord.objects.bulk_update(changed, [*RECORD_FIELDS, "recorded_by", "updated_at"])
    return len(created) + len(changed)
