"""The hardship-aid pages on the view-check base (tests/viewchecks.py): anonymous → login, a role
without the permission → 403 (the grassroots officer has none: a hardship file is sensitive),
the other township's file, record, campaign or member → 404, the right role → 200 and a POST that
does what it says, and a form naming township B's rows refused."""

import pytest
from django.utils import timezone

from apps.aid.models import AidCampaign, AidRecord, HardshipFile
from tests.factories import MemberFactory
from tests.viewchecks import STAFF, ViewChecks, form, page
from tests.viewchecks import Route as R

from .conftest import give, make_campaign, open_file

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


def _member(world, where, user=None):
    return MemberFactory(union=world.tree[f"union_{where}"])


def _file(world, where, user=None):
    return open_file(_member(world, where))


def _record(world, where, user=None):
    return give(_member(world, where), amount="300.00")


def _campaign(world, where, user=None):
    return make_campaign(world, where, name=f"{where}送温暖{AidCampaign.objects.count()}")


def _refreshed(obj, **fields):
    obj.refresh_from_db()
    for name, value in fields.items():
        assert getattr(obj, name) == value, (name, getattr(obj, name))


def _open_data(world, obj):
    return {"reason": "illness", "household_size": "3", "income_per_head": "410.00", "opened_on": _today().isoformat()}


def _record_data(world, obj, campaign_where="a"):
    campaign = _campaign(world, campaign_where)
    return {
        "kind": "spring_festival",
        "amount": "500.00",
        "given_on": _today().isoformat(),
        "fund": "county",
        "approved_by": "王主席",
        "campaign": campaign.pk,
    }


class TestMemberAidViews(ViewChecks):
    """Opening a file and recording aid start from a member of the user's area."""

    def make(self, world, where, user):
        return _member(world, where)

    routes = (
        form(
            "aid:file_open",
            "create",
            STAFF,
            _open_data,
            done=lambda member: HardshipFile.objects.get(member=member, closed_on__isnull=True),
        ),
        form(
            "aid:record_create",
            "create",
            STAFF,
            _record_data,
            done=lambda member: AidRecord.objects.get(member=member, amount="500.00"),
            foreign=lambda world, obj: _record_data(world, obj, "b"),
        ),
    )


class TestFileViews(ViewChecks):
    def make(self, world, where, user):
        return _file(world, where)

    routes = (
        page("aid:file_list", "list", STAFF, shows=lambda o: o.member.real_name),
        page("aid:file_export", "export", STAFF),
        R("aid:file_detail", "detail", STAFF),
        form(
            "aid:file_update",
            "edit",
            STAFF,
            lambda w, o: {"reason": "disability", "household_size": "4", "income_per_head": "300.00", "note": "改"},
            done=lambda o: _refreshed(o, reason="disability", household_size=4),
        ),
        form(
            "aid:file_review",
            "edit",
            STAFF,
            lambda w, o: {"reviewed_on": _today().isoformat(), "outcome": "continued", "note": "仍困难"},
            done=lambda o: o.reviews.get(note="仍困难"),
        ),
        form(
            "aid:file_close",
            "edit",
            STAFF,
            lambda w, o: {"closed_on": _today().isoformat(), "close_reason": "employment"},
            done=lambda o: _refreshed(o, close_reason="employment"),
        ),
    )


class TestRecordViews(ViewChecks):
    def make(self, world, where, user):
        return _record(world, where)

    routes = (
        page("aid:record_list", "list", STAFF, shows=lambda o: o.member.real_name),
        page("aid:record_export", "export", STAFF),
        R("aid:record_detail", "detail", STAFF),
        form(
            "aid:record_reverse",
            "edit",
            STAFF,
            lambda w, o: {"reason": "重复登记"},
            done=lambda o: AidRecord.objects.get(reverses=o),
        ),
    )


def _campaign_data(world, obj, where="a"):
    return {
        "name": "新帮扶活动",
        "unit": world.tree[where].pk,
        "year": str(_today().year),
        "kind": "schooling",
        "starts_on": _today().isoformat(),
        "ends_on": _today().isoformat(),
        "budget": "5000.00",
    }


class TestCampaignViews(ViewChecks):
    def make(self, world, where, user):
        return _campaign(world, where)

    routes = (
        page("aid:campaign_list", "list", STAFF, shows=lambda o: o.name),
        page(
            "aid:campaign_create",
            "create",
            STAFF,
            methods=("get", "post"),
            data=_campaign_data,
            done=lambda obj: AidCampaign.objects.get(name="新帮扶活动"),
            foreign=lambda world, obj: _campaign_data(world, obj, "b"),
        ),
        R("aid:campaign_detail", "detail", STAFF),
        form(
            "aid:campaign_update",
            "edit",
            STAFF,
            lambda w, o: {
                "name": "改名活动",
                "year": str(o.year),
                "kind": o.kind,
                "starts_on": o.starts_on.isoformat(),
                "ends_on": o.ends_on.isoformat(),
                "budget": "1.00",
            },
            done=lambda o: _refreshed(o, name="改名活动"),
        ),
    )


class TestReportViews(ViewChecks):
    def make(self, world, where, user):
        return _record(world, where)

    routes = (
        page("aid:report", "list", STAFF),
        page("aid:report_export", "export", STAFF),
    )
