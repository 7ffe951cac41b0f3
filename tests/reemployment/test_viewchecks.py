"""The re-employment pages on the view-check base (tests/viewchecks.py): anonymous → login, a
role without the permission → 403 (the grassroots officer has none), the other township's case or
base → 404 (a chair of A opening B's case), the right role → 200 and a POST that does what it
says, and a form naming township B's rows refused."""

import pytest
from django.utils import timezone

from apps.reemployment.choices import CaseStatus, HelpKind
from apps.reemployment.models import ReemploymentBase, ReemploymentCase, ReemploymentTarget
from tests.factories import MemberFactory
from tests.viewchecks import COUNTY_ONLY, STAFF, ViewChecks, form, page
from tests.viewchecks import Route as R

from .conftest import make_base, person_id, register_member

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


def _case(world, where, user=None):
    member = MemberFactory(union=world.tree[f"union_{where}"])
    return register_member(member, registered_on=_today())


def _base(world, where, user=None):
    return make_base(world, where, name=f"{where}基地{ReemploymentBase.objects.count()}", places=3)


def _refreshed(obj, **fields):
    obj.refresh_from_db()
    for name, value in fields.items():
        assert getattr(obj, name) == value, (name, getattr(obj, name))


def _register_data(world, obj, where="a"):
    return {
        "township": world.tree[where].pk,
        "person_name": "非会员甲",
        "id_number": person_id(),
        "mobile": "13900000000",
        "registered_on": _today().isoformat(),
        "reason": "unemployed",
    }


def _help_data(world, obj, where="a"):
    base = _base(world, where)
    return {"kind": HelpKind.BASE, "given_on": _today().isoformat(), "base": base.pk}


class TestCaseViews(ViewChecks):
    def make(self, world, where, user):
        return _case(world, where)

    routes = (
        page("reemployment:case_list", "list", STAFF, shows=lambda o: o.person_name),
        page(
            "reemployment:case_register",
            "create",
            STAFF,
            methods=("get", "post"),
            data=_register_data,
            done=lambda obj: ReemploymentCase.objects.get(person_name="非会员甲"),
            foreign=lambda world, obj: _register_data(world, obj, "b"),
        ),
        R("reemployment:case_detail", "detail", STAFF),
        form(
            "reemployment:case_update",
            "edit",
            STAFF,
            lambda w, o: {"registered_on": o.registered_on.isoformat(), "reason": "unemployed", "note": "改"},
            done=lambda o: _refreshed(o, reason="unemployed", note="改"),
        ),
        form(
            "reemployment:help_create",
            "create",
            STAFF,
            _help_data,
            done=lambda o: o.helps.get(kind=HelpKind.BASE),
            foreign=lambda world, obj: _help_data(world, obj, "b"),
        ),
        form(
            "reemployment:case_employed",
            "edit",
            STAFF,
            lambda w, o: {"employed_on": _today().isoformat(), "employer_name": "苏果超市"},
            done=lambda o: _refreshed(o, status=CaseStatus.EMPLOYED, employer_name="苏果超市"),
        ),
        form(
            "reemployment:case_close",
            "edit",
            STAFF,
            lambda w, o: {"closed_on": _today().isoformat(), "reason": "已迁出"},
            done=lambda o: _refreshed(o, status=CaseStatus.CLOSED),
        ),
    )


def _base_data(world, obj, where="a"):
    return {
        "name": "新认定基地",
        "township": world.tree[where].pk,
        "level": "county",
        "recognised_on": "2024-01-01",
    }


class TestBaseViews(ViewChecks):
    def make(self, world, where, user):
        return _base(world, where)

    routes = (
        page("reemployment:base_list", "list", STAFF, shows=lambda o: o.name),
        page(
            "reemployment:base_create",
            "create",
            STAFF,
            methods=("get", "post"),
            data=_base_data,
            done=lambda obj: ReemploymentBase.objects.get(name="新认定基地"),
            foreign=lambda world, obj: _base_data(world, obj, "b"),
        ),
        R("reemployment:base_detail", "detail", STAFF),
        form(
            "reemployment:base_update",
            "edit",
            STAFF,
            lambda w, o: {"name": "改名基地", "level": "county", "recognised_on": "2021-01-01"},
            done=lambda o: _refreshed(o, name="改名基地"),
        ),
        form(
            "reemployment:base_places",
            "edit",
            STAFF,
            lambda w, o: {"year": str(_today().year), "places": "9"},
            done=lambda o: o.years.get(year=_today().year, places=9),
        ),
        form(
            "reemployment:base_close",
            "edit",
            STAFF,
            lambda w, o: {"closed_on": _today().isoformat(), "reason": "企业转产"},
            done=lambda o: _refreshed(o, close_reason="企业转产"),
        ),
    )


class TestReportViews(ViewChecks):
    def make(self, world, where, user):
        return _case(world, where)

    routes = (
        page("reemployment:report", "list", STAFF),
        page("reemployment:report_export", "export", STAFF),
        page(
            "reemployment:targets",
            "edit",
            COUNTY_ONLY,
            methods=("get", "post"),
            data=lambda w, o: {f"t{w.tree['a'].pk}": "12", f"t{w.tree['b'].pk}": ""},
            done=lambda o: ReemploymentTarget.objects.get(persons=12),
        ),
    )
