"""The training pages on the view-check base (tests/viewchecks.py): anonymous → login, a role
without the permission → 403 (the grassroots officer has none), the other township's object →
404, the right role → 200 and a POST that does what it says. Township A's objects are township
A's own classes (its chair runs them); the quotas are the county's batch (county staff only)."""

from decimal import Decimal

import pytest

from apps.training import services
from apps.training.choices import NominationStatus, ProgrammeStatus
from apps.training.models import Certificate, Programme
from tests.training.conftest import add_sessions, make_officer, make_programme
from tests.training.factories import _today, open_class, running_class
from tests.viewchecks import COUNTY_ONLY, STAFF, ViewChecks, button, form, page, search
from tests.viewchecks import Route as R

pytestmark = pytest.mark.django_db


def _programme_data(world, obj, title="改名培训班"):
    return {
        "title": title,
        "venue": "镇党校",
        "starts_on": obj.starts_on.isoformat(),
        "ends_on": obj.ends_on.isoformat(),
        "capacity": "40",
        "target_groups": ["enterprise_chair"],
        "signup_opens_on": obj.signup_opens_on.isoformat(),
        "signup_closes_on": obj.signup_closes_on.isoformat(),
        "completion_share": "0.80",
    }


def _create_data(world, obj, organiser="a"):
    return {**_programme_data(world, obj, title="新开培训班"), "organiser": world.tree[organiser].pk}


def _refreshed(obj, **fields):
    obj.refresh_from_db()
    for name, value in fields.items():
        assert getattr(obj, name) == value, (name, getattr(obj, name))


def _nominate_data(world, obj, where="a"):
    return {"officer": make_officer(world.tree[f"union_{where}"], f"报名{where}").pk}


def _nominated(obj):
    assert obj.nominations.filter(trainee_name="报名a").exists()


class TestProgrammeViews(ViewChecks):
    def make(self, world, where, user):
        return open_class(world, where)

    routes = (
        page("training:programme_list", "list", STAFF, shows=lambda p: p.title),
        page("training:programme_export", "export", STAFF),
        page(
            "training:programme_create",
            "create",
            STAFF,
            methods=("get", "post"),
            data=_create_data,
            done=lambda obj: Programme.objects.get(title="新开培训班"),
            foreign=lambda world, obj: _create_data(world, obj, "b"),
        ),
        R("training:programme_detail", "detail", STAFF),
        form("training:programme_update", "edit", STAFF, _programme_data, done=lambda o: _refreshed(o, capacity=40)),
        form(
            "training:programme_cancel",
            "edit",
            STAFF,
            lambda w, o: {"reason": "场地调整"},
            done=lambda o: _refreshed(o, status=ProgrammeStatus.CANCELLED),
        ),
        form(
            "training:session_create",
            "create",
            STAFF,
            lambda w, o: {"held_on": o.starts_on.isoformat(), "hours": "3", "subject": "工会法", "teacher": "王老师"},
            done=lambda o: o.sessions.get(subject="工会法"),
        ),
        form(
            "training:nomination_create",
            "create",
            STAFF,
            _nominate_data,
            done=_nominated,
            foreign=lambda world, obj: _nominate_data(world, obj, "b"),
        ),
        search("training:officer_autocomplete", STAFF),
    )


def _session(world, where, user):
    programme = open_class(world, where)
    return add_sessions(programme, "3")[0]


def _nomination(world, where, user):
    programme = open_class(world, where)
    officer = make_officer(world.tree[f"union_{where}"], f"退出{where}")
    return services.nomination_create(user=None, programme=programme, officer=officer)


def _county_batch(world, where, user):
    return make_programme(world.tree["county"], opens=_today(), title="县级集训")


class TestPlacesViews(ViewChecks):
    def make(self, world, where, user):
        return _nomination(world, where, user)

    routes = (
        form(
            "training:session_update",
            "edit",
            STAFF,
            lambda w, o: {"held_on": o.held_on.isoformat(), "hours": "2.5", "subject": "改后课程", "teacher": ""},
            obj=_session,
            done=lambda o: _refreshed(o, hours=Decimal("2.5")),
        ),
        form(
            "training:nomination_withdraw",
            "edit",
            STAFF,
            lambda w, o: {"reason": "工作冲突"},
            done=lambda o: _refreshed(o, status=NominationStatus.WITHDRAWN),
        ),
        form(
            "training:quotas",
            "edit",
            COUNTY_ONLY,
            lambda w, o: {f"township_{w.tree['a'].pk}": "5", f"township_{w.tree['b'].pk}": "3"},
            obj=_county_batch,
            other_township=False,
            done=lambda o: o.quotas.get(places=5),
        ),
    )


def _attended(world, where, user):
    return running_class(world, where, attended=True)


def _certified(world, where, user):
    return running_class(world, where, attended=True, certified=True)


class TestAttendanceViews(ViewChecks):
    def make(self, world, where, user):
        return running_class(world, where)

    routes = (
        form(
            "training:attendance",
            "edit",
            STAFF,
            lambda w, o: {f"present_{o.nomination.pk}": "on", f"hours_{o.nomination.pk}": "6"},
            obj=lambda w, where, user: running_class(w, where).session,
            done=lambda o: o.attendances.get(present=True),
        ),
        button(
            "training:completion_assess",
            STAFF,
            done=lambda o: _refreshed(o, status=ProgrammeStatus.FINISHED),
        ),
        form(
            "training:scores",
            "edit",
            STAFF,
            lambda w, o: {f"score_{o.nomination.pk}": "88"},
            done=lambda o: _refreshed(o.nomination, score=Decimal("88")),
        ),
        button(
            "training:certificates_issue",
            STAFF,
            obj=_attended,
            done=lambda o: Certificate.objects.get(nomination__programme=o),
        ),
        button(
            "training:certificate_issue",
            STAFF,
            obj=lambda w, where, user: _attended(w, where, user).nomination,
            done=lambda o: Certificate.objects.get(nomination=o),
        ),
        R(
            "training:certificate_print",
            "detail",
            STAFF,
            obj=lambda w, where, user: _certified(w, where, user).nomination.certificates.get(),
        ),
        R("training:certificates_print", "detail", STAFF, obj=_certified),
    )


def _untrained_officer(world, where, user):
    return make_officer(world.tree[f"union_{where}"], f"未训{where}")


class TestReportViews(ViewChecks):
    def make(self, world, where, user):
        return _untrained_officer(world, where, user)

    routes = (
        page("training:target_report", "list", STAFF),
        page("training:target_export", "export", STAFF),
        page("training:untrained_list", "list", STAFF, shows=lambda o: o.name),
        page("training:untrained_export", "export", STAFF),
    )


def _sheet_upload(world, obj, where="a"):
    """A sign-in sheet for township `where`'s running class: its trainee present at its session."""
    import io

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    programme = obj.programme if where == "a" else running_class(world, where)
    book = openpyxl.Workbook()
    book.active.append(["姓名", "课程日期", "签到"])
    book.active.append([programme.nomination.trainee_name, programme.session.held_on, "√"])
    buffer = io.BytesIO()
    book.save(buffer)
    return {"programme": programme.pk, "file": SimpleUploadedFile("签到表上传.xlsx", buffer.getvalue())}


class TestAttendanceImportViews(ViewChecks):
    def make(self, world, where, user):
        from apps.training.models import AttendanceImport

        programme = running_class(world, where)
        job = AttendanceImport.objects.create(
            programme=programme,
            uploaded_by=world.users["county"],
            file_name=f"签到表{where.upper()}.xlsx",
            content=b"",
            status="checked",
            summary={"rows": 0},
        )
        job.programme = programme  # keeps the factory's session and nomination for the upload
        return job

    routes = (
        page(
            "training:import_upload",
            "create",
            STAFF,
            methods=("get", "post"),
            data=_sheet_upload,
            done=lambda obj: obj.programme.attendance_imports.get(file_name="签到表上传.xlsx"),
            foreign=lambda world, obj: _sheet_upload(world, obj, "b"),
        ),
        R("training:import_detail", "detail", STAFF),
        R("training:import_progress", "detail", STAFF, poll=True),
        button("training:import_confirm", STAFF, done=lambda o: _refreshed(o, commit=True)),
        button("training:import_retry", STAFF),
        R("training:import_report", "export", STAFF),
    )
