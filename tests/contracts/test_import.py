"""The contract register import (集体合同台账): upload → dry run → per-row report → confirm.

The fixture workbook is built here (openpyxl) the way a township office fills it: a title row
above the header, columns in their own order, blank rows, a 合计 row, dates typed every which
way, credit codes in lower case and full-width digits, several codes in one cell.
"""

import datetime
import io
import time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from apps.branches.demo import demo_credit_code
from apps.contracts.choices import ContractKind, ContractScope, ContractStatus, StepKind
from apps.contracts.imports import REGISTER, register_template_bytes
from apps.contracts.models import Contract, ContractImport, MinimumWage, WageArea
from apps.contracts.services import contract_record_existing
from tests.viewchecks import EVERYONE, Route, ViewChecks, button, page

NOW = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")

# The header in the office's own order (not the template's), under a title row.
HEADER = [
    "序号",
    "签订工会",
    "合同范围",
    "合同类型",
    "签订日期",
    "企业统一社会信用代码",
    "企业方代表",
    "覆盖企业信用代码",
    "期限起始",
    "期限终止",
    "期限理由",
    "报送日期",
    "生效日期",
    "覆盖职工人数",
    "人数说明",
    "工资增长幅度（%）",
    "约定最低工资",
    "职工方首席代表",
    "企业方首席代表",
]


def register_workbook(rows: list[dict | None], *, title="白塔埠镇集体合同台账") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.append(HEADER)
    for number, row in enumerate(rows, start=1):
        if row is None:
            sheet.append([])  # a blank row
            continue
        sheet.append([number, *(row.get(name) for name in HEADER[1:])])
    sheet.append(["合计", f"{len([r for r in rows if r])} 份"])
    sheet.append(["", "制表人：张三"])  # below the 合计 row: never read
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def register_rows(contract_world):
    w = contract_world
    shouting = w.ent_a.credit_code.lower().translate(FULL_WIDTH)  # lower case, full-width digits
    good = {
        # 3: an enterprise contract, dates as date cells, the code as an office types it
        "enterprise": {
            "签订工会": w.tree["union_a"].name,
            "合同范围": "企业",
            "合同类型": "综合性集体合同",
            "签订日期": datetime.date(2024, 3, 1),
            "企业统一社会信用代码": f" {shouting} ",
            "期限起始": datetime.date(2024, 3, 1),
            "期限终止": datetime.date(2027, 2, 28),
            "报送日期": datetime.date(2024, 3, 4),
            "生效日期": datetime.date(2024, 3, 25),
            "工资增长幅度（%）": 5,
            "约定最低工资": "2,400元",
            "职工方首席代表": "张  伟",
            "企业方首席代表": "李强",
        },
        # 4: a regional contract of township A's regional union, dates as text, two codes in a cell
        "regional": {
            "签订工会": w.regional_a.name,
            "合同范围": "区域性",
            "合同类型": "工资专项",
            "签订日期": "2024年5月10日",
            "企业方代表": "白塔埠镇企业联合会",
            "覆盖企业信用代码": f"{w.small_a1.credit_code.lower()}；\n{w.small_a2.credit_code}",
            "期限起始": "2024/5/10",
            "期限终止": "2026.5.9",
            "报送日期": "2024-05-13",
            "生效日期": "２０２４-０６-０１",
            "覆盖职工人数": "25",
            "人数说明": "含季节性用工 5 人",
        },
        # 5: an enterprise contract whose term is over: entered as expired
        "expired": {
            "签订工会": w.tree["union_a"].name,
            "合同类型": "女职工专项",
            "签订日期": "20210110",
            "企业统一社会信用代码": w.ent_a.credit_code,
            "期限起始": "2021-02-01",
            "期限终止": "2024-01-31",
            "生效日期": "2021-02-05",
        },
    }
    enterprise = good["enterprise"]
    bad = {
        "unknown union": {**enterprise, "签订工会": "不存在的工会"},
        "union of township B": {**enterprise, "签订工会": w.tree["union_b"].name},
        "unknown enterprise": {**enterprise, "企业统一社会信用代码": demo_credit_code(987_654)},
        "enterprise of township B": {**enterprise, "企业统一社会信用代码": w.ent_b.credit_code},
        "bad date": {**enterprise, "签订日期": "2024-13-45"},
        "five years without a reason": {
            **enterprise,
            "签订日期": "2023-01-01",
            "期限起始": "2023-01-01",
            "期限终止": "2027-12-31",
            "报送日期": None,
            "生效日期": "2023-02-01",
        },
        "unknown kind": {**enterprise, "合同类型": "劳动合同"},
        "in force before signed": {**enterprise, "签订日期": "2022-06-01", "报送日期": None, "生效日期": "2022-05-01"},
        "regional without enterprises": {**good["regional"], "覆盖企业信用代码": ""},
        "count without a reason": {**good["regional"], "签订日期": "2024-05-11", "人数说明": ""},
        "duplicate": dict(enterprise),
    }
    return good, bad


def rows_of(good, bad):
    """The file's rows, with blank rows among them; {name: spreadsheet row} of each."""
    layout = [good["enterprise"], None, good["regional"], good["expired"], None, None, *bad.values()]
    numbers, row = {}, 3  # row 1: the title, row 2: the header
    names = ["enterprise", None, "regional", "expired", None, None, *bad]
    for name in names:
        if name is not None:
            numbers[name] = row
        row += 1
    return layout, numbers


def upload(client, content, name="集体合同台账.xlsx"):
    return client.post(reverse("contracts:import_upload"), {"file": SimpleUploadedFile(name, content)})


def by_row(job):
    return {entry["row"]: entry for entry in job.report}


@pytest.mark.django_db
class TestRegisterImport:
    def test_the_dry_run_reports_each_row_and_writes_nothing(
        self, frozen, contract_world, register_rows, client_for, django_capture_on_commit_callbacks
    ):
        good, bad = register_rows
        layout, numbers = rows_of(good, bad)
        WageArea.objects.create(unit=contract_world.tree["county"], area_class="2")
        MinimumWage.objects.create(year=2024, area_class="2", monthly=Decimal("2490"))
        client = client_for(contract_world.chair)
        with django_capture_on_commit_callbacks(execute=True):
            response = upload(client, register_workbook(layout))
        job = ContractImport.objects.get()
        assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
        job.refresh_from_db()
        assert job.status == "checked", job.error
        assert job.org_unit == contract_world.tree["a"]
        report = by_row(job)
        assert set(report) == set(numbers.values())  # blank rows, the title and the 合计 row are not rows
        assert job.summary["rows"] == 3 + len(bad)
        assert job.summary["create"] == 3 and job.summary["skip"] == len(bad)
        assert {row for row, entry in report.items() if entry["action"] == "create"} == {
            numbers["enterprise"],
            numbers["regional"],
            numbers["expired"],
        }
        # The minimum wage agreed (2,400) is below the local one (2,490): a warning, still imported.
        enterprise = report[numbers["enterprise"]]
        assert enterprise["status"] == "warning" and "最低工资标准" in enterprise["messages"][0]
        assert report[numbers["regional"]]["status"] == "valid"

        def message(name):
            entry = report[numbers[name]]
            assert entry["status"] == "error" and entry["action"] == "skip", (name, entry)
            return " ".join(entry["messages"])

        assert "签订工会（B 列）" in message("unknown union") and "不存在的工会" in message("unknown union")
        assert "不是您所辖范围内登记的工会" in message("union of township B")
        assert "企业统一社会信用代码（F 列）" in message("unknown enterprise")
        assert "不是您所辖范围内登记的企业" in message("enterprise of township B")
        assert "签订日期（E 列）" in message("bad date") and "不是有效日期" in message("bad date")
        assert "期限理由" in message("five years without a reason") and "理由" in message("five years without a reason")
        assert "合同类型（D 列）" in message("unknown kind") and "综合性集体合同" in message("unknown kind")
        assert "生效日期" in message("in force before signed") and "早于" in message("in force before signed")
        assert "覆盖企业信用代码" in message("regional without enterprises")
        assert "人数说明" in message("count without a reason")
        assert f"第 {numbers['enterprise']} 行是同一份合同" in message("duplicate")
        assert Contract.objects.count() == 0

        page_html = client.get(job.get_absolute_url()).content.decode()
        assert "不存在的工会" in page_html and "导入合格的行" in page_html

    def test_confirm_writes_exactly_the_good_rows_and_a_second_import_changes_nothing(
        self, frozen, contract_world, register_rows, client_for, django_capture_on_commit_callbacks
    ):
        good, bad = register_rows
        layout, _numbers = rows_of(good, bad)
        content = register_workbook(layout)
        client = client_for(contract_world.chair)
        for attempt in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                upload(client, content)
            job = ContractImport.objects.latest("id")
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(reverse("contracts:import_confirm", kwargs={"pk": job.pk}))
            assert response.status_code == 302
            job.refresh_from_db()
            assert job.status == "imported", job.error
            assert job.confirmed_by == contract_world.chair
            assert Contract.objects.count() == 3, attempt
        assert job.summary["create"] == 0 and job.summary["unchanged"] == 3

        w = contract_world
        enterprise = Contract.objects.get(kind=ContractKind.COMPREHENSIVE)
        assert (enterprise.union, enterprise.enterprise, enterprise.scope) == (
            w.tree["union_a"],
            w.ent_a,
            ContractScope.ENTERPRISE,
        )
        assert enterprise.status == ContractStatus.IN_FORCE
        assert enterprise.signed_on == datetime.date(2024, 3, 1) and enterprise.term_end == datetime.date(2027, 2, 28)
        assert enterprise.minimum_wage == Decimal("2400.00") and enterprise.wage_increase_percent == Decimal("5.00")
        assert enterprise.workers_negotiator == "张伟" and enterprise.recorded_by == w.chair
        assert list(enterprise.covered_enterprises.all()) == [w.ent_a]
        regional = Contract.objects.get(kind=ContractKind.WAGE)
        assert regional.scope == ContractScope.REGIONAL and regional.employer_representative == "白塔埠镇企业联合会"
        assert set(regional.covered_enterprises.all()) == {w.small_a1, w.small_a2}
        assert (regional.workers_covered, regional.workers_covered_reason) == (25, "含季节性用工 5 人")
        assert regional.in_force_on == datetime.date(2024, 6, 1) and regional.term_end == datetime.date(2026, 5, 9)
        expired = Contract.objects.get(kind=ContractKind.WOMEN)
        assert expired.status == ContractStatus.EXPIRED and expired.signed_on == datetime.date(2021, 1, 10)
        assert StepKind.EXPIRE in set(expired.steps.values_list("kind", flat=True))

    def test_a_contract_already_on_record_is_not_entered_again(
        self, frozen, contract_world, register_rows, client_for, django_capture_on_commit_callbacks
    ):
        good, _bad = register_rows
        w = contract_world
        on_record = contract_record_existing(
            user=w.chair,
            union=w.tree["union_a"],
            kind=ContractKind.COMPREHENSIVE,
            scope=ContractScope.ENTERPRISE,
            enterprise=w.ent_a,
            signed_on=datetime.date(2024, 3, 1),
            term_start=datetime.date(2024, 3, 1),
            term_end=datetime.date(2027, 2, 28),
            in_force_on=datetime.date(2024, 3, 25),
        )
        client = client_for(w.chair)
        with django_capture_on_commit_callbacks(execute=True):
            upload(client, register_workbook([good["enterprise"]]))
        job = ContractImport.objects.get()
        entry = job.report[0]
        assert entry["action"] == "unchanged" and on_record.number in " ".join(entry["messages"])
        assert job.summary["create"] == 0

    def test_a_chair_cannot_import_into_another_townships_union(
        self, frozen, contract_world, register_rows, client_for, django_capture_on_commit_callbacks
    ):
        good, _bad = register_rows
        client = client_for(contract_world.chair_b)
        with django_capture_on_commit_callbacks(execute=True):
            upload(client, register_workbook([good["enterprise"], good["regional"]]))
        job = ContractImport.objects.get()
        assert job.org_unit == contract_world.tree["b"]
        assert [entry["status"] for entry in job.report] == ["error", "error"]
        assert all("不是您所辖范围内登记的工会" in entry["messages"][0] for entry in job.report)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("contracts:import_confirm", kwargs={"pk": job.pk}))
        job.refresh_from_db()
        assert job.status == "imported" and job.summary["create"] == 0
        assert Contract.objects.count() == 0
        # Nor see township A's imports.
        own = ContractImport.objects.create(
            uploaded_by=contract_world.chair, org_unit=contract_world.tree["a"], file_name="a.xlsx", content=b""
        )
        assert client.get(reverse("contracts:import_detail", kwargs={"pk": own.pk})).status_code == 404

    def test_a_row_the_register_refuses_at_the_write_fails_the_import_whole(
        self, frozen, contract_world, register_rows, client_for, django_capture_on_commit_callbacks, monkeypatch
    ):
        """Nothing half-written: a refusal at the write (a rule the check did not know) undoes it all."""
        good, _bad = register_rows
        client = client_for(contract_world.chair)
        with django_capture_on_commit_callbacks(execute=True):
            upload(client, register_workbook([good["enterprise"], good["regional"]]))
        job = ContractImport.objects.get()
        from apps.contracts import services
        from apps.core.errors import ApplicationError

        real = services.contract_record_existing
        calls = []

        def refuse_the_second(**fields):
            calls.append(fields)
            if len(calls) == 2:
                raise ApplicationError("测试：登记时被拒绝")
            return real(**fields)

        monkeypatch.setattr(services, "contract_record_existing", refuse_the_second)
        with django_capture_on_commit_callbacks(execute=True):  # the job fails (logged), the request does not
            client.post(reverse("contracts:import_confirm", kwargs={"pk": job.pk}))
        job.refresh_from_db()
        assert job.status == "failed"
        assert "第 4 行" in job.error and "测试：登记时被拒绝" in job.error and "未写入任何数据" in job.error
        assert Contract.objects.count() == 0

    def test_a_file_without_the_header_fails_with_a_chinese_message(
        self, contract_world, client_for, django_capture_on_commit_callbacks
    ):
        book = Workbook()
        book.active.append(["姓名", "身份证号码"])
        output = io.BytesIO()
        book.save(output)
        client = client_for(contract_world.chair)
        with django_capture_on_commit_callbacks(execute=True):
            upload(client, output.getvalue())
        job = ContractImport.objects.get()
        assert job.status == "failed" and "没有找到表头" in job.error

    def test_a_file_that_is_not_excel_is_refused_before_anything_is_stored(self, contract_world, client_for):
        response = upload(client_for(contract_world.chair), b"%PDF-1.4 not a workbook", name="台账.xlsx")
        assert response.status_code == 200
        assert "请上传 Excel 格式" in response.content.decode()
        assert not ContractImport.objects.exists()

    def test_the_template_reads_back_as_a_register_with_its_example_row_skipped(self, contract_world, client_for):
        response = client_for(contract_world.chair).get(reverse("contracts:import_template"))
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.content))
        assert book.sheetnames == ["集体合同台账", "填写说明"]
        assert [cell.value for cell in book["集体合同台账"][1]][:3] == ["序号", "签订工会", "合同类型"]
        from apps.contracts.imports import parse_register

        assert parse_register(register_template_bytes()) == []  # the 示例行 is never a contract


@pytest.mark.worker
def test_the_import_runs_through_a_real_worker(celery_worker, contract_world, register_rows, client):
    good, _bad = register_rows
    client.force_login(contract_world.chair)
    upload(client, register_workbook([good["enterprise"], good["regional"]]))
    job = ContractImport.objects.get()

    def wait(status):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status not in ("queued", "running"):
                break
            time.sleep(0.3)
        assert job.status == status, job.error

    wait("checked")
    progress = client.get(reverse("contracts:import_progress", kwargs={"pk": job.pk})).json()
    assert progress == {"status": "checked", "processed": 2, "total": 2, "percent": 100}
    client.post(reverse("contracts:import_confirm", kwargs={"pk": job.pk}))
    wait("imported")
    assert Contract.objects.count() == 2
    assert REGISTER.model is ContractImport


# --- view checks (tests/viewchecks.py) ------------------------------------------------------------------


def _job(world, where, **fields):
    chair = world.users["chair" if where == "a" else "chair_b"]
    return ContractImport.objects.create(
        uploaded_by=chair,
        org_unit=world.tree[f"union_{where}"],
        file_name=f"台账{where.upper()}.xlsx",
        content=b"",
        **fields,
    )


def _changed(field, value):
    def check(obj):
        obj.refresh_from_db()
        assert getattr(obj, field) == value, (field, getattr(obj, field))

    return check


def _upload_data(world, obj):
    return {"file": SimpleUploadedFile("upload.xlsx", register_workbook([]))}


class TestRegisterImportViews(ViewChecks):
    def make(self, world, where, user):
        return _job(world, where)

    @staticmethod
    def checked(world, where, user):
        return _job(world, where, status="checked", summary={"rows": 0})

    routes = (
        page(
            "contracts:import_upload",
            "create",
            EVERYONE,
            methods=("get", "post"),
            data=_upload_data,
            done=lambda obj: ContractImport.objects.get(file_name="upload.xlsx"),
            shows=lambda obj: obj.file_name,
        ),
        Route("contracts:import_detail", "detail", EVERYONE),
        Route("contracts:import_progress", "detail", EVERYONE, poll=True),
        button("contracts:import_confirm", EVERYONE, obj=checked, done=_changed("commit", True)),
        button("contracts:import_retry", EVERYONE),
        Route("contracts:import_report", "export", EVERYONE),
        page("contracts:import_template", "export", EVERYONE),
    )
