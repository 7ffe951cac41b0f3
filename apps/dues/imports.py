"""The tax bureau's statement (税务代征工会经费明细) imported on the shared import rails
(apps.core.imports): the upload is checked (a dry run in Celery, with progress and a report per
row in Chinese), then confirmed, and the good rows are written in one transaction.

The file is read by apps.dues.statement (the parser and the reconciliation live there, once).
This module adds what needs the database: each ok row's enterprise, by the normalised credit
code; the ledger's rules for the period (apps.dues.services.ledger: ledger_entries_problems, asked
again at write time, so the dry run's verdict holds); and whether the row is already recorded.

A row is recorded as one Payment (source tax_statement, channel tax) whose ``source_key`` is a
key of the row's content — code, period, 入库日期, amount and how many identical rows came
before it in the file — so the same statement imported again, even uploaded again as another
file, finds its payments and adds none (the database's unique (source, source_key) backs it).
Per enterprise and period (sums_by_period) the ledger entry is ensured with the rows' 计征依据
as its payroll; the entries' received and status are recomputed once for all of them.

The job's report holds, besides one entry per row, one entry per enterprise of the
reconciliation (status "enterprise": never shown as a row by the shared import pages); the
reconciliation page reads those (apps.dues.selectors.statements).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.core.imports import (
    BASE_ACTION_LABELS,
    Importer,
    ImportRow,
    ParsedFile,
    import_task_run,
)
from apps.core.jobs import job_time_limits
from apps.core.spreadsheets import SheetLimits

from .choices import Channel, PaymentSource
from .models import LedgerEntry, Payment, TaxStatementImport
from .money import money_text
from .statement import (
    EnterpriseVerdict,
    ParsedStatement,
    StatementRow,
    parse_statement,
    reconcile,
    statement_limits,
    sums_by_period,
)

# The earliest 入库日期 a payment may carry (the ledger's: the Trade Union Law of 1992).
EARLIEST_PAID_ON = dt.date(1992, 1, 1)
# Status of the report's reconciliation entries (one per enterprise), beside the rows' own.
ENTERPRISE_ENTRY = "enterprise"

ACTION_LABELS = {
    **BASE_ACTION_LABELS,
    "create": "记入缴款",
    "refund": "记入退库",
    "entry_only": "只记工资总额（实缴为 0）",
    "unchanged": "已导入过，不重复记入",
    "unregistered": "未登记的纳税人，不记入",
}
WRITING_ACTIONS = ("create", "refund", "entry_only")


@dataclass
class PlannedPayment:
    line: StatementRow
    amount: Decimal
    paid_on: dt.date
    source_key: str


@dataclass
class PlannedEntry:
    """One enterprise and period: its entry ensured with ``payroll``, then ``payments`` added."""

    enterprise: object
    start: dt.date
    kind: str
    payroll: Decimal | None  # None: only refund rows, which declare no payroll (the entry's stays)
    rate: Decimal | None
    is_preparatory: bool
    payments: list[PlannedPayment] = field(default_factory=list)
    entry: LedgerEntry | None = None  # set by write_statement


def statement_limits_for_upload() -> SheetLimits:
    """The statement reader's limits (room for a city's rows), and the statement's own size limit."""
    return dataclasses.replace(statement_limits(), file_bytes=settings.TAX_STATEMENT_MAX_BYTES)


def registered_tax_codes() -> list[str]:
    """The credit codes of the enterprises registered on the tax channel, in the order they were
    registered (the reconciliation lists the absent ones so)."""
    from .selectors.statements import tax_channel_enterprises

    return list(tax_channel_enterprises().order_by("pk").values_list("credit_code", flat=True))


def statement_reconciliation(parsed: ParsedStatement) -> list[EnterpriseVerdict]:
    """The statement set against the enterprises on the tax channel (apps.dues.statement.reconcile)."""
    return reconcile(parsed, registered_tax_codes())


def source_key(line: StatementRow, paid_on: dt.date, occurrence: int) -> str:
    """The row's content as a key: the same row of the same statement has the same key, whatever
    the file's layout; ``occurrence`` tells apart identical rows of one file."""
    return "|".join(
        (
            line.credit_code,
            line.period_start.isoformat(),
            line.period_end.isoformat(),
            paid_on.isoformat(),
            money_text(line.paid),
            str(occurrence),
        )
    )


def _payment_reference(job, line: StatementRow) -> str:
    return f"税务代征明细#{job.pk} 第{line.row}行"


def plan_statement(job, rows: list[ImportRow], progress=lambda index: None):
    """(report, plan, counts) of a parsed statement against the database as it is now."""
    from apps.branches.models import Enterprise

    from .services.ledger import EntryWish, ledger_entries_problems, period_kind_of

    statement: ParsedStatement = job._statement
    lines = [row.values["line"] for row in rows]
    parsed = dataclasses.replace(statement, rows=lines)
    today = timezone.localdate()
    errors: dict[int, list[str]] = {row.row: list(row.errors) for row in rows}
    warnings: dict[int, list[str]] = {row.row: list(row.warnings) for row in rows}
    actions: dict[int, str] = {}

    codes = {line.credit_code for line in lines if line.status == "ok"}
    enterprises = {
        enterprise.credit_code: enterprise
        for enterprise in Enterprise.objects.filter(credit_code__in=codes, archived_at__isnull=True).select_related(
            "union", "fund_channel"
        )
    }
    sums = sums_by_period(parsed)
    # The ledger's rule (no overlapping periods) asked once for all the statement's periods.
    wishes = [
        EntryWish(enterprises[code], start, kind)
        for code, start, end in sums
        if code in enterprises and (kind := period_kind_of(start, end)) is not None
    ]
    ledger_problems = {
        (wishes[index].enterprise.pk, wishes[index].start): problem
        for index, problem in ledger_entries_problems(wishes).items()
    }
    by_row = {line.row: line for line in lines}
    occurrences: Counter = Counter()
    groups: list[tuple[PlannedEntry, list[StatementRow]]] = []
    # Within the file: an enterprise's periods must not overlap each other (a quarter and its months).
    periods_of: dict[int, list[tuple[dt.date, dt.date, int]]] = {}
    for (code, start, end), summed in sums.items():
        group_lines = [by_row[number] for number in summed["rows"]]
        enterprise = enterprises.get(code)
        if enterprise is None:
            for line in group_lines:
                actions[line.row] = "unregistered"
                warnings[line.row].append(
                    f"第 {line.row} 行：纳税人识别号 {code} 不是平台登记的企业，本行不记入台账。"
                    "请先登记该企业（见对账报告中的“未登记的纳税人”），再导入一次本明细。"
                )
            continue
        kind = period_kind_of(start, end)
        problem = None
        if kind is None:
            problem = (
                f"所属期为 {start:%Y-%m-%d} 至 {end:%Y-%m-%d}，台账按月或按季度记录，不能记入。"
                "请向税务局索取按月或按季度的明细。"
            )
        elif start < EARLIEST_PAID_ON or start > today + dt.timedelta(days=366):
            problem = f"所属期 {start:%Y-%m-%d} 不在合理范围内（1992 年以后、一年之内）。请核对所属期。"
        else:
            problem = ledger_problems.get((enterprise.pk, start))
            for other_start, other_end, other_row in periods_of.get(enterprise.pk, ()):
                if other_start <= end and start <= other_end:
                    problem = f"所属期与第 {other_row} 行（同一企业）重叠：同一企业同一期间不能既按月又按季度缴纳。"
                    break
        if problem:
            for line in group_lines:
                errors[line.row].append(f"第 {line.row} 行：{problem}")
            continue
        periods_of.setdefault(enterprise.pk, []).append((start, end, group_lines[0].row))
        rates = {line.rate for line in group_lines if not line.is_refund}
        planned = PlannedEntry(
            enterprise=enterprise,
            start=start,
            kind=kind,
            payroll=Decimal("0.00"),
            rate=rates.pop() if len(rates) == 1 else None,
            is_preparatory=summed["is_preparatory"],
        )
        if len(rates) > 1:
            warnings[group_lines[0].row].append(
                f"第 {group_lines[0].row} 行：同一企业同一所属期的各行征收率不同，台账按 2% 计算应缴。"
            )
        for line in group_lines:
            paid_on = line.paid_on or min(end, today)
            if paid_on > today:
                errors[line.row].append(f"第 {line.row} 行：入库日期 {paid_on:%Y-%m-%d} 晚于今天。请核对入库日期。")
                continue
            if paid_on < EARLIEST_PAID_ON:
                errors[line.row].append(f"第 {line.row} 行：入库日期 {paid_on:%Y-%m-%d} 早于 1992 年。请核对入库日期。")
                continue
            planned.payroll += line.basis
            if line.paid == 0:
                actions[line.row] = "entry_only"
                continue
            identity = (line.credit_code, start, end, paid_on, line.paid)
            occurrences[identity] += 1
            planned.payments.append(
                PlannedPayment(line, line.paid, paid_on, source_key(line, paid_on, occurrences[identity]))
            )
            actions[line.row] = "refund" if line.is_refund else "create"
        if all(line.is_refund for line in group_lines):
            planned.payroll = None
        groups.append((planned, group_lines))

    keys = [payment.source_key for planned, _lines in groups for payment in planned.payments]
    recorded: set[str] = set()
    for at in range(0, len(keys), 5000):
        recorded.update(
            Payment.objects.filter(source=PaymentSource.TAX_STATEMENT, source_key__in=keys[at : at + 5000]).values_list(
                "source_key", flat=True
            )
        )
    existing = set(
        LedgerEntry.objects.filter(
            enterprise_id__in={planned.enterprise.pk for planned, _lines in groups},
            period_start__in={planned.start for planned, _lines in groups},
        ).values_list("enterprise_id", "period_start")
    )
    earlier = _earlier_statement_payments(groups, recorded)
    plan: list[PlannedEntry] = []
    for planned, group_lines in groups:
        fresh = [payment for payment in planned.payments if payment.source_key not in recorded]
        other = earlier.get((planned.enterprise.pk, planned.start))
        if fresh and other:
            # A corrected statement (or a second export that overlaps the first) would count the
            # period twice. Which earlier rows it replaces only the bureau knows: the rows go in
            # as the file says, and the finance staff are told to reverse the replaced ones.
            first = group_lines[0].row
            warnings[first].append(
                f"第 {first} 行：该企业{_label(planned)}已由其他税务明细记入 {money_text(other)} 元（不在本明细中）。"
                "如本明细是更正后的明细，导入后请在经费台账中冲销被更正的缴款，以免重复计入。"
            )
        for payment in planned.payments:
            if payment.source_key in recorded:
                actions[payment.line.row] = "unchanged"
        if not fresh and (planned.enterprise.pk, planned.start) in existing:
            # Nothing new for an entry already there (this statement imported before): the
            # entry is left as it is, so a second import changes nothing at all.
            for line in group_lines:
                if actions.get(line.row) == "entry_only":
                    actions[line.row] = "unchanged"
            continue
        planned.payments = fresh
        plan.append(planned)

    report, counts = [], Counter({action: 0 for action in ACTION_LABELS})
    for index, row in enumerate(rows, start=1):
        row_errors, row_warnings = errors[row.row], warnings[row.row]
        action = "skip" if row_errors else actions.get(row.row, "skip")
        status = "error" if row_errors else "warning" if row_warnings else "valid"
        counts[action] += 1
        report.append({"row": row.row, "status": status, "messages": row_errors + row_warnings, "action": action})
        progress(index)

    verdicts = statement_reconciliation(parsed)
    counts.update({f"verdict_{status}": 0 for status in ("paid", "partial", "over", "unpaid", "unknown")})
    for verdict in verdicts:
        counts[f"verdict_{verdict.status}"] += 1
        report.append(
            {
                "row": verdict.rows[0] if verdict.rows else None,
                "status": ENTERPRISE_ENTRY,
                "credit_code": verdict.credit_code,
                "verdict": verdict.status,
                "due": None if verdict.due is None else money_text(verdict.due),
                "paid": money_text(verdict.paid),
                "payer_name": verdict.payer_name[:200],
                "is_preparatory": verdict.is_preparatory,
            }
        )
    counts["entries"] = len(plan)
    counts["payments"] = sum(len(planned.payments) for planned in plan)
    return report, plan, dict(counts)


def _earlier_statement_payments(groups, recorded: set[str]) -> dict[tuple[int, dt.date], Decimal]:
    """{(enterprise id, period start): sum} of the tax-statement payments already recorded for the
    plan's entries that are not rows of this file: one query."""
    from django.db.models import Sum

    if not groups:
        return {}
    rows = (
        Payment.objects.filter(
            source=PaymentSource.TAX_STATEMENT,
            entry__enterprise_id__in={planned.enterprise.pk for planned, _lines in groups},
            entry__period_start__in={planned.start for planned, _lines in groups},
        )
        .exclude(source_key__in=recorded)
        .filter(reversed_by__isnull=True)  # a replaced payment reversed by hand no longer counts
        .order_by()
        .values("entry__enterprise_id", "entry__period_start")
        .annotate(total=Sum("amount"))
    )
    return {(row["entry__enterprise_id"], row["entry__period_start"]): row["total"] for row in rows if row["total"]}


def _label(planned: PlannedEntry) -> str:
    return LedgerEntry(period_start=planned.start, period_kind=planned.kind).period_label


def write_statement(job, plan: list[PlannedEntry], *, user) -> list[int]:
    """The plan written inside the import's transaction (apps.core.imports): the entries ensured
    and the payments recorded by the ledger's bulk services, so a city's statement costs a few
    statements, not one per row. ``ledger_entries_ensure`` asks the ledger's rule again (the
    plan, made again under the import's lock just before, asked it too)."""
    from .services.ledger import EntryWish, ledger_entries_ensure, payments_record

    entries = ledger_entries_ensure(
        [
            EntryWish(
                planned.enterprise,
                planned.start,
                planned.kind,
                payroll=planned.payroll,
                rate=planned.rate,
                channel=Channel.TAX,
                preparatory=planned.is_preparatory,
            )
            for planned in plan
        ],
        recompute=False,  # payments_record recomputes them once, with their payments
    )
    payments = []
    for planned, entry in zip(plan, entries, strict=True):
        planned.entry = entry
        payments.extend(
            Payment(
                entry=entry,
                amount=payment.amount,
                paid_on=payment.paid_on,
                channel=Channel.TAX,
                source=PaymentSource.TAX_STATEMENT,
                reference=_payment_reference(job, payment.line) if payment.line.is_refund else "",
                is_refund=payment.line.is_refund,
                statement=job,
                source_key=payment.source_key,
                note=(payment.line.notes or "")[:200],
                recorded_by=user,
            )
            for payment in planned.payments
        )
    payments_record(payments, entry_ids=[entry.pk for entry in entries])
    return [entry.pk for entry in entries]


class TaxStatementImporter(Importer):
    model = TaxStatementImport
    task_name = "apps.dues.imports.run_tax_statement_import"
    what = "tax-statement-import"
    time_limit_setting = "ROSTER_IMPORT_TIME_LIMIT"
    wrong_type_message = "请上传税务局导出的代征工会经费明细（Excel 的 .xlsx 或 .xls 文件）。"
    action_labels = ACTION_LABELS
    history_key = "tax_statement_import"
    noun = "纳税明细"
    progress_every = 1000
    plan_before_lock = False  # planning a city's statement twice was a quarter of its import

    def limits(self) -> SheetLimits:
        return statement_limits_for_upload()

    def file_problem(self, content: bytes) -> str | None:
        limit = settings.TAX_STATEMENT_MAX_BYTES
        if len(content) > limit:
            return (
                f"文件超过上限 {limit / (1024 * 1024):g} MB，未保存。"
                "请向税务局分批（如按月或按征收机关）导出明细后分别上传。"
            )
        return super().file_problem(content)

    def start(self, *, user, file_name: str, content: bytes, **fields):
        if not user.has_perm("dues.manage_funds"):
            raise ValidationError("只有县总工会财务人员可以导入税务代征明细。")
        return super().start(
            user=user, file_name=file_name, content=content, content_sha256=hashlib.sha256(content).hexdigest()
        )

    def confirm(self, *, job, user):
        if not user.has_perm("dues.manage_funds"):
            raise ValidationError("只有县总工会财务人员可以确认导入税务代征明细。")
        return super().confirm(job=job, user=user)

    def parse(self, job, content):
        parsed = parse_statement(content, limits=self.limits())
        job._statement = parsed
        return ParsedFile(
            rows=[ImportRow(row=line.row, values={"line": line}, errors=list(line.messages)) for line in parsed.rows]
        )

    def plan(self, job, rows, progress):
        statement = job._statement
        if (job.period_start, job.period_end) != (statement.period_start, statement.period_end):
            TaxStatementImport.objects.filter(pk=job.pk).update(
                period_start=statement.period_start, period_end=statement.period_end
            )
            job.period_start, job.period_end = statement.period_start, statement.period_end
        return plan_statement(job, rows, progress)

    def write(self, job, plan):
        write_statement(job, plan, user=_actor(job))


def _actor(job):
    """Whose the writes are: who confirmed the import, else who uploaded it."""
    return (job.confirmed_by if job.commit else None) or job.uploaded_by


STATEMENT = TaxStatementImporter()


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    name="apps.dues.imports.run_tax_statement_import",
    **job_time_limits(settings.ROSTER_IMPORT_TIME_LIMIT),
)
def run_tax_statement_import(self, import_id: int) -> str:
    """Check or import one uploaded statement; safe to run twice (apps.core.imports)."""
    return import_task_run(STATEMENT, self, import_id)


def tax_statement_execute(*, import_id: int) -> TaxStatementImport:
    """Run a stored statement's check or import in this process (the management command)."""
    return STATEMENT.execute(import_id=import_id)
