"""What the union and enterprise autocompletes offer to whom, and that the forms using them still
refuse an id from outside the user's area."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.branches.demo import demo_credit_code
from apps.branches.models import Enterprise, OrgUnit
from apps.branches.services import enterprise_register, orgunit_create

INVALID_CHOICE = "选择一个有效的选项"


def offered(client, name, q="", **forward):
    """The labels offered, sorted (the order is the endpoint's business, not what is offered)."""
    response = client.post(reverse(name), {"q": q, "forward": json.dumps(forward)})
    assert response.status_code == 200
    return sorted(row["text"] for row in response.json()["results"])


@pytest.fixture
def world(county_tree, chair_a, chair_b):
    archived = orgunit_create(user=None, parent=county_tree["a"], name="白塔埠镇旧砖厂工会", kind="enterprise")
    OrgUnit.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    joint_b = orgunit_create(user=None, parent=county_tree["b"], name="平明镇联合工会", kind="joint")

    def register(user, township, name, serial, union=None):
        return enterprise_register(
            user=user,
            township=township,
            name=name,
            credit_code=demo_credit_code(serial),
            ownership="private",
            employee_count=30,
            union=union,
        )

    enterprises = {
        "a": register(chair_a, county_tree["a"], "白塔化工建材厂", 401, union=county_tree["union_a"]),
        "a_free": register(chair_a, county_tree["a"], "白塔埠镇金鼎机械厂", 402),
        "b": register(chair_b, county_tree["b"], "平明石英厂", 403),
    }
    return {"joint_b": joint_b, "archived": archived, "enterprises": enterprises}


@pytest.mark.django_db
class TestUnionAutocomplete:
    name = "branches:union_autocomplete"

    def test_a_chair_is_offered_the_unions_of_their_own_township_only(self, client_for, chair_a, world):
        assert offered(client_for(chair_a), self.name) == ["白塔化工建材厂工会"]  # not the archived one
        assert offered(client_for(chair_a), self.name, "平明") == []

    def test_the_other_chair_never_gets_township_a(self, client_for, chair_b, world):
        assert offered(client_for(chair_b), self.name) == sorted(["平明太平洋石英制品工会", "平明镇联合工会"])
        assert offered(client_for(chair_b), self.name, "白塔") == []

    def test_county_staff_search_the_whole_county_and_narrow_by_township(
        self, client_for, county_user, county_tree, world
    ):
        client = client_for(county_user)
        assert offered(client, self.name, "工会") == sorted(
            ["白塔化工建材厂工会", "平明太平洋石英制品工会", "平明镇联合工会"]
        )
        assert offered(client, self.name, "联合") == ["平明镇联合工会"]
        assert offered(client, self.name, township=str(county_tree["a"].pk)) == ["白塔化工建材厂工会"]
        # townships and the county are not unions
        assert offered(client, self.name, "总工会") == []

    def test_a_forwarded_township_outside_the_area_gives_nothing(self, client_for, chair_a, county_tree, world):
        assert offered(client_for(chair_a), self.name, township=str(county_tree["b"].pk)) == []

    def test_the_officer_sees_only_their_own_union(self, client_for, officer_a, world):
        assert offered(client_for(officer_a), self.name) == ["白塔化工建材厂工会"]


@pytest.mark.django_db
class TestEnterpriseAutocomplete:
    name = "branches:enterprise_autocomplete"

    def test_a_chair_is_offered_their_township_enterprises_only(self, client_for, chair_a, chair_b, world):
        assert offered(client_for(chair_a), self.name) == sorted(
            ["白塔化工建材厂 · 白塔埠镇总工会", "白塔埠镇金鼎机械厂 · 白塔埠镇总工会"]
        )
        assert offered(client_for(chair_a), self.name, "平明") == []
        assert offered(client_for(chair_b), self.name, "白塔") == []

    def test_by_credit_code_and_unionless_only(self, client_for, chair_a, world):
        client = client_for(chair_a)
        assert offered(client, self.name, demo_credit_code(402).lower()) == ["白塔埠镇金鼎机械厂 · 白塔埠镇总工会"]
        assert offered(client, self.name, demo_credit_code(403)) == []  # township B's code
        assert offered(client, self.name, unionless="1") == ["白塔埠镇金鼎机械厂 · 白塔埠镇总工会"]

    def test_archived_enterprises_are_not_offered(self, client_for, chair_a, world):
        Enterprise.objects.filter(pk=world["enterprises"]["a_free"].pk).update(archived_at=timezone.now())
        assert offered(client_for(chair_a), self.name) == ["白塔化工建材厂 · 白塔埠镇总工会"]

    def test_county_staff_narrow_by_township(self, client_for, county_user, county_tree, world):
        assert offered(client_for(county_user), self.name, township=str(county_tree["b"].pk)) == [
            "平明石英厂 · 平明镇总工会"
        ]


@pytest.mark.django_db
class TestFormsStillRefuseOutOfScopeIds:
    """An id the autocomplete would never offer, posted by hand: a Chinese form error, nothing saved."""

    def test_enterprise_form_refuses_another_townships_union(self, client_for, chair_a, county_tree, world):
        response = client_for(chair_a).post(
            reverse("branches:enterprise_create"),
            {
                "name": "新企业",
                "credit_code": demo_credit_code(404),
                "ownership": "private",
                "township": county_tree["a"].pk,
                "employee_count": 40,
                "union": world["joint_b"].pk,
            },
        )
        assert response.status_code == 200
        assert INVALID_CHOICE in response.content.decode()
        assert not Enterprise.objects.filter(name="新企业").exists()

    def test_enterprise_form_renders_the_autocomplete_with_its_assets(self, client_for, county_user, world):
        content = client_for(county_user).get(reverse("branches:enterprise_create")).content.decode()
        assert f'data-autocomplete-light-url="{reverse("branches:union_autocomplete")}"' in content
        assert "/static/autocomplete_light/select2" in content and "/static/js/autocomplete.js" in content
        # the union select no longer lists the county's unions, only the empty choice
        union_select = content.split('name="union"')[1].split("</select>")[0]
        assert union_select.count("<option") == 1

    def test_union_registration_refuses_another_townships_enterprise(self, client_for, chair_a, county_tree, world):
        before = OrgUnit.objects.count()
        response = client_for(chair_a).post(
            reverse("branches:union_register"),
            {
                "township": county_tree["a"].pk,
                "name": "越界工会",
                "kind": "enterprise",
                "enterprises": [world["enterprises"]["b"].pk],
                "formation_form": "committee",
                "declared_members": 30,
                "founded_on": "2026-03-01",
                "term_years": 5,
            },
        )
        assert response.status_code == 200
        assert INVALID_CHOICE in response.content.decode()
        assert OrgUnit.objects.count() == before

    def test_union_registration_refuses_an_enterprise_that_has_a_union(self, client_for, chair_a, county_tree, world):
        response = client_for(chair_a).post(
            reverse("branches:union_register"),
            {
                "township": county_tree["a"].pk,
                "name": "重复工会",
                "kind": "enterprise",
                "enterprises": [world["enterprises"]["a"].pk],
                "formation_form": "committee",
                "declared_members": 30,
                "founded_on": "2026-03-01",
                "term_years": 5,
            },
        )
        assert response.status_code == 200
        assert INVALID_CHOICE in response.content.decode()
        assert not OrgUnit.objects.filter(name="重复工会").exists()


@pytest.mark.django_db
def test_admin_uses_autocomplete_for_org_units_enterprises_and_users(admin_client, world):
    content = admin_client.get(reverse("admin:branches_meeting_add")).content.decode()
    for field in ("org_unit", "enterprise"):
        assert f'name="{field}"' in content
    assert 'name="recorded_by"' not in content  # meeting_record records who, from the request
    assert content.count("admin-autocomplete") >= 2
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": "白塔", "app_label": "branches", "model_name": "meeting", "field_name": "enterprise"},
    )
    assert sorted(row["text"] for row in response.json()["results"]) == ["白塔化工建材厂", "白塔埠镇金鼎机械厂"]


@pytest.mark.django_db
def test_admin_autocomplete_is_scoped_for_staff_who_are_not_superusers(client, chair_a, world):
    from django.contrib.auth.models import Permission

    chair_a.is_staff = True
    chair_a.save()
    chair_a.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_orgunit", "view_enterprise", "view_meeting", "add_meeting"])
    )
    client.force_login(chair_a)
    for field, term, expected in (
        ("enterprise", "厂", ["白塔化工建材厂", "白塔埠镇金鼎机械厂"]),
        ("org_unit", "工会", ["白塔化工建材厂工会", "白塔埠镇总工会", "白塔埠镇旧砖厂工会"]),
        ("org_unit", "平明", []),
    ):
        response = client.get(
            reverse("admin:autocomplete"),
            {"term": term, "app_label": "branches", "model_name": "meeting", "field_name": field},
        )
        assert sorted(row["text"] for row in response.json()["results"]) == sorted(expected), field
