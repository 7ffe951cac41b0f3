"""Roster import through the real path: upload → dry run → confirm → import, in Celery."""

import io
import json
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from apps.members.models import Member, RosterImport

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ROSTER = FIXTURES / "roster-baitabu-chemical.xlsx"
EXPECTED = FIXTURES / "roster-baitabu-chemical.expected.json"


def upload(client, union, path=ROSTER, name=None):
    content = path.read_bytes() if isinstance(path, Path) else path
    return client.post(
        reverse("members:import_upload"),
        {"union": union.pk, "file": SimpleUploadedFile(name or "花名册.xlsx", content)},
    )


def statuses(report):
    result = {"valid": set(), "warning": set(), "error": set()}
    for entry in report:
        result[entry["status"]].add(entry["row"])
    return result


@pytest.mark.django_db
class TestWebImport:
    def test_dry_run_reports_exactly_the_expected_rows_and_writes_nothing(
        self, client_for, chair_a, county_tree, django_capture_on_commit_callbacks
    ):
        expected = json.loads(EXPECTED.read_text())
        client = client_for(chair_a)
        with django_capture_on_commit_callbacks(execute=True):
            response = upload(client, county_tree["union_a"])
        roster_import = RosterImport.objects.get()
        assert response.status_code == 302 and response["Location"] == roster_import.get_absolute_url()
        roster_import.refresh_from_db()
        assert roster_import.status == "checked"
        rows = statuses(roster_import.report)
        assert rows["error"] == {int(r) for r in expected["error_rows"]}
        assert rows["warning"] == {int(r) for r in expected["warning_rows"]}
        assert rows["valid"] | rows["warning"] == set(expected["valid_rows"])
        assert expected["summary_row"] not in rows["valid"] | rows["warning"] | rows["error"]
        assert Member.objects.count() == 0
        page = client.get(roster_import.get_absolute_url()).content.decode()
        assert "校验位" in page and "文本" in page and "导入合格的行" in page

    def test_confirm_imports_valid_rows_and_a_second_import_changes_nothing(
        self, client_for, chair_a, county_tree, django_capture_on_commit_callbacks
    ):
        expected = json.loads(EXPECTED.read_text())
        client = client_for(chair_a)
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                upload(client, county_tree["union_a"])
            roster_import = RosterImport.objects.latest("id")
            with django_capture_on_commit_callbacks(execute=True):
                client.post(reverse("members:import_confirm", kwargs={"pk": roster_import.pk}))
            roster_import.refresh_from_db()
            assert roster_import.status == "imported"
            assert Member.objects.count() == expected["valid_count"]
        assert roster_import.summary["unchanged"] == expected["valid_count"]
        assert roster_import.summary["create"] == 0 and roster_import.summary["update"] == 0
        # Cards from the file are kept; nobody is there twice.
        assert Member.objects.filter(card_number="DH2019735020").count() == 1

    def test_members_of_another_union_are_offered_for_transfer_not_duplicated(
        self, client_for, chair_a, chair_b, county_tree, django_capture_on_commit_callbacks
    ):
        for chair, union in ((chair_b, county_tree["union_b"]), (chair_a, county_tree["union_a"])):
            with django_capture_on_commit_callbacks(execute=True):
                upload(client_for(chair), union)
            roster_import = RosterImport.objects.latest("id")
            with django_capture_on_commit_callbacks(execute=True):
                client_for(chair).post(reverse("members:import_confirm", kwargs={"pk": roster_import.pk}))
        roster_import.refresh_from_db()
        assert roster_import.summary["transfer"] == 184 and roster_import.summary["create"] == 0
        assert Member.objects.count() == 184
        assert set(Member.objects.values_list("union", flat=True)) == {county_tree["union_b"].pk}

    def test_wrong_file_type_is_refused_in_chinese_and_nothing_stored(self, client_for, chair_a, county_tree):
        response = upload(client_for(chair_a), county_tree["union_a"], path=b"name,id\n", name="roster.csv")
        assert response.status_code == 200
        assert ".xlsx" in response.content.decode()
        assert not RosterImport.objects.exists()

    def test_a_corrupt_xlsx_is_refused_at_upload_with_a_chinese_message(self, client_for, chair_a, county_tree):
        # The worker's own refusal of such a file: tests/members/test_roster_limits.py.
        response = upload(client_for(chair_a), county_tree["union_a"], path=b"PK\x03\x04 not really a zip")
        assert response.status_code == 200 and "无法读取文件" in response.content.decode()
        assert not RosterImport.objects.exists() and Member.objects.count() == 0

    def test_another_townships_import_report_and_progress_are_404(
        self, client_for, chair_a, chair_b, county_tree, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            upload(client_for(chair_b), county_tree["union_b"])
        roster_import = RosterImport.objects.get()
        client = client_for(chair_a)
        for route in ("import_detail", "import_progress", "import_report"):
            assert client.get(reverse(f"members:{route}", kwargs={"pk": roster_import.pk})).status_code == 404
        assert client.post(reverse("members:import_confirm", kwargs={"pk": roster_import.pk})).status_code == 404

    def test_report_download_has_row_results_but_no_personal_data(
        self, client_for, chair_a, county_tree, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            upload(client_for(chair_a), county_tree["union_a"])
        roster_import = RosterImport.objects.get()
        response = client_for(chair_a).get(reverse("members:import_report", kwargs={"pk": roster_import.pk}))
        sheet = load_workbook(io.BytesIO(response.content)).active
        cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
        assert any("校验位" in c for c in cells)
        assert not any("320722198101021810" in c or "15152758929" in c for c in cells)


@pytest.mark.django_db
def test_cli_json_report_matches_the_expected_rows(county_tree, capsys, admin_user):
    expected = json.loads(EXPECTED.read_text())
    call_command(
        "import_roster",
        str(ROSTER),
        "--union",
        str(county_tree["union_a"].pk),
        "--dry-run",
        "--json",
        "--user",
        admin_user.username,
    )
    rows = json.loads(capsys.readouterr().out)
    assert {r["row"] for r in rows if r["status"] == "error"} == {int(r) for r in expected["error_rows"]}
    assert {r["row"] for r in rows if r["status"] == "warning"} == {int(r) for r in expected["warning_rows"]}
    assert {r["row"] for r in rows if r["status"] != "error"} == set(expected["valid_rows"])
    assert all(set(r) == {"row", "status", "messages"} for r in rows)
    assert Member.objects.count() == 0


@pytest.mark.worker
def test_import_through_a_real_worker(celery_worker, county_tree, chair_a, client):
    client.force_login(chair_a)
    upload(client, county_tree["union_a"])
    roster_import = RosterImport.objects.get()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        roster_import.refresh_from_db()
        if roster_import.status not in ("queued", "running"):
            break
        time.sleep(0.3)
    assert roster_import.status == "checked"
    progress = client.get(reverse("members:import_progress", kwargs={"pk": roster_import.pk})).json()
    assert progress == {"status": "checked", "processed": 195, "total": 195, "percent": 100}
    client.post(reverse("members:import_confirm", kwargs={"pk": roster_import.pk}))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        roster_import.refresh_from_db()
        if roster_import.status == "imported":
            break
        time.sleep(0.3)
    assert Member.objects.count() == 184


@pytest.mark.django_db
def test_a_duplicate_message_does_not_run_an_import_twice(county_tree, chair_a):
    from apps.members.imports import roster_import_execute

    record = RosterImport.objects.create(
        union=county_tree["union_a"], uploaded_by=chair_a, file_name="r.xlsx", content=ROSTER.read_bytes(), commit=True
    )
    assert roster_import_execute(import_id=record.pk).status == "imported"
    RosterImport.objects.filter(pk=record.pk).update(status="running")  # as a second worker would see it
    assert roster_import_execute(import_id=record.pk).status == "running"  # not stale: left alone
    assert Member.objects.count() == 184


@pytest.mark.django_db
def test_card_numbers_repeated_in_a_file_or_too_long_cells_are_errors_in_the_check(county_tree, chair_a, tmp_path):
    import openpyxl

    from apps.members.imports import roster_import_execute
    from tests.members.conftest import make_id

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "性别", "身份证号码", "用工形式", "入会时间", "会员证号", "民族"])
    sheet.append(["甲", "男", make_id(serial="111"), "合同工", "2020-01-01", "dh2020000001", "汉族"])
    sheet.append(["乙", "男", make_id(serial="131"), "合同工", "2020-01-01", "DH2020000001", "汉族"])
    sheet.append(["丙" * 60, "男", make_id(serial="151"), "合同工", "2020-01-01", "", "汉族"])
    path = tmp_path / "r.xlsx"
    book.save(path)
    record = RosterImport.objects.create(
        union=county_tree["union_a"], uploaded_by=chair_a, file_name="r.xlsx", content=path.read_bytes(), commit=True
    )
    record = roster_import_execute(import_id=record.pk)
    by_row = {e["row"]: e for e in record.report}
    assert record.status == "imported"
    assert by_row[2]["status"] == "valid" and by_row[3]["status"] == "error" and by_row[4]["status"] == "error"
    assert "重复" in by_row[3]["messages"][-1] and "过长" in by_row[4]["messages"][-1]
    assert list(Member.objects.values_list("card_number", flat=True)) == ["DH2020000001"]


@pytest.mark.django_db
def test_imports_write_history_with_who_and_which_roster(county_tree, chair_a, tmp_path):
    """Bulk inserts and updates still go through the history triggers, with the importer attached."""
    import openpyxl
    from django.apps import apps

    from apps.members.imports import roster_import_execute
    from tests.members.conftest import make_id

    def run(mobile):
        book = openpyxl.Workbook()
        book.active.append(["姓名", "身份证号码", "用工形式", "入会时间", "手机号码"])
        book.active.append(["甲", make_id(serial="111"), "合同工", "2020-01-01", mobile])
        book.active.append(["乙", make_id(serial="131"), "合同工", "2020-01-01", "13800138000"])
        path = tmp_path / "r.xlsx"
        book.save(path)
        record = RosterImport.objects.create(
            union=county_tree["union_a"],
            uploaded_by=chair_a,
            file_name="r.xlsx",
            content=path.read_bytes(),
            commit=True,
        )
        return roster_import_execute(import_id=record.pk)

    first = run("13900139000")
    second = run("13700137000")
    assert (first.summary["create"], second.summary["update"], second.summary["unchanged"]) == (2, 1, 1)
    events = apps.get_model("members", "MemberEvent").objects.select_related("pgh_context").order_by("pgh_id")
    assert [e.pgh_label for e in events] == ["insert", "insert", "update"]
    assert [e.pgh_context.metadata["roster_import"] for e in events] == [first.pk, first.pk, second.pk]
    assert {e.pgh_context.metadata["user_name"] for e in events} == {chair_a.username}
    changed = Member.objects.get(mobile="13700137000")
    assert events.last().pgh_obj_id == changed.pk and changed.updated_at > changed.created_at


@pytest.mark.django_db
def test_imported_members_are_stored_as_the_model_would_store_them(county_tree, chair_a, tmp_path):
    """The import writes new members with one INSERT of its own: encrypted ID, defaults, timestamps, history."""
    import openpyxl
    from django.apps import apps

    from apps.members.imports import roster_import_execute
    from apps.members.selectors import id_hash_of, member_by_id_number
    from tests.members.conftest import make_id

    number = make_id(serial="111")
    book = openpyxl.Workbook()
    book.active.append(["姓名", "身份证号码", "用工形式", "入会时间", "手机号码", "民族", "会员证号"])
    book.active.append(['王"\\芳', number, "合同工", "2020-01-02", "13900139000", "回族", ""])
    book.active.append(["乙", make_id(serial="131"), "农民工", "2021-03-04", "", "", "dh2019000007"])
    path = tmp_path / "r.xlsx"
    book.save(path)
    record = RosterImport.objects.create(
        union=county_tree["union_a"], uploaded_by=chair_a, file_name="r.xlsx", content=path.read_bytes(), commit=True
    )
    record = roster_import_execute(import_id=record.pk)
    assert record.summary["create"] == 2

    member = member_by_id_number(number)
    assert member.id_number == number and member.id_hash == id_hash_of(number)
    assert (member.real_name, member.union, member.sex, member.birth_date.isoformat()) == (
        '王"\\芳',
        county_tree["union_a"],
        "male",
        "1985-03-15",
    )
    assert (member.ethnicity, member.mobile, member.employment_form, member.join_date.isoformat()) == (
        "03",  # 回族, as its GB/T 3304 code
        "13900139000",
        "regular",
        "2020-01-02",
    )
    assert (member.status, member.hardship, member.left_on, member.leave_reason) == ("active", False, None, "")
    assert member.created_at == member.updated_at <= record.finished_at
    assert Member.objects.get(card_number="DH2019000007").employment_form == "migrant"
    events = apps.get_model("members", "MemberEvent").objects.filter(pgh_label="insert")
    assert sorted(events.values_list("pgh_obj_id", "card_number")) == sorted(
        Member.objects.values_list("id", "card_number")
    )


# Which cells a roster must fill: the Member model's fields that may not be blank, less those the
# import derives (sex and birth date from the ID number) or issues (the card number).
def _required_fields():
    from apps.members.roster import FROM_ID_NUMBER, ISSUED_IF_BLANK, ROW_FIELDS

    return [
        name
        for name in ROW_FIELDS
        if not Member._meta.get_field(name).blank and name not in (*FROM_ID_NUMBER, *ISSUED_IF_BLANK)
    ]


REQUIRED_COLUMNS = {
    "real_name": "姓名",
    "id_number": "身份证号码",
    "employment_form": "用工形式",
    "join_date": "入会时间",
}


def test_every_required_member_field_has_a_roster_column():
    assert set(_required_fields()) == set(REQUIRED_COLUMNS)


def _roster_import(tmp_path, union, user, rows, header):
    import openpyxl

    book = openpyxl.Workbook()
    for row in [header, *rows]:
        book.active.append(row)
    path = tmp_path / "r.xlsx"
    book.save(path)
    return RosterImport.objects.create(
        union=union, uploaded_by=user, file_name="r.xlsx", content=path.read_bytes(), commit=True
    )


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["blank cell", "no column"])
@pytest.mark.parametrize("field", _required_fields())
def test_a_blank_required_cell_is_an_error_of_the_dry_run_and_what_it_passes_imports(
    county_tree, chair_a, tmp_path, field, how
):
    from apps.members.imports import roster_import_execute
    from apps.members.roster import REQUIRED_FIELDS
    from tests.members.conftest import make_id

    good = {"姓名": "甲", "身份证号码": make_id(serial="111"), "用工形式": "合同工", "入会时间": "2020-01-01"}
    bad = {**good, "身份证号码": make_id(serial="131")}
    header = list(good)
    if how == "blank cell":
        bad[REQUIRED_COLUMNS[field]] = None
    else:
        header.remove(REQUIRED_COLUMNS[field])
    rows = [[values[column] for column in header] for values in (good, bad)]
    record = _roster_import(tmp_path, county_tree["union_a"], chair_a, rows, header)
    record = roster_import_execute(import_id=record.pk)
    if how == "no column" and field in REQUIRED_FIELDS:  # the header itself is refused
        assert record.status == "failed" and "表头缺少必填的列" in record.error
        assert not Member.objects.exists()
        return
    by_row = {entry["row"]: entry for entry in record.report}
    assert by_row[3]["status"] == "error" and by_row[3]["action"] == "skip"
    assert any(message.startswith(f"{REQUIRED_COLUMNS[field]}：未填写") for message in by_row[3]["messages"])
    if how == "no column":
        assert by_row[2]["status"] == "error"  # no row can give what the file lacks
        assert record.status == "imported" and not Member.objects.exists()
    else:
        # What the dry run passed is what the import writes, and nothing else.
        assert by_row[2]["status"] == "valid", by_row[2]
        assert record.status == "imported", record.error
        assert list(Member.objects.values_list("real_name", flat=True)) == ["甲"]


@pytest.mark.django_db
def test_a_roster_of_names_and_id_numbers_only_is_refused_row_by_row_not_at_write_time(county_tree, chair_a, tmp_path):
    from apps.members.imports import roster_import_execute
    from tests.members.conftest import make_id

    header = ["姓名", "身份证号码", "用工形式", "入会时间"]
    record = _roster_import(tmp_path, county_tree["union_a"], chair_a, [["甲", make_id(), None, None]], header)
    record = roster_import_execute(import_id=record.pk)
    (entry,) = record.report
    assert (record.status, entry["status"]) == ("imported", "error"), record.error
    assert entry["messages"] == [
        "用工形式：未填写，请填写以下之一：固定工、合同工、正式工、农民工、劳务派遣、派遣、临时工、灵活用工、非全日制。",
        "入会时间：未填写，请填写入会日期（如 2024-03-01）。",
    ]
    assert not Member.objects.exists()


@pytest.mark.django_db
def test_the_write_refuses_a_row_the_member_model_refuses(county_tree, chair_a, tmp_path):
    """The write runs the check's own rule again: a row that got past it fails the import whole."""
    from apps.members import imports
    from apps.members.roster import RowResult
    from tests.members.conftest import make_id

    row = RowResult(row=2, status="valid", messages=[], data={"real_name": "甲", "id_number": make_id()})
    with pytest.raises(ValueError, match="employment_form"):
        imports._write(county_tree["union_a"], [(row, "")], [], {2: "x"})
    assert not Member.objects.exists()


@pytest.mark.django_db
def test_an_xls_roster_uploads_checks_and_imports_as_the_xlsx_does(
    client_for, chair_a, county_tree, django_capture_on_commit_callbacks
):
    expected = json.loads(EXPECTED.read_text())
    client = client_for(chair_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(
            client, county_tree["union_a"], path=FIXTURES / "roster-baitabu-chemical.xls", name="花名册.xls"
        )
    roster_import = RosterImport.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    roster_import.refresh_from_db()
    assert roster_import.status == "checked", roster_import.error
    rows = statuses(roster_import.report)
    assert rows["error"] == {int(r) for r in expected["error_rows"]}
    assert rows["valid"] | rows["warning"] == set(expected["valid_rows"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("members:import_confirm", kwargs={"pk": roster_import.pk}))
    roster_import.refresh_from_db()
    assert roster_import.status == "imported" and Member.objects.count() == expected["valid_count"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("花名册.xls", b"name,id\n"),  # an .xls by name only
        ("花名册.xlsx", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600),  # OLE2, but no workbook
    ],
    ids=["text named .xls", "OLE2 without a workbook"],
)
def test_an_upload_is_judged_by_its_content_not_its_name(client_for, chair_a, county_tree, name, content):
    response = upload(client_for(chair_a), county_tree["union_a"], path=content, name=name)
    assert response.status_code == 200
    page = response.content.decode()
    assert ".xls" in page and ("请上传" in page or "无法读取文件" in page)
    assert not RosterImport.objects.exists()


@pytest.mark.django_db
def test_the_history_of_an_imported_member_names_who_confirmed_not_who_uploaded(
    client_for, chair_a, county_user, county_tree, django_capture_on_commit_callbacks
):
    from django.apps import apps

    with django_capture_on_commit_callbacks(execute=True):
        upload(client_for(chair_a), county_tree["union_a"])
    roster_import = RosterImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(county_user).post(reverse("members:import_confirm", kwargs={"pk": roster_import.pk}))
    roster_import.refresh_from_db()
    assert roster_import.status == "imported" and roster_import.summary["create"] > 0
    assert (roster_import.uploaded_by, roster_import.confirmed_by) == (chair_a, county_user)
    events = apps.get_model("members", "MemberEvent").objects.select_related("pgh_context")
    assert events.count() == roster_import.summary["create"]
    assert {(e.pgh_context.metadata["user"], e.pgh_context.metadata["user_name"]) for e in events} == {
        (county_user.pk, county_user.username)
    }
