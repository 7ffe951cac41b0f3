"""One rule, one place: the acting user in the history, and the rules two consumers share."""

import datetime

import pytest
from django.urls import reverse

from apps.accounts.roles import TOWNSHIP_STAFF
from apps.accounts.selectors import user_list_to_notify
from apps.accounts.services import user_create
from apps.branches import services
from apps.branches.compliance import compliance_findings
from apps.branches.demo import demo_credit_code
from apps.branches.models import OrgUnit
from apps.branches.selectors import subcommittees_missing
from apps.core.history import object_history

TODAY = datetime.date(2026, 11, 2)


def _committee_union(county_tree, **fields):
    union = county_tree["union_a"]
    OrgUnit.objects.filter(pk=union.pk).update(**{"formation_form": "committee", **fields})
    union.refresh_from_db()
    return union


# --- who made a change, without a request ----------------------------------------------------------


@pytest.mark.django_db
class TestActingUserWithoutARequest:
    """As from a shell or a task: no middleware, only the services' user=."""

    def test_every_kind_of_write_records_the_user(self, county_user, county_tree):
        union = county_tree["union_a"]
        services.orgunit_update(user=county_user, unit=union, name="白塔化工建材厂工会委员会")
        services.union_new_term(user=county_user, union=union, term_start=datetime.date(2025, 1, 1), term_years=5)
        enterprise = services.enterprise_register(
            user=county_user,
            township=county_tree["a"],
            name="白塔埠镇测试厂",
            credit_code=demo_credit_code(700),
            ownership="private",
        )
        services.enterprise_update(user=county_user, enterprise=enterprise, employee_count=30)
        services.enterprise_archive(user=county_user, enterprise=enterprise, reason="企业注销")
        subcommittee = services.subcommittee_add(
            user=county_user, union=union, kind="women", established_on=datetime.date(2025, 1, 1)
        )
        officer = services.officer_add(
            user=county_user,
            union=union,
            name="王某",
            position="chair",
            term_start=datetime.date(2025, 1, 1),
            term_end=datetime.date(2029, 12, 31),
        )
        unit = services.orgunit_create(user=county_user, parent=county_tree["a"], name="新联合工会", kind="joint")
        for obj, events in ((union, 2), (enterprise, 3), (subcommittee, 1), (officer, 1), (unit, 1)):
            rows = object_history(obj)
            assert len(rows) >= events, obj
            assert {row.who for row in rows[:events]} == {"县总工会工作人员"}, obj

    def test_archiving_and_the_systems_own_writes(self, county_user, county_tree):
        union = services.union_archive(user=county_user, union=county_tree["union_b"], reason="撤销工会")
        assert object_history(union)[0].who == "县总工会工作人员"
        unit = services.orgunit_create(user=None, parent=county_tree["a"], name="系统建立的工会", kind="joint")
        assert object_history(unit)[0].who == "系统"

    def test_user_is_keyword_only_and_required(self, county_tree):
        with pytest.raises(TypeError):
            services.orgunit_create(parent=county_tree["a"], name="无名", kind="joint")
        with pytest.raises(TypeError):
            services.union_archive(union=county_tree["union_a"], reason="x")


# --- which sub-committees a union should have ---------------------------------------------------------


@pytest.mark.django_db
class TestMissingSubcommitteesAgree:
    def _page_says(self, client, union):
        response = client.get(union.get_absolute_url())
        return response.context["missing_subcommittees"]

    @pytest.mark.parametrize(
        ("fields", "expected"),
        [
            ({}, True),  # an approved union committee
            ({"status": "pending"}, True),  # 同步建立: from its registration on
            ({"formation_form": "organiser"}, False),
            ({"formation_form": ""}, False),
            ({"is_active": False}, False),
        ],
    )
    def test_the_union_page_and_the_compliance_check_say_the_same(
        self, client_for, county_user, county_tree, fields, expected
    ):
        union = _committee_union(county_tree, **fields)
        services.subcommittee_add(user=county_user, union=union, kind="women", established_on=datetime.date(2025, 1, 1))
        union.refresh_from_db()
        page = self._page_says(client_for(county_user), union)
        findings = compliance_findings(user=county_user, today=TODAY)
        listed = {u.pk: u.missing_subcommittees for u in findings.unions_missing_subcommittees}
        assert bool(page) is expected
        assert (union.pk in listed) is expected
        if expected:
            assert [str(label) for label in page] == listed[union.pk] == ["经费审查委员会", "劳动争议调解委员会"]

    def test_none_missing_once_all_three_are_set_up(self, county_user, county_tree):
        union = _committee_union(county_tree)
        for kind in ("women", "fund_audit", "mediation"):
            services.subcommittee_add(
                user=county_user, union=union, kind=kind, established_on=datetime.date(2025, 1, 1)
            )
        assert subcommittees_missing(union, kinds_present=["women", "fund_audit", "mediation"]) == []
        assert union.pk not in {u.pk for u in compliance_findings(today=TODAY).unions_missing_subcommittees}


# --- whether a user may decide on a union ------------------------------------------------------------


@pytest.mark.django_db
class TestMayDecideAgrees:
    def _pending(self, county_tree, name="待批工会"):
        union = services.orgunit_create(user=None, parent=county_tree["a"], name=name, kind="joint")
        OrgUnit.objects.filter(pk=union.pk).update(status="pending")
        union.refresh_from_db()
        return union

    def _buttons_shown(self, client, union):
        return (
            reverse("branches:union_approve", args=[union.pk]) in client.get(union.get_absolute_url()).content.decode()
        )

    def test_buttons_show_exactly_when_the_service_would_accept(self, client_for, county_user, chair_a, county_tree):
        union = self._pending(county_tree)
        approved = county_tree["union_a"]
        # A township chair (no approve permission), county staff on a pending and on an approved union.
        for user, unit in ((chair_a, union), (county_user, approved), (county_user, union)):
            shown = self._buttons_shown(client_for(user), unit)
            refusal = services.union_decision_refusal(user=user, union=unit)
            assert shown is (refusal is None), (user, unit)
        assert self._buttons_shown(client_for(county_user), union)
        services.union_approve(user=county_user, union=union)
        union.refresh_from_db()
        assert not self._buttons_shown(client_for(county_user), union)

    def test_the_todo_counts_exactly_the_unions_whose_page_shows_the_buttons(
        self, client_for, county_user, chair_a, county_tree
    ):
        from django.contrib.auth.models import Permission
        from django.utils import timezone

        from apps.branches.todos import unions_awaiting_approval

        self._pending(county_tree, "待批一")
        self._pending({"a": county_tree["b"]}, "待批二")
        archived = self._pending(county_tree, "已撤销待批")
        OrgUnit.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
        chair_a.user_permissions.add(Permission.objects.get(codename="approve_union"))
        chair = type(chair_a).objects.get(pk=chair_a.pk)
        unions = list(OrgUnit.objects.filter(kind__in=["joint", "enterprise"]))
        for user, expected in ((county_user, 2), (chair, 1)):
            client = client_for(user)
            shown = [
                u
                for u in unions
                if client.get(u.get_absolute_url()).status_code == 200 and self._buttons_shown(client, u)
            ]
            todo = unions_awaiting_approval(user).queryset
            assert todo.count() == len(shown) == expected, user
            assert set(todo) == set(shown)

    def test_a_county_user_may_not_decide_on_their_own_unit(self, roles, county_tree):
        union = self._pending(county_tree, "自己的工会")
        own = user_create(user=None, username="own", password="x-pass-2026", org_unit=union, role="county_staff")
        assert services.union_decision_refusal(user=own, union=union) == "只能审批本级以下的工会。"
        assert not services.union_may_decide(user=own, union=union)


# --- who at a unit is notified -----------------------------------------------------------------------


@pytest.mark.django_db
class TestWhoIsNotified:
    def test_only_active_users_of_the_unit_with_the_permission(
        self, roles, county_tree, chair_a, officer_a, county_user
    ):
        nobody = user_create(user=None, username="norole", password="x-pass-2026", org_unit=county_tree["a"])
        gone = user_create(
            user=None, username="gone", password="x-pass-2026", org_unit=county_tree["a"], role=TOWNSHIP_STAFF
        )
        gone.is_active = False
        gone.save()
        by_unit = user_list_to_notify(perm="members.change_membershiptransfer", unit_ids=[county_tree["a"].pk])
        assert by_unit == {county_tree["a"].pk: [chair_a]}
        assert nobody not in by_unit[county_tree["a"].pk]
        # Officers see their union (branches reminders), but do not handle transfers.
        ids = [county_tree["a"].pk, county_tree["union_a"].pk]
        assert user_list_to_notify(perm="branches.view_orgunit", unit_ids=ids) == {
            county_tree["a"].pk: [chair_a],
            county_tree["union_a"].pk: [officer_a],
        }
        assert user_list_to_notify(perm="members.change_membershiptransfer", unit_ids=ids[1:]) == {}

    def test_the_reminder_sweep_and_the_transfer_notice_reach_the_same_township_staff(
        self, roles, county_tree, chair_a, county_user
    ):
        import datetime as dt

        from apps.core.models import Notification
        from apps.members.services import member_create, transfer_request
        from tests.members.conftest import make_id

        nobody = user_create(user=None, username="norole", password="x-pass-2026", org_unit=county_tree["a"])
        # A joint meeting missing after the deadline: the township's staff are reminded.
        services.compliance_reminders_send(today=dt.date(2026, 12, 30))
        reminded = set(
            Notification.objects.filter(dedupe_key__startswith="branches:joint_meeting:").values_list(
                "recipient__username", flat=True
            )
        )
        member = member_create(
            user=None,
            union=county_tree["union_b"],
            real_name="陈桂",
            id_number=make_id(),
            join_date=dt.date(2020, 1, 1),
            employment_form="regular",
        )
        chair_b = user_create(
            user=None, username="chair_b", password="x-pass-2026", org_unit=county_tree["b"], role=TOWNSHIP_STAFF
        )
        transfer_request(user=chair_b, member=member, to_union=county_tree["union_a"], reason="调入")
        told = set(
            Notification.objects.filter(dedupe_key__startswith="members:transfer:").values_list(
                "recipient__username", flat=True
            )
        )
        assert "chair_a" in reminded and "chair_a" in told
        assert nobody.username not in reminded | told
