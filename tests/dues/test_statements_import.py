"""The tax statement's import (apps.dues.imports) and its command: the shared sample reproduced
exactly through `import_tax_statement --json`, a second import that writes nothing, bad rows
reported while the good ones go in, refunds and 工会筹备金 rows, the dry run's verdict held at
write time."""

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.db.models import Sum

from apps.accounts.roles import COUNTY_STAFF
from apps.branches.choices import OrgUnitKind, Ownership
from apps.branches.models import OrgUnit
from apps.branches.services import orgunit_create
from apps.dues.choices import Channel, EntryStatus, FundKind, PaymentSource
from apps.dues.imports import STATEMENT, tax_statement_execute
from apps.dues.models import LedgerEntry, Payment, TaxStatementImport
from tests.factories import EnterpriseFactory, UserFactory

from .conftest import make_entry
from .statement_files import MONTHS, credit_code, row, statement_file, wrong_check_character

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "fixtures" / "dues"
SAMPLE = DATA / "tax-union-fund-2026Q3.xlsx"
EXPECTED = json.loads((DATA / "tax-union-fund-2026Q3.expected.json").read_text(encoding="utf-8"))


def finance_user(world, username="finance"):
    user = UserFactory(username=username, org_unit=world.tree["county"], role=COUNTY_STAFF)
    user.user_permissions.add(Permission.objects.get(codename="manage_funds", content_type__app_label="dues"))
    return user


def register_sample_enterprises(world):
    """The sample's `registered` list, in its order, with the townships the world lacks."""
    townships = {unit.name: unit for unit in OrgUnit.objects.filter(kind=OrgUnitKind.TOWNSHIP)}
    for item in EXPECTED["registered"]:
        name = f"{item['township']}总工会"
        if name not in townships:
            townships[name] = orgunit_create(
                user=None, parent=world.tree["county"], name=name, kind=OrgUnitKind.TOWNSHIP
            )
        EnterpriseFactory(
            township=townships[name],
            name=item["name"],
            credit_code=item["credit_code"],
            ownership=item["ownership"],
            employee_count=item["employee_count"],
        )


def run(path, *args, user="finance"):
    out = io.StringIO()
    call_command("import_tax_statement", str(path), *args, f"--user={user}", stdout=out)
    return out.getvalue()


def as_expected(report):
    """The command's JSON in the shape of the sample's expected file."""
    rows = {
        str(r["row"]): {"status": "ok", "credit_code": r["credit_code"]}
        if r["status"] == "ok"
        else {"status": "error", "reason": None}
        for r in report["rows"]
    }
    enterprises = {
        e["credit_code"]: {"status": e["status"], "due": e["due"], "paid": e["paid"]} for e in report["enterprises"]
    }
    return rows, enterprises


@pytest.fixture
def sample_world(world):
    register_sample_enterprises(world)
    return finance_user(world)


def test_sample_reproduced_exactly_through_the_command(sample_world):
    report = json.loads(run(SAMPLE, "--dry-run", "--json"))
    assert set(report) == {"rows", "enterprises"}
    rows, enterprises = as_expected(report)
    expected_rows = {
        number: ({**verdict, "reason": None} if verdict["status"] == "error" else verdict)
        for number, verdict in EXPECTED["rows"].items()
    }
    assert rows == expected_rows
    assert [r["row"] for r in report["rows"]] == sorted(int(number) for number in EXPECTED["rows"])
    assert enterprises == EXPECTED["enterprises"]
    assert list(enterprises) == list(EXPECTED["enterprises"])  # the order too
    assert all(set(r) == {"row", "status", "credit_code", "messages"} for r in report["rows"])
    # A dry run writes nothing.
    assert not Payment.objects.exists() and not LedgerEntry.objects.exists()


def test_sample_imported_then_imported_again_writes_nothing(sample_world):
    first = json.loads(run(SAMPLE, "--json"))
    payments = Payment.objects.count()
    ok_rows_of_registered = sum(
        1
        for r in first["rows"]
        if r["status"] == "ok" and EXPECTED["enterprises"][r["credit_code"]]["status"] != "unknown"
    )
    zero_rows = 0  # the sample has no row of 0.00
    assert payments == ok_rows_of_registered - zero_rows > 0
    assert set(Payment.objects.values_list("source", "channel").distinct()) == {
        (PaymentSource.TAX_STATEMENT, Channel.TAX)
    }
    # Every registered payer's entry holds what the statement says it paid.
    paid = {
        code: Decimal(verdict["paid"])
        for code, verdict in EXPECTED["enterprises"].items()
        if verdict["status"] in ("paid", "partial", "over")
    }
    received = dict(
        LedgerEntry.objects.values_list("enterprise__credit_code").annotate(total=Sum("received")).order_by()
    )
    assert received == paid
    entries = {e.enterprise.credit_code: e for e in LedgerEntry.objects.select_related("enterprise")}
    for code, verdict in EXPECTED["enterprises"].items():
        if verdict["status"] == "paid":
            assert entries[code].status == EntryStatus.PAID, code
    history_before = _history_count()

    second = json.loads(run(SAMPLE, "--json"))
    assert second == first  # the same verdicts
    assert Payment.objects.count() == payments
    assert _history_count() == history_before  # not even an entry saved again
    job = TaxStatementImport.objects.latest("pk")
    assert job.summary["create"] == job.summary["refund"] == 0
    assert job.summary["unchanged"] == payments


def _history_count():
    from django.apps import apps

    return sum(
        model.objects.count()
        for model in apps.get_models()
        if model._meta.db_table.startswith("dues_") and "event" in model._meta.db_table
    )


def test_bad_rows_reported_with_row_and_reason_while_good_rows_go_in(world):
    finance_user(world)
    good, other = credit_code(11), credit_code(12)
    EnterpriseFactory(township=world.tree["a"], credit_code=good, ownership=Ownership.PRIVATE)
    EnterpriseFactory(township=world.tree["a"], credit_code=other, ownership=Ownership.PRIVATE)
    content = statement_file(
        [
            row(good, "100000.00", "2000.00"),
            row(wrong_check_character(other), "50000.00", "1000.00"),
            row(None, "50000.00", "1000.00"),
            row(other, "50000.00", "一千元"),
        ]
    )
    path = _write(world, content)
    report = json.loads(run(path, "--json"))
    by_row = {r["row"]: r for r in report["rows"]}
    assert by_row[4]["status"] == "ok"
    assert (
        by_row[5]["status"] == "error"
        and "第 5 行" in by_row[5]["messages"][0]
        and "校验位" in by_row[5]["messages"][0]
    )
    assert by_row[6]["status"] == "error" and by_row[6]["messages"][0].startswith("第 6 行：纳税人识别号为空")
    assert by_row[7]["status"] == "error" and "不是金额" in by_row[7]["messages"][0]
    assert list(Payment.objects.values_list("entry__enterprise__credit_code", "amount")) == [(good, Decimal("2000.00"))]
    job = TaxStatementImport.objects.get()
    assert job.status == "imported" and job.summary["error"] == 3 and job.summary["create"] == 1
    errors = [e for e in job.report if e["status"] == "error"]
    assert [e["row"] for e in errors] == [5, 6, 7] and all(e["action"] == "skip" for e in errors)


def _write(world, content, name="statement.xlsx"):
    import tempfile

    directory = Path(tempfile.mkdtemp())
    path = directory / name
    path.write_bytes(content)
    return path


def test_monthly_rows_summed_per_period_refund_negative_and_preparatory_fund(world):
    finance = finance_user(world)
    code, prep = credit_code(21), credit_code(22)
    enterprise = EnterpriseFactory(
        township=world.tree["a"], union=world.tree["union_a"], credit_code=code, ownership=Ownership.PRIVATE
    )
    no_union = EnterpriseFactory(township=world.tree["a"], credit_code=prep, ownership=Ownership.PRIVATE)
    LedgerEntry.objects.none()
    july, august, _september = MONTHS
    content = statement_file(
        [
            row(code, "100000.00", "2000.00", period=july),
            row(code, "100000.00", "2000.00", period=august),
            row(code, "", "-500.00", period=august, notes="退库"),
            row(prep, "30000.00", "600.00", period=july),
        ],
    )
    # 征收品目: the preparatory payer's row says 工会筹备金 (a column the helper lacks; add it).
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    sheet = book.active
    sheet.cell(3, 12, "征收品目")
    for number in range(4, 8):
        sheet.cell(number, 12, "工会经费")
    sheet.cell(7, 12, "工会筹备金")
    buffer = io.BytesIO()
    book.save(buffer)
    run(_write(world, buffer.getvalue()))
    entries = {(e.enterprise_id, e.period_start.month): e for e in LedgerEntry.objects.all()}
    assert set(entries) == {(enterprise.pk, 7), (enterprise.pk, 8), (no_union.pk, 7)}
    aug = entries[(enterprise.pk, 8)]
    assert (aug.payroll, aug.due, aug.received, aug.status) == (
        Decimal("100000.00"),
        Decimal("2000.00"),
        Decimal("1500.00"),
        EntryStatus.PARTIAL,
    )
    assert aug.channel == Channel.TAX and aug.period_kind == "month"
    refund = Payment.objects.get(amount__lt=0)
    assert refund.is_refund and refund.reference and refund.amount == Decimal("-500.00")
    assert refund.recorded_by == finance and refund.statement.file_name == "statement.xlsx"
    assert entries[(no_union.pk, 7)].fund_kind == FundKind.PREPARATORY
    assert entries[(enterprise.pk, 7)].fund_kind == FundKind.FUND


def test_quarterly_row_and_an_overlapping_monthly_entry_is_refused_nothing_written(world):
    finance_user(world)
    code, fine = credit_code(31), credit_code(32)
    enterprise = EnterpriseFactory(township=world.tree["a"], credit_code=code, ownership=Ownership.PRIVATE)
    EnterpriseFactory(township=world.tree["a"], credit_code=fine, ownership=Ownership.PRIVATE)
    make_entry(enterprise)  # July by month: a quarter over it cannot be recorded
    run(_write(world, statement_file([row(code, "300000.00", "6000.00"), row(fine, "300000.00", "6000.00")])))
    job = TaxStatementImport.objects.get()
    refused = next(e for e in job.report if e["row"] == 4)
    assert refused["status"] == "error" and "重叠" in refused["messages"][0]
    assert list(Payment.objects.values_list("entry__enterprise__credit_code", flat=True)) == [fine]
    quarter = LedgerEntry.objects.get(enterprise__credit_code=fine)
    assert quarter.period_kind == "quarter" and quarter.due == Decimal("6000.00") and quarter.status == EntryStatus.PAID


def test_unregistered_payer_reported_not_written(world):
    finance_user(world)
    stranger = credit_code(41)
    run(_write(world, statement_file([row(stranger, "100000.00", "2000.00", name="东海县陌生有限公司")])))
    job = TaxStatementImport.objects.get()
    entry = job.report[0]
    assert entry["action"] == "unregistered" and entry["status"] == "warning"
    verdict = next(e for e in job.report if e["status"] == "enterprise")
    assert (verdict["credit_code"], verdict["verdict"], verdict["payer_name"]) == (
        stranger,
        "unknown",
        "东海县陌生有限公司",
    )
    assert not Payment.objects.exists() and not LedgerEntry.objects.exists()


def test_verdict_of_the_dry_run_holds_at_write_time(world):
    """An entry made by hand between the check and the confirm is seen by the import's second plan."""
    finance = finance_user(world)
    code = credit_code(51)
    enterprise = EnterpriseFactory(township=world.tree["a"], credit_code=code, ownership=Ownership.PRIVATE)
    job = TaxStatementImport.objects.create(
        uploaded_by=finance, file_name="q3.xlsx", content=statement_file([row(code, "300000.00", "6000.00")])
    )
    job = STATEMENT.execute(import_id=job.pk)
    assert job.status == "checked" and job.summary["create"] == 1
    make_entry(enterprise)  # July, by hand, before the import is confirmed
    TaxStatementImport.objects.filter(pk=job.pk).update(commit=True, status="queued", confirmed_by=finance)
    job = STATEMENT.execute(import_id=job.pk)
    assert job.status == "imported" and job.summary["create"] == 0 and job.summary["error"] == 1
    assert not Payment.objects.exists()


def test_command_refuses_a_user_without_manage_funds_and_a_file_that_is_no_spreadsheet(world, tmp_path):
    finance_user(world)
    with pytest.raises(CommandError):
        run(SAMPLE, "--dry-run", user="county")
    text = tmp_path / "statement.xlsx"
    text.write_text("序号,纳税人识别号\n1,913207220000000000\n", encoding="utf-8")
    with pytest.raises(CommandError):
        run(text)
    assert not TaxStatementImport.objects.exists()


def test_an_entry_already_there_gets_the_statements_payroll_and_keeps_its_channel(world):
    finance_user(world)
    code = credit_code(61)
    enterprise = EnterpriseFactory(township=world.tree["a"], credit_code=code, ownership=Ownership.PRIVATE)
    july = make_entry(enterprise, payroll="100000.00")
    run(_write(world, statement_file([row(code, "120000.00", "2400.00", period=MONTHS[0])])))
    july.refresh_from_db()
    assert (july.payroll, july.due, july.received, july.status) == (
        Decimal("120000.00"),
        Decimal("2400.00"),
        Decimal("2400.00"),
        EntryStatus.PAID,
    )
    assert LedgerEntry.objects.count() == 1


def _import_queries(world, size, offset):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    finance = get_user_model().objects.get(username="finance")
    codes = [credit_code(offset + i) for i in range(size)]
    for code in codes:
        EnterpriseFactory(township=world.tree["a"], credit_code=code, ownership=Ownership.PRIVATE)
    content = statement_file([row(code, "100000.00", "2000.00", period=month) for code in codes for month in MONTHS])
    job = TaxStatementImport.objects.create(uploaded_by=finance, file_name="q.xlsx", content=content, commit=True)
    with CaptureQueriesContext(connection) as queries:
        job = STATEMENT.execute(import_id=job.pk)
    assert job.status == "imported" and job.summary["create"] == 3 * size, job.error
    return len(queries)


def test_the_imports_queries_do_not_grow_with_the_rows(world):
    finance_user(world)
    assert _import_queries(world, 2, 700) == _import_queries(world, 20, 800)


def test_a_refund_alone_for_a_period_keeps_the_entrys_payroll(world):
    finance_user(world)
    code = credit_code(71)
    enterprise = EnterpriseFactory(township=world.tree["a"], credit_code=code, ownership=Ownership.PRIVATE)
    july = make_entry(enterprise, payroll="100000.00")
    run(_write(world, statement_file([row(code, "", "-300.00", period=MONTHS[0], notes="退库")])))
    july.refresh_from_db()
    assert (july.payroll, july.due, july.received) == (Decimal("100000.00"), Decimal("2000.00"), Decimal("-300.00"))


def test_a_corrected_statement_is_imported_with_a_warning_until_the_replaced_payment_is_reversed(world):
    """The bureau's corrected statement for a period already imported: its changed row goes in (the
    file says so) and the dry run warns that the period holds another statement's payment; once
    that payment is reversed by hand, the warning is gone."""
    from apps.dues.services.ledger import payment_reverse

    finance = finance_user(world)
    code = credit_code(61)
    EnterpriseFactory(township=world.tree["a"], credit_code=code, ownership=Ownership.PRIVATE)
    run(_write(world, statement_file([row(code, "100000.00", "1800.00")]), name="first.xlsx"))
    corrected = statement_file([row(code, "100000.00", "2000.00")])

    def warnings():
        job = TaxStatementImport.objects.create(
            uploaded_by=finance, file_name="corrected.xlsx", content=corrected, commit=False
        )
        job = tax_statement_execute(import_id=job.pk)
        return [message for entry in job.report if entry["status"] == "warning" for message in entry["messages"]]

    (warning,) = warnings()
    assert "已由其他税务明细记入 1800.00 元" in warning and "冲销" in warning
    first_payment = Payment.objects.get()
    payment_reverse(first_payment, user=finance, reason="税务局更正明细", on=first_payment.paid_on)
    assert warnings() == []
    run(_write(world, corrected, name="corrected.xlsx"))
    entry = LedgerEntry.objects.get()
    assert (entry.received, entry.status) == (Decimal("2000.00"), EntryStatus.PAID)


def test_the_imports_history_names_who_confirmed_it(world):
    """The bulk writes (apps.core.bulk) run through Django's cursor: the audit history of each
    entry and payment the statement wrote names the finance staff who imported it."""
    from apps.core.history import object_history

    finance = finance_user(world)
    finance.real_name = "县总工会财务甲"
    finance.save(update_fields=["real_name"])
    code = credit_code(71)
    EnterpriseFactory(township=world.tree["a"], credit_code=code, ownership=Ownership.PRIVATE)
    run(_write(world, statement_file([row(code, "100000.00", "2000.00")])))
    entry, payment = LedgerEntry.objects.get(), Payment.objects.get()
    assert {row.who for row in object_history(entry)} == {"县总工会财务甲"}
    assert [(row.label, row.who) for row in object_history(payment)] == [("新建", "县总工会财务甲")]
