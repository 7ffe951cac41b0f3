"""The tax statements' pages: view checks (county finance staff only), the upload refusing what
is no statement, the reconciliation page (filters, Excel, registering unknown payers) and its
query count at two sizes, and the whole flow through a real Celery worker."""

import io
import time

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from apps.accounts.roles import COUNTY_STAFF
from apps.branches.choices import Ownership
from apps.branches.models import Enterprise
from apps.dues.models import LedgerEntry, Payment, TaxStatementImport
from tests.factories import EnterpriseFactory, UserFactory
from tests.viewchecks import COUNTY_ONLY, Route, ViewChecks, button, page

from .statement_files import credit_code, row, statement_file

pytestmark = pytest.mark.django_db

KNOWN, STRANGER = credit_code(101), credit_code(102)


def grant_manage_funds(user):
    user.user_permissions.add(Permission.objects.get(codename="manage_funds", content_type__app_label="dues"))
    return user


@pytest.fixture
def world(world):
    """The view checks' world, its county staff given `dues.manage_funds` (county finance staff)."""
    grant_manage_funds(world.users["county"])
    return world


def _report(*verdicts):
    """A done job's report: one row entry per verdict and the verdicts (apps.dues.imports' shape)."""
    rows = [{"row": 4 + i, "status": "valid", "messages": [], "action": "create"} for i in range(len(verdicts))]
    enterprises = [
        {
            "row": 4 + i,
            "status": "enterprise",
            "credit_code": code,
            "verdict": verdict,
            "due": "2000.00",
            "paid": paid,
            "payer_name": name,
            "is_preparatory": False,
        }
        for i, (code, verdict, paid, name) in enumerate(verdicts)
    ]
    return rows + enterprises


def _job(world, where="a", *, status="checked", verdicts=None):
    verdicts = verdicts or [
        (KNOWN, "paid", "2000.00", "已登记企业"),
        (STRANGER, "unknown", "1000.00", "东海县陌生有限公司"),
    ]
    return TaxStatementImport.objects.create(
        uploaded_by=world.users["county"],
        file_name=f"明细{where.upper()}.xlsx",
        content=b"",
        status=status,
        report=_report(*verdicts),
        summary={"rows": len(verdicts), "valid": len(verdicts), "warning": 0, "error": 0, "verdict_paid": 1},
    )


def _upload_data(world, obj):
    return {"file": SimpleUploadedFile("upload.xlsx", statement_file([row(KNOWN, "100000.00", "2000.00")]))}


class TestStatementViews(ViewChecks):
    def make(self, world, where, user):
        return _job(world, where)

    @staticmethod
    def running(world, where, user):
        return _job(world, where, status="queued")

    routes = (
        page("dues:statement_list", "list", COUNTY_ONLY, shows=lambda obj: obj.file_name),
        page(
            "dues:statement_upload",
            "create",
            COUNTY_ONLY,
            methods=("get", "post"),
            data=_upload_data,
            done=lambda obj: TaxStatementImport.objects.get(file_name="upload.xlsx"),
        ),
        Route("dues:statement_detail", "detail", COUNTY_ONLY),
        Route("dues:statement_progress", "detail", COUNTY_ONLY, poll=True),
        button("dues:statement_confirm", COUNTY_ONLY),
        button("dues:statement_retry", COUNTY_ONLY),
        Route("dues:statement_report", "export", COUNTY_ONLY),
        Route("dues:statement_reconciliation", "list", COUNTY_ONLY),
        Route("dues:statement_reconciliation_export", "export", COUNTY_ONLY),
        button(
            "dues:statement_register_enterprises",
            COUNTY_ONLY,
            data=lambda world, obj: {"codes": [STRANGER], "township": world.tree["a"].pk, "ownership": "private"},
            done=lambda obj: Enterprise.objects.get(credit_code=STRANGER, union=None),
        ),
    )


def test_county_staff_without_manage_funds_get_403(world, client):
    job = _job(world)
    staff = UserFactory(username="county_plain", org_unit=world.tree["county"], role=COUNTY_STAFF)
    client.force_login(staff)
    for name, kwargs in (
        ("dues:statement_list", {}),
        ("dues:statement_upload", {}),
        ("dues:statement_detail", {"pk": job.pk}),
        ("dues:statement_reconciliation", {"pk": job.pk}),
    ):
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403, name
    response = client.post(reverse("dues:statement_upload"), _upload_data(world, None))
    assert response.status_code == 403
    assert client.post(reverse("dues:statement_confirm", kwargs={"pk": job.pk})).status_code == 403
    assert not TaxStatementImport.objects.exclude(pk=job.pk).exists()


def test_the_menu_offers_statements_to_finance_staff_only(world, client):
    client.force_login(world.users["county"])
    assert reverse("dues:statement_list") in client.get(reverse("dues:statement_upload")).content.decode()
    client.force_login(world.users["chair"])
    home = client.get("/").content.decode()
    assert reverse("dues:statement_list") not in home


# --- hostile input: a Chinese error, nothing written ------------------------------------------------


def _upload(client, name, content):
    return client.post(reverse("dues:statement_upload"), {"file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("statement.xlsx", b"%PDF-1.4 not a spreadsheet at all", "请上传税务局导出的代征工会经费明细"),
        ("statement.xlsx", "纳税人识别号,实缴金额\n".encode(), "请上传税务局导出的代征工会经费明细"),
    ],
)
def test_a_file_that_is_no_spreadsheet_is_refused_in_chinese(world, client, name, content, says):
    client.force_login(world.users["county"])
    response = _upload(client, name, content)
    assert response.status_code == 200 and says in response.content.decode()
    assert not TaxStatementImport.objects.exists()


def test_a_huge_file_is_refused_before_it_is_stored(world, client, settings):
    settings.TAX_STATEMENT_MAX_BYTES = 50_000
    client.force_login(world.users["county"])
    big = statement_file([row(credit_code(200 + i), "100000.00", "2000.00") for i in range(1500)])
    assert len(big) > 50_000
    response = _upload(client, "big.xlsx", big)
    assert response.status_code == 200 and "文件超过上限" in response.content.decode()
    assert not TaxStatementImport.objects.exists()


def test_a_statement_without_its_header_fails_in_chinese_nothing_written(
    world, client, django_capture_on_commit_callbacks
):
    EnterpriseFactory(township=world.tree["a"], credit_code=KNOWN, ownership=Ownership.PRIVATE)
    book = Workbook()
    book.active.append(["国家税务总局东海县税务局 代征工会经费明细表"])
    book.active.append(["所属期：2026年7月1日至2026年9月30日"])
    book.active.append(["序号", "名称", "金额"])
    book.active.append([1, KNOWN, 2000])
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(world.users["county"])
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, "no-header.xlsx", buffer.getvalue())
    job = TaxStatementImport.objects.get()
    assert job.status == "failed" and "表头" in job.error
    page = client.get(reverse("dues:statement_detail", kwargs={"pk": job.pk})).content.decode()
    assert "表头" in page
    assert not Payment.objects.exists() and not LedgerEntry.objects.exists()


# --- the reconciliation page ----------------------------------------------------------------------


def test_reconciliation_filters_and_exports_what_it_shows(world, client):
    enterprise = EnterpriseFactory(township=world.tree["a"], credit_code=KNOWN, ownership=Ownership.PRIVATE)
    job = _job(world)
    client.force_login(world.users["county"])
    url = reverse("dues:statement_reconciliation", kwargs={"pk": job.pk})
    content = client.get(url).content.decode()
    assert enterprise.name in content and "东海县陌生有限公司" in content and 'name="codes"' in content
    only_unknown = client.get(url, {"verdict": "unknown"}).content.decode()
    assert "东海县陌生有限公司" in only_unknown and enterprise.name not in only_unknown
    by_township = client.get(url, {"township": world.tree["a"].pk}).content.decode()
    assert enterprise.name in by_township and "东海县陌生有限公司" not in by_township
    export = client.get(reverse("dues:statement_reconciliation_export", kwargs={"pk": job.pk}), {"verdict": "unknown"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "统一社会信用代码" and [r[0] for r in rows[1:]] == [STRANGER]
    assert rows[1][3] == "未登记的纳税人"
    bad = client.get(reverse("dues:statement_reconciliation_export", kwargs={"pk": job.pk}), {"township": "abc"})
    assert bad.status_code == 302  # refused, never the whole statement


def test_register_unknown_payers_as_enterprises_without_a_union(world, client):
    job = _job(world)
    client.force_login(world.users["county"])
    response = client.post(
        reverse("dues:statement_register_enterprises", kwargs={"pk": job.pk}),
        {"codes": [STRANGER], "township": world.tree["b"].pk, "ownership": "private"},
    )
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(credit_code=STRANGER)
    assert (enterprise.name, enterprise.township, enterprise.union) == ("东海县陌生有限公司", world.tree["b"], None)
    # A code that is not one of the statement's unknown payers is refused, nothing registered.
    client.post(
        reverse("dues:statement_register_enterprises", kwargs={"pk": job.pk}),
        {"codes": [KNOWN], "township": world.tree["a"].pk, "ownership": "private"},
    )
    assert not Enterprise.objects.filter(credit_code=KNOWN).exists()


def _reconciliation_queries(world, client, size, offset):
    verdicts = [(credit_code(offset + i), "unpaid", "0.00", f"企业{i}") for i in range(size)]
    for code, *_rest in verdicts[: size // 2]:
        EnterpriseFactory(township=world.tree["a"], credit_code=code, ownership=Ownership.PRIVATE)
    job = _job(world, verdicts=verdicts)
    client.force_login(world.users["county"])
    url = reverse("dues:statement_reconciliation", kwargs={"pk": job.pk})
    client.get(url)  # warm the session and the permissions
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_reconciliation_queries_do_not_grow_with_the_enterprises(world, client):
    small = _reconciliation_queries(world, client, 3, 300)
    TaxStatementImport.objects.all().delete()
    large = _reconciliation_queries(world, client, 40, 400)
    assert small == large


# --- the whole flow through a real worker ---------------------------------------------------------


@pytest.mark.worker
def test_upload_check_confirm_through_a_real_worker(celery_worker, world, client):
    finance = grant_manage_funds(UserFactory(username="finance_w", org_unit=world.tree["county"], role=COUNTY_STAFF))
    EnterpriseFactory(township=world.tree["a"], credit_code=KNOWN, ownership=Ownership.PRIVATE)
    client.force_login(finance)
    content = statement_file([row(KNOWN, "100000.00", "2000.00"), row(STRANGER, "50000.00", "1000.00")])
    response = _upload(client, "q3.xlsx", content)
    assert response.status_code == 302
    job = TaxStatementImport.objects.get()

    def wait(status):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status in (status, "failed"):
                break
            time.sleep(0.2)
        assert job.status == status, job.error

    wait("checked")
    assert not Payment.objects.exists()
    progress = client.get(reverse("dues:statement_progress", kwargs={"pk": job.pk})).json()
    assert progress == {"status": "checked", "processed": 2, "total": 2, "percent": 100}
    page = client.get(reverse("dues:statement_detail", kwargs={"pk": job.pk})).content.decode()
    assert "未登记的纳税人" in page
    client.post(reverse("dues:statement_confirm", kwargs={"pk": job.pk}))
    wait("imported")
    assert list(Payment.objects.values_list("entry__enterprise__credit_code", flat=True)) == [KNOWN]
    assert job.confirmed_by == finance and job.period_start.isoformat() == "2026-07-01"
