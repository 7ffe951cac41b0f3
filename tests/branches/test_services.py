import pytest

from apps.branches.models import OrgUnit
from apps.branches.services import orgunit_create, orgunit_update
from apps.core.errors import ApplicationError
from apps.core.history import object_history


@pytest.mark.django_db
def test_a_grassroots_union_cannot_hold_a_township(county_tree):
    with pytest.raises(ApplicationError, match="不能设立"):
        orgunit_create(user=None, parent=county_tree["union_a"], name="错误乡镇", kind="township")
    assert not OrgUnit.objects.filter(name="错误乡镇").exists()


@pytest.mark.django_db
def test_unit_codes_are_unique(county_tree):
    from django.core.exceptions import ValidationError

    orgunit_create(user=None, parent=county_tree["a"], name="甲工会", kind="enterprise", code="320722-001")
    with pytest.raises(ValidationError):
        orgunit_create(user=None, parent=county_tree["b"], name="乙工会", kind="enterprise", code="320722-001")
    assert not OrgUnit.objects.filter(name="乙工会").exists()


@pytest.mark.django_db
def test_database_refuses_an_unknown_kind(county_tree):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        OrgUnit.objects.filter(pk=county_tree["a"].pk).update(kind="bogus")


@pytest.mark.django_db
def test_changes_are_in_the_history(county_tree):
    unit = county_tree["union_a"]
    orgunit_update(user=None, unit=unit, name="白塔化工建材厂工会委员会", code="", is_active=True)
    rows = object_history(unit)
    assert rows[0].label == "修改"
    assert ("名称", "白塔化工建材厂工会", "白塔化工建材厂工会委员会") in rows[0].changes
    assert rows[-1].label == "新建"
