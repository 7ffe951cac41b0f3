"""Demo union funds (工会经费) and membership dues (会费), dated from today.

The demo county's enterprises (apps.branches.demo, apps.contracts.demo) get a ledger entry per
month from the first month of the quarter four quarters back to last month: a payroll of
employees × a monthly wage between 4,000 and 9,000 yuan (fixed per enterprise, varying a little
by month, from a seeded random.Random, so seeding twice gives the same figures), 2 % of it due.
Three county-direct units (县直单位) are added so that every channel has payers:

- 财政划拨: the finance bureau's monthly transfers (source finance_transfer, with the voucher);
  one month short, one unit's last transfers still outstanding;
- 工会直收: payments with a receipt (工会经费收入专用收据); a brickworks that has paid nothing for
  half a year (arrears), one month of it written off (核销), a cooperative paying part, one of
  its months deferred (缓缴);
- 税务代征: no payments here. :func:`demo_tax_statement_xlsx` builds the tax bureau's statement
  of a quarter in the bureau's layout, with shortfalls, a refund row (退库) and a payer the portal
  does not know; importing it (apps.dues.imports) records the tax channel's payments.

Membership dues: the last three months of two unions' members, 0.5 % of a declared basic wage,
the oldest member exempt as retired. A finance login (dues.manage_funds) is added. Everything
goes through the services; nothing is added when the ledger has entries.
"""

from __future__ import annotations

import datetime
import io
import random
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.roles import COUNTY_STAFF
from apps.branches.choices import Ownership
from apps.branches.models import Enterprise, OrgUnit
from apps.core.history import acting_user
from apps.core.serials import serial_format, serial_next

from .channels import channel_expression
from .choices import Channel, DuesExemption, PaymentSource, PeriodKind
from .models import DEFAULT_DUES_RATE, DuesRecord, LedgerEntry
from .money import percent_of, to_cents
from .services.ledger import entry_defer, entry_write_off, ledger_entry_ensure, payment_add, period_bounds

FINANCE_LOGIN = "caiwu"
# What the county's demo enterprises pay a month, per employee (yuan): fixed per enterprise.
WAGE_RANGE = (4000, 9000)

# County-direct units (县直单位), paid for by the finance bureau: (township, name, employees).
# Credit codes 12… (public institutions) from serials 201+ (branches' demo uses 1-20, contracts' 101+).
COUNTY_DIRECT_UNITS = [
    ("牛山街道", "东海县人民医院", 860),
    ("牛山街道", "东海县实验中学", 240),
    ("石榴街道", "东海县农业农村局", 95),
]

# The stories of the demo (enterprise names of apps.branches.demo and the units above).
FINANCE_SHORT_MONTH = "东海县人民医院"  # one transfer short (差额待补), three months back
FINANCE_LATE = "东海县农业农村局"  # the last two months' transfers still outstanding
DIRECT_ARREARS = "白塔埠镇红星砖瓦厂"  # nothing paid for the last six months; the oldest written off
DIRECT_PARTIAL = "桃林镇绿源果蔬合作社"  # 60 % for three months; one of them deferred
TAX_ABSENT = "浦南镇永兴木业有限公司"  # in no statement: unpaid quarter after quarter
TAX_PARTIAL = "东海县晶华石英砂厂"  # pays 70 % in the statement's quarter
TAX_SHORT_MONTH = "青湖镇兴业建材有限公司"  # half of the quarter's last month
TAX_REFUNDED = "平明太平洋石英制品有限公司"  # overpaid the middle month; the excess refunded (退库)
UNKNOWN_PAYER = ("东海县恒通电子科技有限公司", 299)  # pays, but is registered nowhere in the portal

# Membership dues for these unions' members (apps.members.demo), the last three months.
DUES_UNIONS = ["桃林镇桃林村工会", "牛山街道个体私营企业联合工会"]

STATEMENT_TITLE = "国家税务总局东海县税务局 代征工会经费明细表"
STATEMENT_HEADER = [
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
TAX_AUTHORITY = "东海县税务局"


# --- periods and figures (pure: the same enterprise and month give the same numbers) ---------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first of the month `months` after (before, if negative) `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def last_complete_quarter(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the last quarter that ended before today."""
    this_quarter, _end = period_bounds(today, PeriodKind.QUARTER)
    return period_bounds(add_months(this_quarter, -3), PeriodKind.QUARTER)


def demo_months(today: datetime.date) -> list[datetime.date]:
    """The months of the demo ledger: from the first month of the quarter three quarters before the
    last complete one (four whole quarters the tax bureau has reported) to last month."""
    first = add_months(last_complete_quarter(today)[0], -9)
    months, month = [], first
    while month < today.replace(day=1):
        months.append(month)
        month = add_months(month, 1)
    return months


def monthly_payroll(name: str, employees: int, month: datetime.date) -> Decimal:
    """工资总额 of the month: employees × the enterprise's wage, ±4 % by month, to the cent."""
    wage = random.Random(f"dues-wage:{name}").uniform(*WAGE_RANGE)  # noqa: S311 - demo data
    swing = random.Random(f"dues-month:{name}:{month:%Y-%m}").uniform(0.96, 1.04)  # noqa: S311
    return to_cents(Decimal(str(round(max(employees, 1) * wage * swing, 2))))


def _paid_on(month: datetime.date, day: int, today: datetime.date) -> datetime.date | None:
    """Paid on `day` of the following month, or None when that day has not come yet."""
    paid_on = add_months(month, 1).replace(day=day)
    return paid_on if paid_on <= today else None


# --- enterprises and the finance login ------------------------------------------------------------------


def _county_direct_units(county_user: User) -> None:
    from stdnum.cn import uscc

    from apps.branches.services import enterprise_register

    for serial, (township, name, employees) in enumerate(COUNTY_DIRECT_UNITS, start=201):
        if Enterprise.objects.filter(name=name).exists():
            continue
        body = f"12320722MB{serial:07d}"
        enterprise_register(
            user=county_user,
            township=OrgUnit.objects.get(name=f"{township}总工会"),
            name=name,
            credit_code=body + uscc.calc_check_digit(body),
            ownership=Ownership.PUBLIC_INSTITUTION,
            is_county_direct=True,
            employee_count=employees,
        )


def _finance_user() -> User:
    from apps.accounts.services import user_create
    from apps.core.management.commands.seed_demo import DEMO_PASSWORD

    user = User.objects.filter(username=FINANCE_LOGIN).first()
    if user is None:
        user = user_create(
            user=None,
            username=FINANCE_LOGIN,
            password=DEMO_PASSWORD,
            real_name="县总工会财务",
            org_unit=OrgUnit.objects.get(name="东海县总工会"),
            role=COUNTY_STAFF,
        )
    # Given per user, not by role (apps.accounts.roles): the county's finance staff.
    user.user_permissions.add(Permission.objects.get(codename="manage_funds", content_type__app_label="dues"))
    return user


def demo_enterprises():
    """The demo county's active enterprises with their fund channel (annotated `fund_channel_code`)."""
    return (
        Enterprise.objects.filter(archived_at__isnull=True)
        .select_related("fund_channel", "union")
        .annotate(fund_channel_code=channel_expression())
        .order_by("name", "pk")
    )


# --- the ledger --------------------------------------------------------------------------------------------


def _receipt_number(paid_on: datetime.date) -> str:
    # The receipts' own sequence and format (SJ-2026-000001), as the ledger part numbers them.
    return serial_format("SJ", serial_next("dues_receipt", year=paid_on.year), year=paid_on.year, width=6)


def _paid_share(name: str, index: int, months: list[datetime.date]) -> Decimal:
    """How much of month `index`'s due the demo's finance and direct payers pay."""
    from_end = len(months) - index  # 1: last month
    if name == FINANCE_SHORT_MONTH and from_end == 3:
        return Decimal("0.5")
    if name == FINANCE_LATE and from_end <= 3:
        return Decimal("0")
    if name == DIRECT_ARREARS and from_end <= 7:
        return Decimal("0")
    if name == DIRECT_PARTIAL and 3 <= from_end <= 5:
        return Decimal("0.6")
    return Decimal("1")


def _ledger(today: datetime.date, finance: User, approver: User) -> None:
    months = demo_months(today)
    for enterprise in demo_enterprises():
        channel = enterprise.fund_channel_code
        entries = [
            ledger_entry_ensure(
                enterprise, month, payroll=monthly_payroll(enterprise.name, enterprise.employee_count, month)
            )
            for month in months
        ]
        if channel == Channel.TAX:
            continue  # the tax bureau's statements bring these payments (demo_tax_statement_xlsx)
        for index, entry in enumerate(entries):
            share = _paid_share(enterprise.name, index, months)
            if channel == Channel.FINANCE:
                paid_on = _paid_on(entry.period_start, 10, today)
                if paid_on and share:
                    payment_add(
                        entry,
                        amount=percent_of(entry.due, share),
                        paid_on=paid_on,
                        user=finance,
                        source=PaymentSource.FINANCE_TRANSFER,
                        reference=f"东财拨〔{paid_on.year}〕{paid_on.month:02d}{index + 1:02d}号",
                        note="" if share == 1 else "财政划拨差额待补",
                    )
            else:
                paid_on = _paid_on(entry.period_start, 20, today)
                if paid_on and share:
                    payment_add(
                        entry,
                        amount=percent_of(entry.due, share),
                        paid_on=paid_on,
                        user=finance,
                        source=PaymentSource.HAND_ENTRY,
                        reference="银行转账" if enterprise.employee_count >= 100 else "现金",
                        receipt_number=_receipt_number(paid_on),
                    )
        if enterprise.name == DIRECT_ARREARS:
            oldest_unpaid = entries[len(entries) - 7]
            entry_write_off(
                oldest_unpaid,
                reason="该厂停产整顿期间无工资发放，经县总工会经费审查委员会审议核销",
                user=approver,
                on=min(today, oldest_unpaid.period_end + datetime.timedelta(days=90)),
            )
        if enterprise.name == DIRECT_PARTIAL:
            deferred = entries[len(entries) - 4]
            entry_defer(
                deferred,
                until=today + datetime.timedelta(days=90),
                reason="合作社受灾减产，申请缓缴，经县总工会批准",
                user=approver,
                on=today - datetime.timedelta(days=5),
            )


# --- membership dues ----------------------------------------------------------------------------------------


def _membership_dues(today: datetime.date, finance: User) -> None:
    """DuesRecord rows of DUES_UNIONS' active members for the last three months (the dues part's
    services are built beside this; the rows are what they would write: due = rate × basic wage)."""
    from apps.members.choices import MemberStatus
    from apps.members.models import Member

    months = [add_months(today.replace(day=1), -n) for n in (3, 2, 1)]
    records = []
    for union in OrgUnit.objects.filter(name__in=DUES_UNIONS).order_by("path"):
        members = list(Member.objects.filter(union=union, status=MemberStatus.ACTIVE).order_by("birth_date", "pk"))
        if not members:
            continue
        retired = members[0]  # the oldest member: retired, keeps the membership, owes no dues
        for member in members:
            chooser = random.Random(f"dues-basic-wage:{member.card_number}")  # noqa: S311 - demo data
            wage = chooser.randrange(2400, 6800, 50)
            # The last month is still being collected: about one member in five has not paid yet.
            pays_late = chooser.random() < 0.2
            for month in months:
                exempt = member == retired
                due = Decimal("0.00") if exempt else percent_of(wage, DEFAULT_DUES_RATE)
                unpaid = month == months[-1] and pays_late
                record = DuesRecord(
                    member=member,
                    union=union,
                    month=month,
                    basic_wage=Decimal("0.00") if exempt else Decimal(wage),
                    rate=DEFAULT_DUES_RATE,
                    due=due,
                    collected=Decimal("0.00") if unpaid else due,
                    exemption=DuesExemption.RETIRED if exempt else "",
                    recorded_by=finance,
                )
                record.full_clean()
                records.append(record)
    DuesRecord.objects.bulk_create(records)


def seed():
    finance = _finance_user()
    logins = [(FINANCE_LOGIN, "县总工会财务：工会经费（税务明细导入、财政划拨、直收收据）")]
    if LedgerEntry.objects.exists():
        return logins
    today = timezone.localdate()
    county_user = User.objects.get(username="county")
    with transaction.atomic(), acting_user(finance):
        _county_direct_units(county_user)
        _ledger(today, finance, approver=county_user)
        _membership_dues(today, finance)
        _import_tax_statements(today, finance)
        _arrears(today)
    return logins


def _arrears(today: datetime.date) -> None:
    """Enterprises in arrears at each stage, chased by their township's chair: a notice served,
    a second notice, a payment order application prepared (the rest wait for the reminder)."""
    from apps.branches.selectors import user_scope_path

    from .choices import ArrearsStage, Delivery
    from .selectors.arrears import owing_q
    from .services.arrears import arrears_stage_record

    chairs = {}
    for user in User.objects.filter(org_unit__kind="township", is_active=True):
        chairs.setdefault(user.org_unit_id, user)
    chased = set()
    plans = [
        [ArrearsStage.NOTICE],
        [ArrearsStage.NOTICE, ArrearsStage.SECOND_NOTICE],
        [ArrearsStage.NOTICE, ArrearsStage.SECOND_NOTICE, ArrearsStage.PAYMENT_ORDER],
    ]
    # Periods ended long enough ago for three stages a month apart.
    owing = (
        LedgerEntry.objects.filter(owing_q(today), period_end__lt=today - datetime.timedelta(days=100))
        .select_related("enterprise")
        .order_by("period_start", "enterprise__name")
    )
    for entry in owing:
        if not plans:
            break
        chair = chairs.get(entry.enterprise.township_id)
        if chair is None or entry.enterprise_id in chased or user_scope_path(chair) is None:
            continue
        chased.add(entry.enterprise_id)
        done_on = entry.period_end + datetime.timedelta(days=30)
        for stage in plans.pop(0):
            arrears_stage_record(
                entry,
                stage=stage,
                done_on=done_on,
                user=chair,
                delivery=Delivery.IN_PERSON if stage != ArrearsStage.PAYMENT_ORDER else "",
                court="东海县人民法院" if stage == ArrearsStage.PAYMENT_ORDER else "",
                today=today,
            )
            done_on += datetime.timedelta(days=30)


def _import_tax_statements(today: datetime.date, finance: User) -> None:
    """Each quarter's statement imported by county finance staff as they would upload and confirm
    it (the importer's own check and write, in this process): the tax channel's payments, the
    reconciliation reports, one unknown payer on the organising list."""
    from .imports import tax_statement_execute
    from .models import TaxStatementImport

    for quarter_start, content in demo_tax_statements(today):
        record = TaxStatementImport.objects.create(
            uploaded_by=finance,
            confirmed_by=finance,
            file_name=f"税务代征工会经费明细{quarter_start.year}年第{(quarter_start.month - 1) // 3 + 1}季度.xlsx",
            content=content,
            commit=True,
        )
        tax_statement_execute(import_id=record.pk)


# --- the tax bureau's statement --------------------------------------------------------------------------------


def _tax_rows(today: datetime.date, quarter_start: datetime.date) -> list[list]:
    """The statement's data rows (序号 filled in), in the bureau's column order."""
    months = [add_months(quarter_start, n) for n in range(3)]
    last_quarter = quarter_start == last_complete_quarter(today)[0]
    rows = []

    def row(code, name, month, basis, paid, *, paid_on, note=None):
        end = period_bounds(month, PeriodKind.MONTH)[1]
        rows.append(
            [
                len(rows) + 1,
                code,
                name,
                month.isoformat(),
                end.isoformat(),
                float(basis),
                "2%",
                float(paid),
                paid_on.isoformat(),
                TAX_AUTHORITY,
                note,
            ]
        )

    for enterprise in demo_enterprises().filter(fund_channel_code=Channel.TAX):
        if enterprise.name == TAX_ABSENT:
            continue
        for index, month in enumerate(months):
            basis = monthly_payroll(enterprise.name, enterprise.employee_count, month)
            due = percent_of(basis)
            paid_on = min(today, add_months(month, 1).replace(day=10 + index * 3))
            paid = due
            if last_quarter and enterprise.name == TAX_PARTIAL:
                paid = percent_of(due, "0.7")
            if last_quarter and enterprise.name == TAX_SHORT_MONTH and index == 2:
                paid = percent_of(due, "0.5")
            if last_quarter and enterprise.name == TAX_REFUNDED and index == 1:
                excess = percent_of(due, "0.1")
                row(enterprise.credit_code, enterprise.name, month, basis, due + excess, paid_on=paid_on)
                refund_on = min(today, paid_on + datetime.timedelta(days=12))
                row(enterprise.credit_code, enterprise.name, month, 0, -excess, paid_on=refund_on, note="退库")
                continue
            row(enterprise.credit_code, enterprise.name, month, basis, paid, paid_on=paid_on)
    if last_quarter:
        from apps.branches.demo import demo_credit_code

        name, serial = UNKNOWN_PAYER
        basis = monthly_payroll(name, 35, quarter_start) * 3
        row(
            demo_credit_code(serial),
            name,
            quarter_start,
            basis,
            percent_of(basis),
            paid_on=min(today, add_months(quarter_start, 3).replace(day=15)),
        )
        rows[-1][4] = period_bounds(quarter_start, PeriodKind.QUARTER)[1].isoformat()  # a quarterly payer
    return rows


def demo_tax_statement_xlsx(today: datetime.date, *, quarter_start: datetime.date | None = None) -> bytes:
    """The tax bureau's statement (税务代征工会经费明细) of the demo's tax-channel enterprises for
    a quarter (the last complete one by default), laid out as the bureau sends it: title, 所属期
    line, header, a row per payer and month, 合计. In the last complete quarter: 晶华 pays 70 %,
    兴业 half of the last month, 太平洋 overpays a month and gets the excess back (退库), 永兴 is
    missing (as in every quarter), and one payer is unknown to the portal."""
    from openpyxl import Workbook

    start, end = period_bounds(quarter_start or last_complete_quarter(today)[0], PeriodKind.QUARTER)
    rows = _tax_rows(today, start)
    book = Workbook()
    sheet = book.active
    sheet.title = "代征明细"
    sheet.append([STATEMENT_TITLE])
    period = f"所属期：{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"
    sheet.append([period, None, None, None, None, None, None, "单位：元"])
    sheet.append(STATEMENT_HEADER)
    for values in rows:
        sheet.append(values)
    basis_total = sum(to_cents(values[5]) for values in rows)
    paid_total = sum(to_cents(values[7]) for values in rows)
    sheet.append([None, "合计", None, None, None, float(basis_total), None, float(paid_total)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def demo_tax_statements(today: datetime.date) -> list[tuple[datetime.date, bytes]]:
    """Every quarter's statement the demo ledger covers, oldest first (what the lead's seed imports)."""
    months = demo_months(today)
    last = last_complete_quarter(today)[0]
    return [
        (month, demo_tax_statement_xlsx(today, quarter_start=month))
        for month in months
        if month.month in (1, 4, 7, 10) and month <= last
    ]
