"""County finance staff import the tax bureau's statement (税务代征工会经费明细) and read its
reconciliation; a township chair chases an enterprise that paid nothing: records the 催缴通知书
and prints it on A4. The dry run and the import run on a real Celery worker.

The statement is the county's shared sample (tests/fixtures/dues), its enterprises registered
first as the sample's expected file lists them; one of them in 白塔埠镇 (township A) was entered
in the ledger for the quarter by hand and is absent from the statement: unpaid, in arrears.
With E2E_SHOTS_DIR=/tmp/shots-d, each page is saved there as a numbered screenshot at 1366×768.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from apps.accounts.roles import COUNTY_STAFF
from apps.accounts.services import user_create
from apps.branches.models import Enterprise
from apps.dues.choices import PeriodKind
from apps.dues.models import LedgerEntry, Payment, TaxStatementImport
from apps.dues.services.ledger import ledger_entry_ensure
from tests.conftest import PASSWORD
from tests.dues.test_statements_import import EXPECTED, SAMPLE, register_sample_enterprises
from tests.e2e.test_contracts_journey import Shots, days_ago, login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

QUARTER = datetime.date(2026, 7, 1)
# In 白塔埠镇 and absent from the statement (the expected file: unpaid, due null).
ABSENT_PAYER = "东海县郭徐石英制品有限公司"


@pytest.fixture
def funds_county(county_tree, county_user, chair_a):
    """The sample's enterprises registered, county finance staff (`caiwu`), and the absent payer's
    quarter in the ledger: payroll 300,000.00, due 6,000.00, nothing received."""
    finance = user_create(
        user=None,
        username="caiwu",
        password=PASSWORD,
        real_name="县总工会财务",
        org_unit=county_tree["county"],
        role=COUNTY_STAFF,
    )
    finance.user_permissions.add(Permission.objects.get(codename="manage_funds", content_type__app_label="dues"))
    register_sample_enterprises(type("World", (), {"tree": county_tree})())
    absent = Enterprise.objects.get(name=ABSENT_PAYER)
    ledger_entry_ensure(absent, QUARTER, PeriodKind.QUARTER, payroll=Decimal("300000.00"), user=chair_a)
    return absent


def wait_for_status(page, label):
    """The import page polls its progress and reloads when the job is done."""
    page.wait_for_selector(f"[data-testid=import-status]:has-text('{label}')", timeout=60_000)


def test_finance_imports_the_statement_and_a_chair_prints_a_notice(page, celery_worker, funds_county, county_tree):
    shot = Shots(page)
    expected_verdicts = [item["status"] for item in EXPECTED["enterprises"].values()]

    # 1. County finance staff upload the statement: a dry run on the worker, nothing written yet.
    login(page, "caiwu")
    page.click("aside >> text=税务代征明细")
    page.wait_for_selector("[data-testid=statement-list]")
    shot("statements-empty")
    page.click("[data-testid=statement-upload]")
    page.set_input_files("#id_file", str(SAMPLE))
    shot("upload-form")
    page.click("main input[type=submit], main button[type=submit]")
    wait_for_status(page, "已检查（未导入）")
    summary = page.inner_text("[data-testid=import-summary]")
    errors = sum(1 for row in EXPECTED["rows"].values() if row["status"] == "error")
    assert f"错误 {errors}" in summary, summary
    assert "校验位" in page.inner_text("[data-testid=import-problems]")  # a wrong credit code, with its row
    shot("dry-run")
    assert not Payment.objects.exists()

    # 2. Confirmed: the good rows go in, in one transaction.
    page.click("button:has-text('导入合格的行')")
    wait_for_status(page, "已导入")
    shot("imported")
    job = TaxStatementImport.objects.get()
    assert job.status == "imported" and job.confirmed_by.username == "caiwu"
    assert Payment.objects.filter(statement=job).exists()

    # 3. The reconciliation per enterprise: each verdict counted as the expected file says.
    page.click("[data-testid=statement-reconciliation]")
    page.wait_for_selector("[data-testid=reconciliation]")
    verdicts = page.inner_text("[data-testid=statement-verdicts]")
    labels = {"paid": "已足额", "partial": "部分缴纳（差额）", "unpaid": "税务渠道登记但未见明细（未缴）"}
    for status, label in labels.items():
        assert f"{label} {expected_verdicts.count(status)}" in verdicts, verdicts
    shot("reconciliation")
    page.click("[data-testid=statement-verdicts] a[href='?verdict=unpaid']")
    page.wait_for_selector(f"[data-testid=reconciliation] >> text={ABSENT_PAYER}")
    shot("reconciliation-unpaid")
    logout(page)

    # 4. The township chair sees the absent payer in arrears and records the first notice.
    entry = LedgerEntry.objects.get(enterprise=funds_county, period_start=QUARTER)
    assert (entry.due, entry.received, entry.status) == (Decimal("6000.00"), Decimal("0.00"), "unpaid")
    login(page, "chair_a")
    page.goto(f"{page.base_url}/dues/arrears/")
    page.wait_for_selector(f"[data-testid=arrears] >> text={ABSENT_PAYER}")
    shot("arrears-list")
    page.click(f"[data-testid=arrears] tr:has-text('{ABSENT_PAYER}') >> a:text-is('催缴')")
    page.wait_for_selector("#id_stage")
    page.select_option("#id_stage", "notice")
    page.fill("#id_done_on", days_ago(0))
    page.select_option("#id_delivery", index=1)
    shot("notice-form")
    page.click("form:has(#id_stage) [type=submit]")
    page.wait_for_selector("[data-testid=arrears-actions] >> text=已发催缴通知书")
    shot("notice-recorded")
    assert entry.arrears_actions.filter(stage="notice").count() == 1

    # 5. The notice, printed on A4: the enterprise, the period, what it owes.
    page.goto(f"{page.base_url}/dues/arrears/{entry.pk}/notice/")
    page.wait_for_selector("[data-testid=print-page]")
    assert page.inner_text("[data-testid=print-enterprise]") == ABSENT_PAYER
    assert page.inner_text("[data-testid=print-owed]") == "6,000.00"
    shot("notice-print")
