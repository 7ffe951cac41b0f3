"""Enterprises: credit-code checks, pilot-era confirmation, scoping, formation rate."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from openpyxl import load_workbook

from apps.branches.demo import demo_credit_code
from apps.branches.models import Enterprise
from apps.branches.selectors import formation_rate_by_township
from apps.branches.services import enterprise_archive, enterprise_register, orgunit_create

# A well-formed code whose check character is wrong (the right one is computed, then changed).
GOOD = demo_credit_code(901)
BAD_CHECKSUM = GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1")


def register(user, township, **overrides):
    fields = {"name": "白塔埠镇测试企业", "credit_code": GOOD, "ownership": "private", "employee_count": 30}
    fields.update(overrides)
    return enterprise_register(user=user, township=township, **fields)


@pytest.mark.django_db
class TestCreditCode:
    def test_valid_code_registers(self, chair_a, county_tree):
        enterprise = register(chair_a, county_tree["a"])
        assert enterprise.credit_code == GOOD and enterprise.credit_code_checksum_ok

    def test_office_spellings_are_normalised(self, chair_a, county_tree):
        messy = "'" + " ".join(GOOD[i : i + 6] for i in range(0, 18, 6)).lower()
        assert register(chair_a, county_tree["a"], credit_code=messy).credit_code == GOOD

    @pytest.mark.parametrize(
        ("code", "message"),
        [("91320722MA1234", "应为 18 位"), ("91320722MA12345I6O", "只能包含数字和大写字母")],
    )
    def test_malformed_code_is_refused_in_chinese(self, chair_a, county_tree, code, message):
        with pytest.raises(ValidationError, match=message):
            register(chair_a, county_tree["a"], credit_code=code)
        assert not Enterprise.objects.exists()

    def test_duplicate_is_refused_in_chinese(self, chair_a, chair_b, county_tree):
        register(chair_a, county_tree["a"])
        with pytest.raises(ValidationError, match="已经登记"):
            register(chair_b, county_tree["b"], name="另一家")
        assert Enterprise.objects.count() == 1

    def test_bad_check_character_is_refused_for_a_township_chair(self, chair_a, county_tree):
        with pytest.raises(ValidationError, match="校验位不正确"):
            register(chair_a, county_tree["a"], credit_code=BAD_CHECKSUM)
        with pytest.raises(ValidationError, match="只有县总工会工作人员"):
            register(chair_a, county_tree["a"], credit_code=BAD_CHECKSUM, confirm_pilot_code=True)
        assert not Enterprise.objects.exists()

    def test_county_staff_confirm_a_pilot_code_and_it_is_recorded(self, county_user, county_tree):
        enterprise = register(county_user, county_tree["a"], credit_code=BAD_CHECKSUM, confirm_pilot_code=True)
        assert enterprise.credit_code_checksum_ok is False
        assert enterprise.credit_code_confirmed_by == county_user
        assert enterprise.credit_code_confirmed_at is not None

    def test_database_refuses_an_unconfirmed_bad_code(self, chair_a, county_tree):
        enterprise = register(chair_a, county_tree["a"])
        with pytest.raises(IntegrityError):
            Enterprise.objects.filter(pk=enterprise.pk).update(credit_code_checksum_ok=False)

    def test_database_refuses_a_malformed_code(self, chair_a, county_tree):
        enterprise = register(chair_a, county_tree["a"])
        with pytest.raises(IntegrityError):
            Enterprise.objects.filter(pk=enterprise.pk).update(credit_code="123")


@pytest.mark.django_db
class TestUnions:
    def test_an_enterprise_union_covers_one_enterprise(self, chair_a, county_tree):
        register(chair_a, county_tree["a"], union=county_tree["union_a"])
        with pytest.raises(ValidationError, match="联合工会"):
            register(
                chair_a,
                county_tree["a"],
                name="第二家",
                credit_code=demo_credit_code(902),
                union=county_tree["union_a"],
            )

    def test_a_joint_union_covers_several(self, chair_a, county_tree):
        joint = orgunit_create(user=None, parent=county_tree["a"], name="白塔埠镇联合工会", kind="joint")
        register(chair_a, county_tree["a"], union=joint)
        register(chair_a, county_tree["a"], name="第二家", credit_code=demo_credit_code(902), union=joint)
        assert Enterprise.objects.filter(union=joint).count() == 2

    def test_union_of_another_township_is_refused(self, county_user, county_tree):
        with pytest.raises(ValidationError, match="不属于该企业所在乡镇"):
            register(county_user, county_tree["a"], union=county_tree["union_b"])


@pytest.mark.django_db
def test_formation_rate_counts_enterprises_of_25_or_more(chair_a, county_user, county_tree):
    register(chair_a, county_tree["a"], name="有工会", union=county_tree["union_a"], employee_count=80)
    register(chair_a, county_tree["a"], name="无工会", credit_code=demo_credit_code(902), employee_count=25)
    register(chair_a, county_tree["a"], name="太小", credit_code=demo_credit_code(903), employee_count=24)
    gone = register(chair_a, county_tree["a"], name="已注销", credit_code=demo_credit_code(904), employee_count=50)
    enterprise_archive(user=None, enterprise=gone, reason="企业注销")
    rows = {r["township"].name: r for r in formation_rate_by_township(user=county_user)}
    assert (rows["白塔埠镇总工会"]["unionised"], rows["白塔埠镇总工会"]["total"]) == (1, 2)
    assert rows["白塔埠镇总工会"]["rate"] == 0.5
    assert rows["平明镇总工会"]["rate"] is None
    assert [r["township"].name for r in formation_rate_by_township(user=chair_a)] == ["白塔埠镇总工会"]


@pytest.mark.django_db
class TestEnterpriseViews:
    @pytest.fixture
    def enterprise_b(self, chair_b, county_tree):
        return register(chair_b, county_tree["b"], name="平明镇某企业", credit_code=demo_credit_code(905))

    @pytest.mark.parametrize("route", ["enterprise_detail", "enterprise_update", "enterprise_archive"])
    def test_other_townships_enterprise_is_404(self, client_for, chair_a, enterprise_b, route):
        response = client_for(chair_a).get(reverse(f"branches:{route}", kwargs={"pk": enterprise_b.pk}))
        assert response.status_code == 404

    def test_list_and_export_hold_only_own_township(self, client_for, chair_a, county_tree, enterprise_b):
        register(chair_a, county_tree["a"])
        client = client_for(chair_a)
        content = client.get(reverse("branches:enterprise_list")).content.decode()
        assert "白塔埠镇测试企业" in content and "平明镇某企业" not in content
        sheet = load_workbook(io.BytesIO(client.get(reverse("branches:enterprise_export")).content)).active
        assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["白塔埠镇测试企业"]

    def test_chair_registers_through_the_form(self, client_for, chair_a, county_tree):
        response = client_for(chair_a).post(
            reverse("branches:enterprise_create"),
            {
                "name": "新企业",
                "credit_code": GOOD,
                "ownership": "private",
                "township": county_tree["a"].pk,
                "employee_count": 40,
                "union": "",
            },
        )
        assert response.status_code == 302
        assert Enterprise.objects.get().township == county_tree["a"]

    def test_form_shows_a_chinese_error_and_saves_nothing(self, client_for, chair_a, county_tree):
        response = client_for(chair_a).post(
            reverse("branches:enterprise_create"),
            {
                "name": "新企业",
                "credit_code": BAD_CHECKSUM,
                "ownership": "private",
                "township": county_tree["a"].pk,
                "employee_count": 40,
            },
        )
        assert response.status_code == 200
        assert "校验位不正确" in response.content.decode()
        assert not Enterprise.objects.exists()

    def test_chair_cannot_pick_another_township(self, client_for, chair_a, county_tree):
        response = client_for(chair_a).post(
            reverse("branches:enterprise_create"),
            {
                "name": "新企业",
                "credit_code": GOOD,
                "ownership": "private",
                "township": county_tree["b"].pk,
                "employee_count": 40,
            },
        )
        assert response.status_code == 200
        assert not Enterprise.objects.exists()

    def test_archive_keeps_the_record_and_hides_it_from_the_list(self, client_for, chair_a, county_tree):
        enterprise = register(chair_a, county_tree["a"])
        client = client_for(chair_a)
        response = client.post(
            reverse("branches:enterprise_archive", kwargs={"pk": enterprise.pk}), {"reason": "企业注销"}
        )
        assert response.status_code == 302
        enterprise.refresh_from_db()
        assert enterprise.archived_at is not None
        assert "白塔埠镇测试企业" not in client.get(reverse("branches:enterprise_list")).content.decode()
        assert (
            "白塔埠镇测试企业" in client.get(reverse("branches:enterprise_list"), {"archived": "true"}).content.decode()
        )

    @pytest.mark.parametrize("rows", [10, 300])
    def test_list_query_count_does_not_grow(
        self, client_for, county_user, county_tree, rows, django_assert_max_num_queries
    ):
        Enterprise.objects.bulk_create(
            Enterprise(
                name=f"企业{i}",
                credit_code=demo_credit_code(1000 + i),
                ownership="private",
                township=county_tree["a"],
                employee_count=30,
                union=None,
            )
            for i in range(rows)
        )
        client = client_for(county_user)
        client.get(reverse("overview:home"))
        with django_assert_max_num_queries(10):
            assert client.get(reverse("branches:enterprise_list")).status_code == 200
        with django_assert_max_num_queries(10):
            assert client.get(reverse("branches:formation_rate")).status_code == 200
