"""Django admin goes through the services, as the admin user, or is read-only where a workflow owns it."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from apps.branches.demo import demo_credit_code
from apps.branches.models import Enterprise, OrgUnit, Rating
from apps.core.history import object_history


def _bad_checksum_code(serial=901):
    code = demo_credit_code(serial)
    wrong = "0" if code[-1] != "0" else "1"
    return code[:-1] + wrong


def _enterprise_post(county_tree, **overrides):
    data = {
        "name": "白塔埠镇后台登记厂",
        "credit_code": demo_credit_code(800),
        "ownership": "private",
        "township": county_tree["a"].pk,
        "employee_count": 20,
    }
    return {**data, **overrides}


def _staff(user, *codenames):
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.mark.django_db
class TestEnterpriseAdmin:
    def test_an_add_goes_through_enterprise_register_as_the_admin_user(self, admin_client, admin_user, county_tree):
        response = admin_client.post(
            reverse("admin:branches_enterprise_add"),
            _enterprise_post(county_tree, credit_code=" " + demo_credit_code(800).lower()),
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        enterprise = Enterprise.objects.get(name="白塔埠镇后台登记厂")
        assert enterprise.credit_code == demo_credit_code(800)  # normalised by the service
        assert object_history(enterprise)[0].who == admin_user.username

    def test_a_wrong_check_character_needs_the_confirmation(self, admin_client, admin_user, county_tree):
        url = reverse("admin:branches_enterprise_add")
        refused = admin_client.post(url, _enterprise_post(county_tree, credit_code=_bad_checksum_code()))
        assert refused.status_code == 200
        assert "确认试点代码" in refused.content.decode()
        assert not Enterprise.objects.filter(name="白塔埠镇后台登记厂").exists()
        # A crafted POST cannot mark the code correct or name a confirmer: those fields are read-only.
        crafted = admin_client.post(
            url,
            _enterprise_post(
                county_tree,
                credit_code=_bad_checksum_code(),
                credit_code_checksum_ok="on",
                credit_code_confirmed_by=admin_user.pk,
            ),
        )
        assert crafted.status_code == 200
        assert not Enterprise.objects.filter(name="白塔埠镇后台登记厂").exists()
        confirmed = admin_client.post(
            url, _enterprise_post(county_tree, credit_code=_bad_checksum_code(), confirm_pilot_code="on")
        )
        assert confirmed.status_code == 302
        enterprise = Enterprise.objects.get(name="白塔埠镇后台登记厂")
        assert not enterprise.credit_code_checksum_ok
        assert enterprise.credit_code_confirmed_by == admin_user
        assert enterprise.credit_code_confirmed_at is not None

    def test_staff_without_the_confirm_permission_cannot_confirm(self, client, chair_a, county_tree):
        _staff(chair_a, "view_enterprise", "add_enterprise")
        client.force_login(chair_a)
        response = client.post(
            reverse("admin:branches_enterprise_add"),
            _enterprise_post(county_tree, credit_code=_bad_checksum_code(), confirm_pilot_code="on"),
        )
        assert response.status_code == 200
        assert "只有县总工会工作人员可以确认" in response.content.decode()
        assert not Enterprise.objects.filter(name="白塔埠镇后台登记厂").exists()

    def test_a_change_goes_through_enterprise_update(self, admin_client, admin_user, county_user, county_tree):
        from apps.branches.services import enterprise_register

        enterprise = enterprise_register(
            user=county_user,
            township=county_tree["a"],
            name="白塔埠镇后台登记厂",
            credit_code=demo_credit_code(800),
            ownership="private",
        )
        url = reverse("admin:branches_enterprise_change", args=[enterprise.pk])
        response = admin_client.post(
            url, _enterprise_post(county_tree, employee_count=75, archived_at="2026-01-01 00:00:00")
        )
        assert response.status_code == 302
        enterprise.refresh_from_db()
        assert enterprise.employee_count == 75 and enterprise.archived_at is None  # archiving is not here
        assert [row.who for row in object_history(enterprise)[:2]] == [admin_user.username, "县总工会工作人员"]


@pytest.mark.django_db
class TestOrgUnitAdmin:
    def test_a_change_goes_through_orgunit_update_and_the_workflow_fields_stay(self, client, chair_a, county_tree):
        _staff(chair_a, "view_orgunit", "change_orgunit")
        client.force_login(chair_a)
        union = county_tree["union_a"]
        OrgUnit.objects.filter(pk=union.pk).update(status="pending")
        response = client.post(
            reverse("admin:branches_orgunit_change", args=[union.pk]),
            {"name": "白塔化工建材厂工会（更正）", "code": "", "status": "approved", "archive_reason": "x"},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        union.refresh_from_db()
        assert union.name == "白塔化工建材厂工会（更正）"
        assert union.status == "pending" and union.archive_reason == ""  # approval is the portal's
        assert object_history(union)[0].who == str(chair_a)  # the display name

    def test_a_superuser_adds_a_unit_through_orgunit_create(self, admin_client, admin_user, county_tree):
        url = reverse("admin:branches_orgunit_add")
        refused = admin_client.post(url, {"parent": county_tree["union_a"].pk, "name": "下级", "kind": "township"})
        assert refused.status_code == 200 and "下不能设立" in refused.content.decode()
        response = admin_client.post(
            url, {"parent": county_tree["county"].pk, "name": "新镇总工会", "kind": "township"}
        )
        assert response.status_code == 302
        unit = OrgUnit.objects.get(name="新镇总工会")
        assert unit.path.startswith(county_tree["county"].path) and unit.depth == 2
        assert object_history(unit)[0].who == admin_user.username


@pytest.mark.django_db
class TestRatingAdmin:
    def test_titles_are_added_through_rating_record_and_never_changed(self, admin_client, admin_user, county_tree):
        url = reverse("admin:branches_rating_add")
        data = {"org_unit": county_tree["a"].pk, "title": "model_township", "year": 2025, "checklist": "组织健全"}
        response = admin_client.post(url, {**data, "awarded_by": ""})
        assert response.status_code == 302
        rating = Rating.objects.get()
        assert rating.awarded_by == admin_user  # rating_record sets who awarded it
        assert admin_client.post(url, data).status_code == 200  # the service: once a year per title
        assert Rating.objects.count() == 1
        change = reverse("admin:branches_rating_change", args=[rating.pk])
        admin_client.post(change, {**data, "year": 2024})
        rating.refresh_from_db()
        assert rating.year == 2025


@pytest.mark.django_db
def test_an_officer_added_in_admin_is_recorded_as_the_admin_user(admin_client, admin_user, county_tree):
    from apps.branches.models import Officer

    response = admin_client.post(
        reverse("admin:branches_officer_add"),
        {
            "union": county_tree["union_a"].pk,
            "name": "王某",
            "position": "chair",
            "term_start": "2025-01-01",
            "term_end": "2024-01-01",
        },
    )
    assert response.status_code == 200  # the model's and officer_add's checks
    assert not Officer.objects.exists()
    response = admin_client.post(
        reverse("admin:branches_officer_add"),
        {
            "union": county_tree["union_a"].pk,
            "name": "王某",
            "position": "chair",
            "term_start": "2025-01-01",
            "term_end": str(datetime.date(2029, 12, 31)),
        },
    )
    assert response.status_code == 302
    assert object_history(Officer.objects.get())[0].who == admin_user.username


@pytest.mark.django_db
def test_the_rules_about_one_row_hold_in_admin_too(admin_client, county_tree):
    """Model clean(): a sub-committee only on a grassroots union, a congress in one of the unit's enterprises."""
    from apps.branches.models import Meeting, SubCommittee

    response = admin_client.post(
        reverse("admin:branches_subcommittee_add"),
        {"union": county_tree["a"].pk, "kind": "women", "established_on": "2025-01-01"},
    )
    assert response.status_code == 200 and "只有基层工会" in response.content.decode()
    assert not SubCommittee.objects.exists()
    response = admin_client.post(
        reverse("admin:branches_meeting_add"),
        {"org_unit": county_tree["union_a"].pk, "kind": "joint_meeting", "held_on": "2025-01-01", "title": "联席会议"},
    )
    assert response.status_code == 200 and "由乡镇（街道）工会召开" in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_the_committee_rule_holds_when_a_union_is_corrected(admin_client, county_user, county_tree):
    """25 or more members elect a committee (OrgUnit.clean): at registration, on the edit, in admin."""
    from django.core.exceptions import ValidationError

    from apps.branches.services import orgunit_update

    union = county_tree["union_a"]
    with pytest.raises(ValidationError, match="应当建立工会委员会"):
        orgunit_update(user=county_user, unit=union, declared_members=30, formation_form="organiser")
    response = admin_client.post(
        reverse("admin:branches_orgunit_change", args=[union.pk]),
        {"name": union.name, "code": "", "is_active": "on", "declared_members": 30, "formation_form": "organiser"},
    )
    assert response.status_code == 200 and "应当建立工会委员会" in response.content.decode()
    union.refresh_from_db()
    assert union.declared_members is None
