"""Grassroots unions: formation rules, approval by the level above, terms, committees, meetings."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from apps.branches.demo import demo_credit_code
from apps.branches.models import Enterprise, Meeting, OrgUnit, Rating, SubCommittee
from apps.branches.selectors import formation_rate_by_township
from apps.branches.services import (
    enterprise_register,
    meeting_record,
    officer_add,
    orgunit_create,
    rating_record,
    subcommittee_add,
    term_end_for,
    union_approve,
    union_archive,
    union_register,
    union_reject,
)
from apps.core.errors import ApplicationError

FOUNDED = datetime.date(2026, 3, 1)


@pytest.fixture
def factory_a(chair_a, county_tree):
    return enterprise_register(
        user=chair_a,
        township=county_tree["a"],
        name="白塔埠镇金鼎机械厂",
        credit_code=demo_credit_code(801),
        ownership="private",
        employee_count=60,
        has_workers_congress=True,
    )


@pytest.fixture
def small_shops(chair_a, county_tree):
    return [
        enterprise_register(
            user=chair_a,
            township=county_tree["a"],
            name=f"小店{i}",
            credit_code=demo_credit_code(810 + i),
            ownership="individual",
            employee_count=8,
        )
        for i in range(3)
    ]


def register(chair, township, enterprises, **overrides):
    fields = {
        "name": "白塔埠镇金鼎机械厂工会",
        "kind": "enterprise",
        "formation_form": "committee",
        "declared_members": 40,
        "founded_on": FOUNDED,
        "term_years": 5,
    }
    fields.update(overrides)
    return union_register(user=chair, township=township, enterprises=enterprises, **fields)


@pytest.mark.django_db
class TestRegistration:
    def test_registered_union_waits_for_approval_and_covers_its_enterprise(self, chair_a, county_tree, factory_a):
        union = register(chair_a, county_tree["a"], [factory_a])
        assert union.status == "pending"
        assert union.term_end == datetime.date(2031, 2, 28)
        factory_a.refresh_from_db()
        assert factory_a.union == union

    def test_25_members_need_a_committee(self, chair_a, county_tree, factory_a):
        with pytest.raises(ValidationError, match="应当建立工会委员会"):
            register(chair_a, county_tree["a"], [factory_a], declared_members=25, formation_form="organiser")
        assert not OrgUnit.objects.filter(name="白塔埠镇金鼎机械厂工会").exists()

    def test_fewer_than_25_may_have_an_organiser(self, chair_a, county_tree, factory_a):
        union = register(chair_a, county_tree["a"], [factory_a], declared_members=12, formation_form="organiser")
        assert union.formation_form == "organiser"

    def test_joint_union_without_enterprises_is_refused(self, chair_a, county_tree):
        with pytest.raises(ValidationError, match="至少要覆盖一家企业"):
            register(chair_a, county_tree["a"], [], name="白塔埠镇联合工会", kind="joint")
        assert not OrgUnit.objects.filter(name="白塔埠镇联合工会").exists()

    def test_joint_union_covers_several_small_enterprises(self, chair_a, county_tree, small_shops):
        union = register(
            chair_a, county_tree["a"], small_shops, name="白塔埠镇个体联合工会", kind="joint", declared_members=20
        )
        assert Enterprise.objects.filter(union=union).count() == 3

    def test_enterprise_union_covers_exactly_one(self, chair_a, county_tree, small_shops):
        with pytest.raises(ValidationError, match="只能覆盖一家企业"):
            register(chair_a, county_tree["a"], small_shops[:2])

    def test_an_enterprise_with_a_union_cannot_get_another(self, chair_a, county_tree, factory_a):
        register(chair_a, county_tree["a"], [factory_a])
        with pytest.raises(ValidationError, match="已有工会"):
            register(chair_a, county_tree["a"], [factory_a], name="第二个工会")
        assert OrgUnit.objects.filter(kind="enterprise", name__contains="第二个").count() == 0

    def test_enterprise_of_another_township_is_refused(self, chair_b, county_tree, factory_a):
        with pytest.raises(ValidationError, match="不属于"):
            register(chair_b, county_tree["b"], [factory_a])

    def test_future_founding_date_is_refused(self, chair_a, county_tree, factory_a):
        # The field's range (FOUNDED_RANGE) says it: at the latest today.
        with pytest.raises(ValidationError) as refused:
            tomorrow = timezone.localdate() + datetime.timedelta(days=1)
            register(chair_a, county_tree["a"], [factory_a], founded_on=tomorrow)
        assert refused.value.message_dict["founded_on"] == [
            f"日期不合理：应在 1900-01-01 至 {timezone.localdate().isoformat()} 之间，请核对年份。"
        ]

    def test_term_must_be_3_or_5_years_in_the_database(self, county_tree):
        with pytest.raises(IntegrityError):
            OrgUnit.objects.filter(pk=county_tree["union_a"].pk).update(term_years=4)

    def test_term_end_after_start_in_the_database(self, county_tree):
        with pytest.raises(IntegrityError):
            OrgUnit.objects.filter(pk=county_tree["union_a"].pk).update(
                term_start=datetime.date(2026, 1, 1), term_end=datetime.date(2025, 1, 1)
            )

    def test_term_arithmetic_handles_29_february(self):
        assert term_end_for(datetime.date(2024, 2, 29), 3) == datetime.date(2027, 2, 27)
        assert term_end_for(datetime.date(2026, 1, 1), 5) == datetime.date(2030, 12, 31)


@pytest.mark.django_db
class TestApproval:
    def test_county_approves_and_the_formation_rate_counts_it(self, chair_a, county_user, county_tree, factory_a):
        union = register(chair_a, county_tree["a"], [factory_a])
        row = next(r for r in formation_rate_by_township(user=county_user) if r["township"] == county_tree["a"])
        assert (row["unionised"], row["pending"], row["total"]) == (0, 1, 1)
        union = union_approve(user=county_user, union=union)
        assert union.status == "approved" and union.approved_by == county_user
        row = next(r for r in formation_rate_by_township(user=county_user) if r["township"] == county_tree["a"])
        assert (row["unionised"], row["pending"], row["rate"]) == (1, 0, 1.0)

    def test_township_chair_cannot_approve(self, chair_a, county_tree, factory_a):
        union = register(chair_a, county_tree["a"], [factory_a])
        with pytest.raises(ApplicationError, match="上级工会"):
            union_approve(user=chair_a, union=union)

    def test_approving_twice_is_refused(self, chair_a, county_user, county_tree, factory_a):
        union = union_approve(user=county_user, union=register(chair_a, county_tree["a"], [factory_a]))
        with pytest.raises(ApplicationError, match="不在待审批状态"):
            union_approve(user=county_user, union=union)

    def test_rejection_archives_the_union_and_frees_the_enterprise(self, chair_a, county_user, county_tree, factory_a):
        union = register(chair_a, county_tree["a"], [factory_a])
        with pytest.raises(ValidationError):
            union_reject(user=county_user, union=union, reason=" ")
        union = union_reject(user=county_user, union=union, reason="会员人数不实")
        factory_a.refresh_from_db()
        assert union.status == "rejected" and union.archived_at and factory_a.union is None

    def test_approval_through_the_page(self, client_for, chair_a, county_user, county_tree, factory_a):
        union = register(chair_a, county_tree["a"], [factory_a])
        url = reverse("branches:union_approve", kwargs={"pk": union.pk})
        assert client_for(chair_a).post(url).status_code == 403
        # The decision is a form now (the opinion and the 批复文号: tests/branches/test_approval_document.py).
        response = client_for(county_user).post(url, {"opinion": "同意成立。", "approval_number": ""})
        assert response.status_code == 302
        union.refresh_from_db()
        assert union.status == "approved"


@pytest.mark.django_db
class TestCommitteesMeetingsRatings:
    def test_three_subcommittees_each_once(self, county_tree):
        union = county_tree["union_a"]
        for kind in ("women", "fund_audit", "mediation"):
            subcommittee_add(user=None, union=union, kind=kind, established_on=FOUNDED, head_name="张某")
        with pytest.raises(ValidationError, match="已设立"):
            subcommittee_add(user=None, union=union, kind="women", established_on=FOUNDED)
        assert SubCommittee.objects.filter(union=union).count() == 3

    def test_subcommittee_only_on_a_grassroots_union(self, county_tree):
        # A rule about the row (SubCommittee.clean), so forms and admin refuse it on the union field.
        with pytest.raises(ValidationError, match="只有基层工会"):
            subcommittee_add(user=None, union=county_tree["a"], kind="women", established_on=FOUNDED)

    def test_officer_term_must_end_after_it_starts(self, county_tree):
        with pytest.raises(ValidationError, match="晚于开始日期"):
            officer_add(
                user=None, union=county_tree["a"], name="李某", position="chair", term_start=FOUNDED, term_end=FOUNDED
            )
        officer = officer_add(
            user=None,
            union=county_tree["a"],
            name="李某",
            position="chair",
            concurrent_post="镇党委副书记",
            term_start=FOUNDED,
            term_end=term_end_for(FOUNDED, 5),
        )
        assert officer.concurrent_post == "镇党委副书记"

    def test_over_long_officer_name_is_refused(self, county_tree):
        with pytest.raises(ValidationError):
            officer_add(
                user=None,
                union=county_tree["a"],
                name="李" * 51,
                position="chair",
                term_start=FOUNDED,
                term_end=term_end_for(FOUNDED, 5),
            )

    def test_meeting_in_the_future_is_refused(self, chair_a, county_tree):
        with pytest.raises(ValidationError, match="会议召开后再登记"):
            meeting_record(
                user=chair_a,
                org_unit=county_tree["a"],
                kind="joint_meeting",
                held_on=datetime.date(2099, 1, 1),
                title="联席会议",
            )
        assert not Meeting.objects.exists()

    def test_database_refuses_a_future_meeting(self, chair_a, county_tree):
        meeting = meeting_record(
            user=chair_a,
            org_unit=county_tree["a"],
            kind="joint_meeting",
            held_on=datetime.date(2026, 5, 1),
            title="联席会议",
        )
        with pytest.raises(IntegrityError):
            Meeting.objects.filter(pk=meeting.pk).update(held_on=datetime.date(2099, 1, 1))

    def test_joint_meeting_is_a_township_meeting(self, chair_a, county_tree):
        with pytest.raises(ValidationError, match="乡镇（街道）工会召开"):
            meeting_record(
                user=chair_a,
                org_unit=county_tree["union_a"],
                kind="joint_meeting",
                held_on=datetime.date(2026, 5, 1),
                title="联席会议",
            )

    def test_workers_congress_needs_its_enterprise(self, chair_a, county_tree):
        with pytest.raises(ValidationError, match="请选择企业"):
            meeting_record(
                user=chair_a,
                org_unit=county_tree["union_a"],
                kind="workers_congress",
                held_on=datetime.date(2026, 5, 1),
                title="职代会",
            )

    def test_rating_once_per_title_and_year(self, county_user, county_tree):
        rating_record(
            user=county_user,
            org_unit=county_tree["a"],
            title="model_township",
            year=2026,
            checklist="组织健全\n制度完善",
        )
        with pytest.raises(ValidationError, match="已记录此称号"):
            rating_record(
                user=county_user, org_unit=county_tree["a"], title="model_township", year=2026, checklist="重复"
            )
        assert Rating.objects.count() == 1

    def test_rating_needs_its_checklist(self, county_user, county_tree):
        with pytest.raises(ValidationError, match="评定依据"):
            rating_record(user=county_user, org_unit=county_tree["a"], title="workers_home", year=2026, checklist="")

    def test_archived_union_keeps_its_history_and_meetings(self, chair_a, county_tree):
        union = county_tree["union_a"]
        meeting_record(
            user=chair_a, org_unit=union, kind="committee", held_on=datetime.date(2026, 5, 1), title="委员会"
        )
        union_archive(user=None, union=union, reason="企业注销")
        union.refresh_from_db()
        assert union.archived_at is not None and not union.is_active
        assert Meeting.objects.filter(org_unit=union).count() == 1
        from apps.core.history import object_history

        assert object_history(union)[0].label == "修改"

    def test_archived_union_cannot_cover_a_new_enterprise(self, chair_a, county_tree):
        union_archive(user=None, union=county_tree["union_a"], reason="撤销")
        with pytest.raises(ValidationError, match="已归档"):
            enterprise_register(
                user=chair_a,
                township=county_tree["a"],
                name="新厂",
                credit_code=demo_credit_code(850),
                ownership="private",
                union=county_tree["union_a"],
            )


@pytest.mark.django_db
class TestUnionPagesScoping:
    @pytest.fixture
    def union_b(self, county_tree):
        return county_tree["union_b"]

    @pytest.mark.parametrize(
        "route",
        [
            "orgunit_detail",
            "union_archive",
            "union_new_term",
            "subcommittee_add",
            "officer_add",
            "meeting_add",
            "rating_add",
            "union_reject",
        ],
    )
    def test_chair_gets_404_for_another_townships_union(self, client_for, chair_a, union_b, route):
        assert client_for(chair_a).get(reverse(f"branches:{route}", kwargs={"pk": union_b.pk})).status_code in (
            404,
            403,  # rating_add and union_reject need a county permission first: still nothing shown
        )

    def test_chair_gets_404_when_posting_to_another_townships_union(self, client_for, chair_a, union_b):
        client = client_for(chair_a)
        for route in ("subcommittee_add", "officer_add", "meeting_add", "union_archive"):
            response = client.post(reverse(f"branches:{route}", kwargs={"pk": union_b.pk}), {})
            assert response.status_code == 404, route

    def test_meeting_on_another_townships_union_is_404_even_for_the_list(
        self, client_for, chair_a, chair_b, county_tree
    ):
        meeting_record(
            user=chair_b,
            org_unit=county_tree["b"],
            kind="joint_meeting",
            held_on=datetime.date(2026, 5, 1),
            title="平明镇联席会议",
        )
        meeting_record(
            user=chair_a,
            org_unit=county_tree["a"],
            kind="joint_meeting",
            held_on=datetime.date(2026, 5, 1),
            title="白塔埠镇联席会议",
        )
        response = client_for(chair_a).get(reverse("branches:meeting_list"))
        assert response.status_code == 200
        content = response.content.decode()
        assert "白塔埠镇联席会议" in content and "平明镇联席会议" not in content
        from io import BytesIO

        from openpyxl import load_workbook

        export = client_for(chair_a).get(reverse("branches:meeting_export"))
        sheet = load_workbook(BytesIO(export.content)).active
        assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["白塔埠镇联席会议"]

    def test_union_list_and_export_hold_only_own_township(self, client_for, chair_a, county_tree):
        client = client_for(chair_a)
        content = client.get(reverse("branches:union_list")).content.decode()
        assert "白塔化工建材厂工会" in content and "平明太平洋" not in content
        from io import BytesIO

        from openpyxl import load_workbook

        sheet = load_workbook(BytesIO(client.get(reverse("branches:union_export")).content)).active
        assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["白塔化工建材厂工会"]
        assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["白塔埠镇总工会"]

    def test_register_union_form_with_bad_input_saves_nothing(self, client_for, chair_a, county_tree):
        before = OrgUnit.objects.count()
        response = client_for(chair_a).post(
            reverse("branches:union_register"),
            {
                "township": county_tree["a"].pk,
                "name": "联合工会",
                "kind": "joint",
                "formation_form": "committee",
                "declared_members": 10,
                "founded_on": "2026-02-30",
                "term_years": 5,
            },
        )
        assert response.status_code == 200
        content = response.content.decode()
        assert "输入一个有效的日期" in content
        assert OrgUnit.objects.count() == before

    def test_chair_records_subcommittees_and_a_meeting_through_the_pages(self, client_for, chair_a, county_tree):
        client = client_for(chair_a)
        union = county_tree["union_a"]
        # Sub-committees are expected of a union committee (selectors.subcommittees_expected).
        OrgUnit.objects.filter(pk=union.pk).update(formation_form="committee")
        before = client.get(union.get_absolute_url())
        assert before.status_code == 200
        assert 'data-testid="missing-subcommittees"' in before.content.decode()
        for kind in ("women", "fund_audit", "mediation"):
            response = client.post(
                reverse("branches:subcommittee_add", kwargs={"pk": union.pk}),
                {"kind": kind, "established_on": "2026-03-01", "head_name": "王某"},
            )
            assert response.status_code == 302
        response = client.post(
            reverse("branches:meeting_add", kwargs={"pk": county_tree["a"].pk}),
            {"kind": "joint_meeting", "held_on": "2026-05-01", "title": "党政工联席会议"},
        )
        assert response.status_code == 302
        after = client.get(union.get_absolute_url())
        assert after.status_code == 200
        assert 'data-testid="missing-subcommittees"' not in after.content.decode()
        assert "党政工联席会议" in client.get(county_tree["a"].get_absolute_url()).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [10, 300])
def test_union_and_meeting_lists_cost_the_same_at_any_size(
    client_for, county_user, county_tree, chair_a, extra, django_assert_max_num_queries
):
    for i in range(extra // 10):
        orgunit_create(user=None, parent=county_tree["a"], name=f"联合工会{i}", kind="joint")
    Meeting.objects.bulk_create(
        Meeting(
            org_unit=county_tree["a"],
            kind="committee",
            held_on=datetime.date(2026, 1, 1),
            title=f"会议{i}",
            recorded_by=chair_a,
        )
        for i in range(extra)
    )
    client = client_for(county_user)
    client.get(reverse("overview:home"))
    for route in ("union_list", "meeting_list", "compliance"):
        with django_assert_max_num_queries(12):
            assert client.get(reverse(f"branches:{route}")).status_code == 200
