"""The view-check base (tests/viewchecks.py) on every branches model: org units and unions,
enterprises, sub-committees, officers, meetings and titles."""

import datetime

from django.utils import timezone

from apps.branches.models import Enterprise, OrgUnit
from tests.factories import (
    EnterpriseFactory,
    MeetingFactory,
    OfficerFactory,
    RatingFactory,
    SubCommitteeFactory,
    UnionFactory,
)
from tests.viewchecks import CHAIR, COUNTY, COUNTY_ONLY, EVERYONE, STAFF, ViewChecks, form, page, search
from tests.viewchecks import Route as R


def _today():
    return timezone.localdate()


def _union(world, where, user=None):
    return world.tree[f"union_{where}"]


def _pending_union(world, where, user=None):
    chair = world.users["chair" if where == "a" else "chair_b"]
    return UnionFactory(user=chair, township=world.tree[where])


def _approved_union(world, where, user=None):
    """A's (or B's) union with its approval recorded, as union_approve leaves it."""
    union = world.tree[f"union_{where}"]
    OrgUnit.objects.filter(pk=union.pk).update(
        approval_number=f"东总工批〔2026〕{9 if where == 'a' else 8}号",
        approval_opinion="同意成立。",
        approved_at=timezone.now(),
        approved_by=world.users[COUNTY],
    )
    union.refresh_from_db()
    return union


def _election_data():
    rows = [("王建国", "chair"), ("李敏", "vice_chair"), ("赵刚", "member")]
    data = {
        "term_start": _today(),
        "term_years": 3,
        "result": "应到 30 人，实到 28 人，全部当选。",
        "officers-TOTAL_FORMS": len(rows),
        "officers-INITIAL_FORMS": 0,
    }
    for index, (name, position) in enumerate(rows):
        data[f"officers-{index}-name"] = name
        data[f"officers-{index}-position"] = position
    return data


def _register_data(world, where):
    return {
        "township": world.tree[where].pk,
        "name": "白塔新登记工会",
        "kind": "enterprise",
        "enterprises": [EnterpriseFactory(township=world.tree[where]).pk],
        "formation_form": "committee",
        "declared_members": 30,
        "founded_on": _today() - datetime.timedelta(days=10),
        "term_years": 5,
    }


def _enterprise_data(world, where):
    return {
        "name": "白塔新材料有限公司",
        "credit_code": _fresh_code(),
        "ownership": "private",
        "township": world.tree[where].pk,
        "employee_count": 30,
    }


def _changed(field, value):
    def check(obj):
        obj.refresh_from_db()
        assert getattr(obj, field) == value, (field, getattr(obj, field))

    return check


class TestOrgUnitViews(ViewChecks):
    """The org tree and grassroots unions (OrgUnit): township A's object is A's union."""

    def make(self, world, where, user):
        return _union(world, where)

    routes = (
        page("branches:orgunit_list", "list", EVERYONE, shows=str),
        search("branches:union_autocomplete", EVERYONE),
        page("branches:orgunit_export", "export", EVERYONE),
        R("branches:orgunit_detail", "detail", EVERYONE),
        form(
            "branches:orgunit_update",
            "edit",
            STAFF,
            lambda world, obj: {"name": obj.name + "（改）", "code": "X1", "is_active": "on"},
            done=_changed("code", "X1"),
        ),
        # Only a county (or higher) adds units by this form: a township's children are unions,
        # registered through union_register. The chair has the permission but not the county.
        form(
            "branches:orgunit_add_child",
            "create",
            COUNTY_ONLY,
            lambda world, obj: {"name": "桃林镇总工会", "kind": "township", "code": ""},
            obj=lambda world, where, user: world.tree["county"],
            expect={CHAIR: 404},
            other_township=False,
            done=lambda obj: OrgUnit.objects.get(name="桃林镇总工会"),
        ),
        page("branches:union_list", "list", EVERYONE, shows=str),
        page("branches:union_export", "export", EVERYONE),
        form(
            "branches:union_register",
            "create",
            STAFF,
            lambda world, obj: _register_data(world, "a"),
            url_kwargs=None,
            done=lambda obj: OrgUnit.objects.get(name="白塔新登记工会", status="pending"),
            foreign=lambda world, obj: _register_data(world, "b"),
        ),
        form(
            "branches:union_approve",
            "action",
            COUNTY_ONLY,
            lambda world, obj: {"opinion": "经研究，同意成立。", "approval_number": ""},
            obj=_pending_union,
            done=_changed("status", "approved"),
        ),
        R("branches:union_approval_print", "detail", EVERYONE, obj=_approved_union),
        form(
            "branches:union_reject",
            "action",
            COUNTY_ONLY,
            lambda world, obj: {"reason": "材料不全"},
            obj=_pending_union,
            done=_changed("status", "rejected"),
        ),
        form(
            "branches:union_archive",
            "action",
            STAFF,
            lambda world, obj: {"reason": "企业注销"},
            done=_changed("archive_reason", "企业注销"),
        ),
        form(
            "branches:union_new_term",
            "action",
            STAFF,
            lambda world, obj: _election_data(),
            done=_changed("term_years", 3),
        ),
        page("branches:formation_rate", "list", EVERYONE),
        page("branches:compliance", "list", EVERYONE),
    )


class TestEnterpriseViews(ViewChecks):
    def make(self, world, where, user):
        return EnterpriseFactory(township=world.tree[where], union=_union(world, where))

    routes = (
        page("branches:enterprise_list", "list", EVERYONE, shows=str),
        search("branches:enterprise_autocomplete", EVERYONE),
        page("branches:enterprise_export", "export", EVERYONE),
        form(
            "branches:enterprise_create",
            "create",
            STAFF,
            lambda world, obj: _enterprise_data(world, "a"),
            url_kwargs=None,
            done=lambda obj: Enterprise.objects.get(name="白塔新材料有限公司"),
            foreign=lambda world, obj: _enterprise_data(world, "b"),
        ),
        R("branches:enterprise_detail", "detail", EVERYONE),
        form(
            "branches:enterprise_update",
            "edit",
            STAFF,
            lambda world, obj: {
                "name": obj.name,
                "credit_code": obj.credit_code,
                "ownership": "collective",
                "township": obj.township_id,
                "employee_count": 55,
                "union": obj.union_id,
            },
            done=_changed("employee_count", 55),
            foreign=lambda world, obj: {
                "name": obj.name,
                "credit_code": obj.credit_code,
                "ownership": "private",
                "township": obj.township_id,
                "employee_count": 55,
                "union": world.tree["union_b"].pk,
            },
        ),
        form(
            "branches:enterprise_archive",
            "action",
            STAFF,
            lambda world, obj: {"reason": "企业注销"},
            done=_changed("archive_reason", "企业注销"),
        ),
    )


def _fresh_code():
    from apps.branches.demo import demo_credit_code

    return demo_credit_code(900_001)


class TestSubCommitteeViews(ViewChecks):
    """Sub-committees live on their union's page; added there."""

    def make(self, world, where, user):
        return SubCommitteeFactory(union=_union(world, where), kind="fund_audit")

    routes = (
        R("branches:orgunit_detail", "detail", EVERYONE, url_kwargs=lambda obj: {"pk": obj.union_id}),
        form(
            "branches:subcommittee_add",
            "create",
            STAFF,
            lambda world, obj: {"kind": "women", "established_on": "2022-03-08", "head_name": "李敏"},
            url_kwargs=lambda obj: {"pk": obj.union_id},
            done=lambda obj: obj.union.subcommittees.get(kind="women"),
        ),
    )


class TestOfficerViews(ViewChecks):
    def make(self, world, where, user):
        return OfficerFactory(union=_union(world, where))

    routes = (
        R("branches:orgunit_detail", "detail", EVERYONE, url_kwargs=lambda obj: {"pk": obj.union_id}),
        form(
            "branches:officer_add",
            "create",
            STAFF,
            lambda world, obj: {
                "name": "赵刚",
                "position": "vice_chair",
                "concurrent_post": "",
                "term_start": "2024-01-01",
                "term_end": "2028-12-31",
            },
            url_kwargs=lambda obj: {"pk": obj.union_id},
            done=lambda obj: obj.union.officers.get(name="赵刚"),
        ),
    )


class TestMeetingViews(ViewChecks):
    """Meetings: the grassroots officer records their own union's."""

    def make(self, world, where, user):
        return MeetingFactory(org_unit=_union(world, where), user=world.users[COUNTY])

    routes = (
        page("branches:meeting_list", "list", EVERYONE, shows=lambda obj: obj.title),
        page("branches:meeting_export", "export", EVERYONE),
        form(
            "branches:meeting_add",
            "create",
            EVERYONE,
            lambda world, obj: {"kind": "committee", "held_on": _today().isoformat(), "title": "季度委员会议"},
            url_kwargs=lambda obj: {"pk": obj.org_unit_id},
            done=lambda obj: obj.org_unit.meetings.get(title="季度委员会议"),
            foreign=lambda world, obj: {
                "kind": "workers_congress",
                "held_on": _today().isoformat(),
                "title": "职代会",
                "enterprise": EnterpriseFactory(township=world.tree["b"]).pk,
            },
        ),
    )


class TestRatingViews(ViewChecks):
    """Titles are recorded by county staff only (awarded from above)."""

    def make(self, world, where, user):
        return RatingFactory(org_unit=_union(world, where), user=world.users[COUNTY], year=2020)

    routes = (
        R("branches:orgunit_detail", "detail", EVERYONE, url_kwargs=lambda obj: {"pk": obj.org_unit_id}),
        form(
            "branches:rating_add",
            "create",
            COUNTY_ONLY,
            lambda world, obj: {"title": "workers_home", "year": 2025, "checklist": "制度健全。"},
            url_kwargs=lambda obj: {"pk": obj.org_unit_id},
            done=lambda obj: obj.org_unit.ratings.get(year=2025),
        ),
    )
