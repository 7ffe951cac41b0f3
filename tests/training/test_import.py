"""The sign-in sheet (签到表) import: dry run with a per-row report in Chinese, confirm, the good
rows entered through attendance_record in one transaction, a second import changes nothing; and
the whole path through a real Celery worker."""

import datetime
import io
import time
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.training.choices import NominationStatus
from apps.training.imports import (
    ATTENDANCE_SHEET,
    attendance_import_confirm,
    attendance_import_execute,
    attendance_import_start,
)
from apps.training.models import Attendance, AttendanceImport
from apps.training.services import nomination_create

from .conftest import add_sessions, make_programme

HEADER = ["序号", "姓名", "单位", "课程日期", "签到", "学时"]


def sheet_bytes(rows, header=HEADER, title="2026年集训班签到表"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.append(header)
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    sheet.append(["合计", None, None, None, len(rows)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def held(training_world):
    """A county batch held last week (two three-hour sessions on two days): union A's five cadres
    enrolled, one of township B's on the waiting list (capacity 5)."""
    w = training_world
    today = timezone.localdate()
    programme = make_programme(
        w.tree["county"],
        opens=today - datetime.timedelta(days=30),
        starts=today - datetime.timedelta(days=8),
        ends=today - datetime.timedelta(days=7),
        user=w.county_user,
        capacity=5,
    )
    sessions = add_sessions(programme, "3", "3")
    at = timezone.make_aware(datetime.datetime.combine(programme.signup_opens_on, datetime.time(10)))
    for officer in [*w.officers_a, w.officers_b[0]]:
        nomination_create(user=None, programme=programme, officer=officer, now=at)
    w.programme, w.sessions = programme, sessions
    return w


def the_sheet(w):
    """The rows below the title and the header: row 3 on."""
    day0, day1 = (s.held_on for s in w.sessions)
    far = w.programme.ends_on + datetime.timedelta(days=3)
    return sheet_bytes(
        [
            ["甲0", "", day0, "√", None],  # 3: present, the whole session
            ["甲1", "", day0, "缺勤", None],  # 4: absent
            ["甲2", "", day0.isoformat(), "到", "2.5"],  # 5: part of it, the date as text
            ["甲3", "", day0, "√", 4],  # 6: more than the session's 3 hours
            ["甲4", "", day0, "√", "三"],  # 7: not a number
            ["乙0", "", day0, "√", None],  # 8: on the waiting list
            ["乙1", "", day0, "√", None],  # 9: an officer of the county, not nominated
            ["王某某", "", day0, "√", None],  # 10: nobody of that name
            ["甲0", "", day0, "√", None],  # 11: row 3 again
            ["甲0", "", day1, "√", None],  # 12: the second session
            ["甲1", "", far, "√", None],  # 13: no session that day
        ]
    )


def by_row(job):
    return {entry["row"]: entry for entry in job.report}


def run(job):
    return attendance_import_execute(import_id=job.pk)


@pytest.mark.django_db
def test_the_dry_run_reports_each_row_in_chinese_and_writes_nothing(held, django_capture_on_commit_callbacks):
    w = held
    with django_capture_on_commit_callbacks(execute=True):
        job = attendance_import_start(
            user=w.county_user, programme=w.programme, file_name="签到表.xlsx", content=the_sheet(w)
        )
    job.refresh_from_db()
    assert job.status == "checked"
    rows = by_row(job)
    assert {r for r, e in rows.items() if e["status"] == "error"} == {6, 7, 8, 9, 10, 11, 13}
    assert {r for r, e in rows.items() if e["action"] == "create"} == {3, 4, 5, 12}
    assert "超过该次课程的 3.0 学时" in rows[6]["messages"][0]
    assert "不是数字" in rows[7]["messages"][0]
    assert "候补" in rows[8]["messages"][0] and "不是已报名学员" in rows[8]["messages"][0]
    assert "未报名该培训班" in rows[9]["messages"][0]
    assert "查无此学员" in rows[10]["messages"][0]
    assert "与第 3 行重复" in rows[11]["messages"][0]
    assert "没有课程" in rows[13]["messages"][0]
    assert job.summary["rows"] == 11 and job.summary["create"] == 4 and job.summary["skip"] == 7
    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_confirm_writes_the_good_rows_and_importing_again_changes_nothing(held, django_capture_on_commit_callbacks):
    w = held
    content = the_sheet(w)
    with django_capture_on_commit_callbacks(execute=True):
        job = attendance_import_start(
            user=w.county_user, programme=w.programme, file_name="签到表.xlsx", content=content
        )
    with django_capture_on_commit_callbacks(execute=True):
        attendance_import_confirm(attendance_import=job, user=w.county_user)
    job.refresh_from_db()
    assert job.status == "imported" and job.confirmed_by == w.county_user
    rows = {(a.nomination.trainee_name, a.session_id): (a.present, a.hours) for a in Attendance.objects.all()}
    first, second = (s.pk for s in w.sessions)
    assert rows == {
        ("甲0", first): (True, Decimal("3.0")),
        ("甲1", first): (False, Decimal("0.0")),
        ("甲2", first): (True, Decimal("2.5")),
        ("甲0", second): (True, Decimal("3.0")),
    }
    assert all(s.attendance_recorded_at for s in type(w.sessions[0]).objects.filter(programme=w.programme))
    assert not Attendance.objects.filter(recorded_by__isnull=True).exists()
    stamps = sorted(Attendance.objects.values_list("pk", "updated_at"))
    recorded_at = list(type(w.sessions[0]).objects.order_by("pk").values_list("attendance_recorded_at", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        again = attendance_import_start(
            user=w.county_user, programme=w.programme, file_name="签到表.xlsx", content=content
        )
    again.refresh_from_db()
    assert {r for r, e in by_row(again).items() if e["action"] == "unchanged"} == {3, 4, 5, 12}
    with django_capture_on_commit_callbacks(execute=True):
        attendance_import_confirm(attendance_import=again, user=w.county_user)
    again.refresh_from_db()
    assert again.status == "imported" and again.summary["unchanged"] == 4 and again.summary["create"] == 0
    assert sorted(Attendance.objects.values_list("pk", "updated_at")) == stamps
    assert (
        list(type(w.sessions[0]).objects.order_by("pk").values_list("attendance_recorded_at", flat=True)) == recorded_at
    )


@pytest.mark.django_db
def test_a_corrected_sheet_updates_what_changed(held, django_capture_on_commit_callbacks):
    w = held
    day0 = w.sessions[0].held_on
    with django_capture_on_commit_callbacks(execute=True):
        job = attendance_import_start(
            user=w.county_user,
            programme=w.programme,
            file_name="a.xlsx",
            content=sheet_bytes([["甲0", "", day0, "√", None]]),
        )
    with django_capture_on_commit_callbacks(execute=True):
        attendance_import_confirm(attendance_import=job, user=w.county_user)
    corrected = sheet_bytes([["甲0", "", day0, "√", "1.5"], ["甲1", "", day0, "", None]])
    with django_capture_on_commit_callbacks(execute=True):
        job = attendance_import_start(user=w.county_user, programme=w.programme, file_name="b.xlsx", content=corrected)
    job.refresh_from_db()
    assert [e["action"] for e in job.report] == ["update", "create"]
    with django_capture_on_commit_callbacks(execute=True):
        attendance_import_confirm(attendance_import=job, user=w.county_user)
    assert sorted(Attendance.objects.values_list("nomination__trainee_name", "hours")) == [
        ("甲0", Decimal("1.5")),
        ("甲1", Decimal("3.0")),  # no mark, no hours: present for the whole session
    ]


@pytest.mark.django_db
def test_two_sessions_on_one_day_are_told_apart_by_subject_and_namesakes_by_union(
    held, django_capture_on_commit_callbacks
):
    from apps.training.services import session_add

    w = held
    day0 = w.sessions[0].held_on
    session_add(user=None, programme=w.programme, held_on=day0, hours=Decimal("2"), subject="工会经费管理")
    content = sheet_bytes(
        [["甲0", "", day0, "√", None], ["甲1", "", day0, "√", None]],
        header=["序号", "姓名", "单位", "课程日期", "签到", "学时"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = attendance_import_start(user=w.county_user, programme=w.programme, file_name="a.xlsx", content=content)
    job.refresh_from_db()
    assert len(job.report) == 2 and all("请在“课程”列填写课程名称" in e["messages"][0] for e in job.report)
    content = sheet_bytes([["甲0", day0, "经费", 2]], header=["序号", "学员姓名", "日期", "课程名称", "实到学时"])
    with django_capture_on_commit_callbacks(execute=True):
        job = attendance_import_start(user=w.county_user, programme=w.programme, file_name="b.xlsx", content=content)
    job.refresh_from_db()
    assert [e["action"] for e in job.report] == ["create"]


@pytest.mark.django_db
def test_a_sheet_without_the_columns_fails_with_a_chinese_message(held, django_capture_on_commit_callbacks):
    w = held
    with django_capture_on_commit_callbacks(execute=True):
        job = attendance_import_start(
            user=w.county_user,
            programme=w.programme,
            file_name="a.xlsx",
            content=sheet_bytes([["甲0"]], header=["姓名"]),
        )
    job.refresh_from_db()
    assert job.status == "failed" and "没有找到表头" in job.error and not Attendance.objects.exists()


@pytest.mark.django_db
def test_only_the_organiser_imports_and_only_excel(held):
    w = held
    content = the_sheet(w)
    with pytest.raises(ValidationError, match="只有举办该培训班的单位"):
        attendance_import_start(user=w.chair, programme=w.programme, file_name="a.xlsx", content=content)
    with pytest.raises(ValidationError):
        attendance_import_start(user=w.county_user, programme=w.programme, file_name="a.csv", content=b"name,date\n")
    assert not AttendanceImport.objects.exists()


@pytest.mark.django_db
def test_a_duplicate_message_does_not_import_twice(held):
    w = held
    job = AttendanceImport.objects.create(
        programme=w.programme, uploaded_by=w.county_user, file_name="a.xlsx", content=the_sheet(w), commit=True
    )
    assert run(job).status == "imported"
    AttendanceImport.objects.filter(pk=job.pk).update(status="running")
    assert run(job).status == "running"
    assert Attendance.objects.count() == 4
    assert ATTENDANCE_SHEET.task.name == "apps.training.imports.run_attendance_import"
    assert w.programme.nominations.filter(status=NominationStatus.WAITING).count() == 1


def wait_for(job, statuses, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in statuses:
            return job
        time.sleep(0.3)
    return job


@pytest.mark.worker
def test_the_import_through_a_real_worker(celery_worker, held):
    w = held
    job = attendance_import_start(
        user=w.county_user, programme=w.programme, file_name="签到表.xlsx", content=the_sheet(w)
    )
    assert wait_for(job, ("checked", "failed")).status == "checked"
    assert job.summary["create"] == 4 and not Attendance.objects.exists()
    attendance_import_confirm(attendance_import=job, user=w.county_user)
    assert wait_for(job, ("imported", "failed")).status == "imported"
    assert Attendance.objects.count() == 4


# --- the pages: upload from the programme page, the dry run's page, confirm -----------------------------


@pytest.mark.django_db
def test_the_organiser_uploads_from_the_programme_page_checks_and_confirms(
    held, client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    w = held
    client.force_login(w.county_user)
    page = client.get(reverse("training:programme_detail", args=[w.programme.pk]))
    upload_url = reverse("training:import_upload") + f"?programme={w.programme.pk}"
    assert upload_url in page.content.decode()
    form = client.get(upload_url)
    assert form.status_code == 200 and form.context["form"]["programme"].value() == str(w.programme.pk)

    upload = io.BytesIO(the_sheet(w))
    upload.name = "签到表.xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("training:import_upload"), {"programme": w.programme.pk, "file": upload})
    job = AttendanceImport.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    detail = client.get(job.get_absolute_url()).content.decode()
    assert "查无此学员" in detail and "登记签到 4" in detail
    assert not Attendance.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("training:import_confirm", args=[job.pk]))
    assert Attendance.objects.count() == 4
    assert "已登记 4 条签到" in client.get(job.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_township_chair_cannot_pick_the_county_batch_nor_see_its_import(
    held, client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    w = held
    with django_capture_on_commit_callbacks(execute=True):
        job = attendance_import_start(
            user=w.county_user, programme=w.programme, file_name="签到表.xlsx", content=the_sheet(w)
        )
    client.force_login(w.chair)
    upload = io.BytesIO(the_sheet(w))
    upload.name = "签到表.xlsx"
    response = client.post(reverse("training:import_upload"), {"programme": w.programme.pk, "file": upload})
    assert response.status_code == 200
    assert "请选择本单位举办、已开课的培训班。" in response.content.decode()
    assert AttendanceImport.objects.count() == 1
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.post(reverse("training:import_confirm", args=[job.pk])).status_code == 404
    assert not Attendance.objects.exists()
