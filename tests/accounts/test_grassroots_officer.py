"""The grassroots officer (基层工会干部): their own union's members and roster, and a menu of
what they can use."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.accounts.roles import GRASSROOTS_OFFICER, ROLE_NAMES, ROLE_PERMISSIONS
from apps.core.navigation import menu_for
from apps.members.imports import ROSTER
from apps.members.models import Member, RosterImport
from apps.members.services import member_create
from tests.factories import ROSTER_SAMPLE, MemberFactory, valid_id_number

# The menu a grassroots officer is given, in order: each entry opens, none ends in a 403.
OFFICER_MENU = [
    "overview:home",
    "branches:orgunit_list",
    "branches:union_list",
    "branches:enterprise_list",
    "branches:meeting_list",
    "members:member_list",
    "members:import_upload",
    "contracts:contract_list",
    "contracts:coverage",
    "contracts:import_upload",
    "dues:entry_list",
    "dues:collection_rate",  # their own enterprises' total (the ledger's view permission)
    "dues:member_dues",
    "core:notification_list",
]


@pytest.fixture
def unions(county_tree):
    from apps.branches.services import orgunit_create

    return {"a2": orgunit_create(user=None, parent=county_tree["a"], name="白塔埠镇联合工会", kind="joint")}


def _new_member(union, **changes):
    return {
        "union": union.pk,
        "real_name": "新会员",
        "id_number": valid_id_number(55_555),
        "join_date": "2024-03-01",
        "employment_form": "regular",
        **changes,
    }


@pytest.mark.django_db
class TestOfficerRole:
    def test_the_group_holds_the_member_permissions(self, roles):
        group = Group.objects.get(name=ROLE_NAMES[GRASSROOTS_OFFICER])
        perms = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert {"members.view_member", "members.add_member", "members.change_member"} <= perms
        assert perms == set(ROLE_PERMISSIONS[GRASSROOTS_OFFICER])
        assert not {"members.reveal_id_number", "members.add_membershiptransfer"} & perms

    def test_the_data_migration_gives_existing_databases_the_permissions(self, db):
        import importlib

        from django.apps import apps as django_apps

        from apps.accounts.roles import sync_roles_migration

        migration = importlib.import_module("apps.accounts.migrations.0005_grassroots_officer_members").Migration
        operation = migration.operations[0]
        assert operation.code is sync_roles_migration
        Group.objects.filter(name=ROLE_NAMES[GRASSROOTS_OFFICER]).delete()  # a database from before
        operation.code(django_apps, None)
        group = Group.objects.get(name=ROLE_NAMES[GRASSROOTS_OFFICER])
        assert group.permissions.filter(codename="add_member", content_type__app_label="members").exists()


@pytest.mark.django_db
class TestOfficerMembers:
    def test_adds_a_member_to_own_union(self, client_for, officer_a, county_tree):
        client = client_for(officer_a)
        form = client.get(reverse("members:member_create")).content.decode()
        assert county_tree["union_a"].name in form and county_tree["union_b"].name not in form
        response = client.post(reverse("members:member_create"), _new_member(county_tree["union_a"]))
        assert response.status_code == 302, response.content.decode()[-2000:]
        assert Member.objects.get(real_name="新会员").union == county_tree["union_a"]

    def test_cannot_choose_another_union(self, client_for, officer_a, county_tree, unions):
        for other in (county_tree["union_b"], unions["a2"]):  # another township's, a neighbour in the township
            response = client_for(officer_a).post(reverse("members:member_create"), _new_member(other))
            assert response.status_code == 200
            assert "有效" in response.content.decode()  # 选择一个有效的选项
        assert not Member.objects.filter(real_name="新会员").exists()

    def test_the_service_refuses_another_union_too(self, officer_a, county_tree):
        with pytest.raises(ValidationError, match="所辖"):
            member_create(
                user=officer_a,
                union=county_tree["union_b"],
                real_name="新会员",
                id_number=valid_id_number(55_556),
                join_date=datetime.date(2024, 3, 1),
                employment_form="regular",
            )
        assert not Member.objects.filter(real_name="新会员").exists()

    def test_changes_own_members_and_gets_404_on_another_unions(self, client_for, officer_a, county_tree, unions):
        own = MemberFactory(union=county_tree["union_a"])
        neighbour = MemberFactory(union=unions["a2"])
        other = MemberFactory(union=county_tree["union_b"])
        client = client_for(officer_a)
        data = {"real_name": "改过的名字", "employment_form": "migrant"}
        assert client.post(reverse("members:member_update", kwargs={"pk": own.pk}), data).status_code == 302
        own.refresh_from_db()
        assert own.real_name == "改过的名字"
        for member in (neighbour, other):
            for name in ("members:member_detail", "members:member_update", "members:member_print"):
                assert client.get(reverse(name, kwargs={"pk": member.pk})).status_code == 404, name
            assert client.post(reverse("members:member_update", kwargs={"pk": member.pk}), data).status_code == 404
            member.refresh_from_db()
            assert member.real_name != "改过的名字"

    def test_is_not_offered_a_transfer_it_cannot_start(self, client_for, officer_a, county_tree):
        existing = MemberFactory(union=county_tree["union_b"])
        response = client_for(officer_a).post(
            reverse("members:member_create"), _new_member(county_tree["union_a"], id_number=existing.id_number)
        )
        content = response.content.decode()
        assert response.status_code == 200 and 'data-testid="offer-transfer-township"' in content
        assert 'data-testid="offer-transfer-form"' not in content


@pytest.mark.django_db
class TestOfficerRoster:
    def test_the_import_is_fixed_to_own_union(self, client_for, officer_a, county_tree):
        client = client_for(officer_a)
        page = client.get(reverse("members:import_upload")).content.decode()
        assert county_tree["union_a"].name in page and county_tree["union_b"].name not in page
        refused = client.post(
            reverse("members:import_upload"),
            {"union": county_tree["union_b"].pk, "file": SimpleUploadedFile("b.xlsx", ROSTER_SAMPLE.read_bytes())},
        )
        assert refused.status_code == 200 and not RosterImport.objects.exists()
        done = client.post(
            reverse("members:import_upload"),
            {"union": county_tree["union_a"].pk, "file": SimpleUploadedFile("a.xlsx", ROSTER_SAMPLE.read_bytes())},
        )
        assert done.status_code == 302
        assert RosterImport.objects.get().union == county_tree["union_a"]

    def test_the_importer_refuses_a_union_outside_the_users_area(self, officer_a, county_tree):
        with pytest.raises(ValidationError, match="所辖"):
            ROSTER.start(
                user=officer_a, file_name="b.xlsx", content=ROSTER_SAMPLE.read_bytes(), union=county_tree["union_b"]
            )
        assert not RosterImport.objects.exists()


@pytest.mark.django_db
class TestOfficerMenu:
    def test_the_menu_holds_what_the_officer_can_use(self, officer_a):
        assert [entry["url_name"] for entry in menu_for(officer_a)] == OFFICER_MENU

    def test_township_and_county_staff_keep_the_area_pages(self, chair_a, county_user):
        for user in (chair_a, county_user):
            names = [entry["url_name"] for entry in menu_for(user)]
            assert {"branches:formation_rate", "branches:compliance"} <= set(names)

    def test_each_menu_entry_opens(self, client_for, officer_a, county_tree):
        MemberFactory(union=county_tree["union_a"])
        client = client_for(officer_a)
        for entry in menu_for(officer_a):
            response = client.get(entry["url"])
            assert response.status_code == 200, (entry["url_name"], response.status_code)

    def test_the_member_list_offers_the_roster_print_of_own_union(self, client_for, officer_a, county_tree):
        content = client_for(officer_a).get(reverse("members:member_list")).content.decode()
        assert reverse("members:roster_print", kwargs={"pk": county_tree["union_a"].pk}) in content
