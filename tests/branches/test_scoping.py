"""Row scoping: a township chair sees their township's subtree only; county staff the county."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.branches.selectors import orgunit_list


@pytest.mark.django_db
class TestOrgUnitScoping:
    @pytest.mark.parametrize("route", ["orgunit_detail", "orgunit_update", "orgunit_add_child"])
    def test_chair_gets_404_for_another_townships_unit(self, client_for, chair_a, county_tree, route):
        client = client_for(chair_a)
        for unit in (county_tree["b"], county_tree["union_b"], county_tree["county"]):
            response = client.get(reverse(f"branches:{route}", kwargs={"pk": unit.pk}))
            assert response.status_code == 404, (route, unit.name)

    def test_chair_gets_own_township_and_its_unions(self, client_for, chair_a, county_tree):
        client = client_for(chair_a)
        for unit in (county_tree["a"], county_tree["union_a"]):
            assert client.get(reverse("branches:orgunit_detail", kwargs={"pk": unit.pk})).status_code == 200

    def test_county_staff_see_every_township(self, client_for, county_user, county_tree):
        client = client_for(county_user)
        for unit in county_tree.values():
            assert client.get(reverse("branches:orgunit_detail", kwargs={"pk": unit.pk})).status_code == 200

    def test_list_holds_only_the_own_subtree(self, client_for, chair_a, county_tree):
        content = client_for(chair_a).get(reverse("branches:orgunit_list")).content.decode()
        assert "白塔化工建材厂工会" in content
        assert "平明" not in content
        assert "东海县总工会</a>" not in content

    def test_export_holds_only_the_own_subtree(self, client_for, chair_a, county_tree):
        response = client_for(chair_a).get(reverse("branches:orgunit_export"))
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert names == ["白塔埠镇总工会", "白塔化工建材厂工会"]

    def test_export_follows_the_filter(self, client_for, county_user, county_tree):
        response = client_for(county_user).get(reverse("branches:orgunit_export"), {"kind": "enterprise"})
        sheet = load_workbook(io.BytesIO(response.content)).active
        names = sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))
        assert names == ["平明太平洋石英制品工会", "白塔化工建材厂工会"]

    def test_grassroots_officer_cannot_edit(self, client_for, officer_a, county_tree):
        client = client_for(officer_a)
        url = reverse("branches:orgunit_update", kwargs={"pk": county_tree["union_a"].pk})
        assert client.get(url).status_code == 403
        assert (
            client.get(reverse("branches:orgunit_detail", kwargs={"pk": county_tree["union_a"].pk})).status_code == 200
        )

    def test_user_without_org_unit_sees_nothing(self, roles, county_tree, django_user_model):
        user = django_user_model.objects.create_user(username="nobody", password="x")
        assert list(orgunit_list(user=user)) == []


@pytest.mark.django_db
def test_subtree_query_costs_the_same_at_any_depth_and_size(roles, django_assert_num_queries):
    from apps.accounts.roles import COUNTY_STAFF
    from apps.accounts.services import user_create
    from apps.branches.services import orgunit_create

    province = orgunit_create(user=None, parent=None, name="江苏省总工会", kind="province")
    city = orgunit_create(user=None, parent=province, name="连云港市总工会", kind="city")
    county = orgunit_create(user=None, parent=city, name="东海县总工会", kind="county")
    for t in range(5):
        township = orgunit_create(user=None, parent=county, name=f"乡镇{t}", kind="township")
        for u in range(4):
            orgunit_create(user=None, parent=township, name=f"乡镇{t}企业{u}", kind="enterprise")
    expected = {province: 28, city: 27, county: 26}
    for level, unit in enumerate((province, city, county)):
        user = user_create(user=None, username=f"u{level}", password="x", org_unit=unit, role=COUNTY_STAFF)
        user = type(user).objects.get(pk=user.pk)
        with django_assert_num_queries(2):  # the user's org unit, then one subtree query
            units = list(orgunit_list(user=user))
        assert len(units) == expected[unit]
