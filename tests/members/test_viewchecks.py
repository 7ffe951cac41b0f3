"""The view-check base (tests/viewchecks.py) on every members model: members, transfers and
roster imports."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.members.idnumbers import mask_id_number
from apps.members.models import IdNumberReveal, Member, MembershipTransfer, RosterImport
from tests.factories import (
    ROSTER_SAMPLE,
    MemberFactory,
    OrgUnitFactory,
    RosterImportFactory,
    TransferFactory,
    valid_id_number,
)
from tests.viewchecks import COUNTY_ONLY, EVERYONE, STAFF, ViewChecks, button, form, page, search
from tests.viewchecks import Route as R

OTHER = {"a": "b", "b": "a"}


def _union(world, where):
    return world.tree[f"union_{where}"]


def _chair(world, where):
    return world.users["chair" if where == "a" else "chair_b"]


def _changed(field, value):
    def check(obj):
        obj.refresh_from_db()
        assert getattr(obj, field) == value, (field, getattr(obj, field))

    return check


def _new_member(world, where):
    return {
        "union": world.tree[f"union_{where}"].pk,
        "real_name": "新会员",
        "id_number": valid_id_number(77_777),
        "join_date": "2024-03-01",
        "employment_form": "regular",
    }


def _transfer_in(world, obj, where):
    union = _union(world, where)
    return {"id_number": obj.id_number, "to_union": union.pk, "reason": "现在本单位就业", "confirm": "on"}


class TestMemberViews(ViewChecks):
    def make(self, world, where, user):
        return MemberFactory(union=_union(world, where), real_name=f"会员{where.upper()}")

    routes = (
        search("members:member_autocomplete", EVERYONE, term="会"),
        page("members:member_list", "list", EVERYONE, shows=lambda obj: obj.real_name),
        page("members:member_export", "export", EVERYONE),
        page(
            "members:member_create",
            "create",
            EVERYONE,  # the grassroots officer adds to their own union
            methods=("get", "post"),
            data=lambda world, obj: _new_member(world, "a"),
            done=lambda obj: Member.objects.get(real_name="新会员"),
            foreign=lambda world, obj: _new_member(world, "b"),
        ),
        R("members:member_detail", "detail", EVERYONE),
        R("members:member_print", "detail", EVERYONE),
        button(
            "members:member_print_whole",
            COUNTY_ONLY,
            post_success=200,  # the registration form with the whole number, on this response alone
            done=lambda obj: IdNumberReveal.objects.get(member=obj),
        ),
        form(
            "members:member_update",
            "edit",
            EVERYONE,
            lambda world, obj: {"real_name": obj.real_name, "mobile": "13900001111", "employment_form": "migrant"},
            done=_changed("employment_form", "migrant"),
        ),
        form(
            "members:member_archive",
            "action",
            EVERYONE,
            lambda world, obj: {"status": "left", "left_on": timezone.localdate().isoformat(), "reason": "调离"},
            done=_changed("status", "left"),
        ),
        button(
            "members:member_reveal_id",
            COUNTY_ONLY,
            post_success=200,  # the whole number on this response alone
            done=lambda obj: IdNumberReveal.objects.get(member=obj),
        ),
        # 更正身份证号码: county staff only (members.correct_id_number).
        form(
            "members:member_correct_id",
            "action",
            COUNTY_ONLY,
            lambda world, obj: {"id_number": valid_id_number(88_888), "reason": "录入错误，已核对身份证原件"},
            done=_changed("id_masked", mask_id_number(valid_id_number(88_888))),
        ),
        search("members:workplace_autocomplete", EVERYONE),  # the member form, the officer's too
        form(
            "members:transfer_start",
            "action",
            STAFF,
            lambda world, obj: {"to_union": world.tree["union_b"].pk, "reason": "调入新单位"},
            done=lambda obj: MembershipTransfer.objects.get(member=obj, status="pending"),
        ),
        # 办理会籍转入: the receiving side asks for township B's member by the whole ID number.
        page(
            "members:transfer_in",
            "create",
            STAFF,
            methods=("get", "post"),
            obj=lambda world, where, user: MemberFactory(union=world.tree["union_b"]),
            data=lambda world, obj: _transfer_in(world, obj, "a"),
            foreign=lambda world, obj: _transfer_in(world, obj, "b"),
            done=lambda obj: MembershipTransfer.objects.get(member=obj, to_union__name="白塔化工建材厂工会"),
        ),
    )


class TestMembershipTransferViews(ViewChecks):
    """A transfer township A's side must settle: started by township B's chair (and vice versa)."""

    def make(self, world, where, user):
        other = OTHER[where]
        member = MemberFactory(union=_union(world, other))
        return TransferFactory(user=_chair(world, other), member=member, to_union=_union(world, where))

    @staticmethod
    def started_here(world, where, user):
        """A transfer township A's side started (B's: one within township B, out of A's sight)."""
        if where == "a":
            member = MemberFactory(union=_union(world, "a"))
            return TransferFactory(user=_chair(world, "a"), member=member, to_union=_union(world, "b"))
        second_b = OrgUnitFactory(parent=world.tree["b"], kind="joint")
        member = MemberFactory(union=_union(world, "b"))
        return TransferFactory(user=_chair(world, "b"), member=member, to_union=second_b)

    routes = (
        page("members:transfer_list", "list", STAFF),
        search("members:transfer_destination_autocomplete", STAFF),
        button("members:transfer_accept", STAFF, done=_changed("status", "accepted")),
        button(
            "members:transfer_reject",
            STAFF,
            lambda world, obj: {"note": "查无此人"},
            done=_changed("status", "rejected"),
        ),
        button("members:transfer_cancel", STAFF, obj=started_here, done=_changed("status", "cancelled")),
    )


class TestRosterPrintViews(ViewChecks):
    """花名册 of a grassroots union (the object is the union)."""

    def make(self, world, where, user):
        union = _union(world, where)
        MemberFactory(union=union, real_name=f"花名册{where.upper()}")
        return union

    routes = (R("members:roster_print", "detail", EVERYONE),)


def _upload(world, obj, where="a"):
    return {
        "union": world.tree[f"union_{where}"].pk,
        "file": SimpleUploadedFile("upload.xlsx", ROSTER_SAMPLE.read_bytes()),
    }


class TestRosterImportViews(ViewChecks):
    def make(self, world, where, user):
        return RosterImportFactory(
            user=_chair(world, where), union=_union(world, where), file_name=f"花名册{where.upper()}.xlsx"
        )

    @staticmethod
    def checked(world, where, user):
        return RosterImportFactory(user=_chair(world, where), union=_union(world, where), checked=True)

    routes = (
        page(
            "members:import_upload",
            "create",
            EVERYONE,
            methods=("get", "post"),
            data=_upload,
            done=lambda obj: RosterImport.objects.get(file_name="upload.xlsx"),
            foreign=lambda world, obj: _upload(world, obj, "b"),
            shows=lambda obj: obj.file_name,
        ),
        R("members:import_detail", "detail", EVERYONE),
        R("members:import_progress", "detail", EVERYONE, poll=True),
        button("members:import_confirm", EVERYONE, obj=checked, done=_changed("commit", True)),
        button("members:import_retry", EVERYONE),
        R("members:import_report", "export", EVERYONE),
        page("members:import_template", "export", EVERYONE),
    )


class TestEnrolmentProblemViews(ViewChecks):
    """入会率数据待核实: a union of the township with members and no covered employees."""

    def make(self, world, where, user):
        union = _union(world, where)
        MemberFactory(union=union)
        return union

    routes = (page("members:enrolment_problems", "list", EVERYONE, shows=lambda obj: obj.name),)
