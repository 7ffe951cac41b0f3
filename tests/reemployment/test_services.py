"""The re-employment services: registration (members and non-members, one open case each), the
help given, placements against the places a base offers, the outcome, closing, targets."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.reemployment import services
from apps.reemployment.choices import CaseStatus, HelpKind
from apps.reemployment.models import BaseYear, ReemploymentCase, ReemploymentTarget

from .conftest import make_base, person_id, register_member, register_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_to_collection_day")]

TODAY = timezone.localdate()
YEAR = TODAY.year


def test_a_member_is_registered_in_their_unions_township(reemp_world):
    w = reemp_world
    case = register_member(w.members_a[0], user=w.chair)
    assert case.township == w.tree["a"]
    assert case.person_name == w.members_a[0].real_name
    assert case.status == CaseStatus.SEEKING
    assert case.id_hash == "" and case.id_shown == w.members_a[0].id_masked


def test_a_member_has_one_open_case(reemp_world):
    w = reemp_world
    register_member(w.members_a[0], user=w.chair)
    with pytest.raises(ApplicationError, match="已有一条求职中"):
        register_member(w.members_a[0], user=w.chair)


def test_the_database_holds_one_open_case_per_member_and_per_person(reemp_world):
    w = reemp_world
    case = register_member(w.members_a[0])
    other = register_person(w)
    for original in (case, other):
        twin = ReemploymentCase.objects.get(pk=original.pk)
        twin.pk = None
        with pytest.raises(IntegrityError), transaction.atomic():
            twin.save()


def test_after_employment_a_member_may_be_registered_again(reemp_world):
    w = reemp_world
    case = register_member(w.members_a[0], registered_on=TODAY - datetime.timedelta(days=30))
    services.case_employed(user=w.chair, case=case, employed_on=TODAY, employer_name="苏果超市")
    again = register_member(w.members_a[0])
    assert again.pk != case.pk


def test_a_chair_cannot_register_another_townships_member(reemp_world):
    w = reemp_world
    with pytest.raises(ApplicationError, match="不在您的管理范围内"):
        register_member(w.members_b[0], user=w.chair)


def test_a_non_member_is_stored_encrypted_hashed_and_masked(reemp_world):
    w = reemp_world
    number = person_id()
    case = register_person(w, user=w.chair, id_number=f" {number.lower()} ", mobile="139-1234-5678")
    case.refresh_from_db()
    assert case.id_number == number
    assert case.id_masked == number[:6] + "*" * 10 + number[-2:]
    assert case.id_hash and number not in case.id_hash
    assert case.mobile == "13912345678"
    with pytest.raises(ApplicationError, match="已有一条求职中"):
        register_person(w, user=w.chair, id_number=number)


def test_a_wrong_id_number_is_refused_in_chinese(reemp_world):
    with pytest.raises(ValidationError) as caught:
        register_person(reemp_world, id_number="320722197001010000")
    assert "校验位" in str(caught.value.message_dict["id_number"])


def test_a_members_id_number_is_registered_from_the_member(reemp_world):
    w = reemp_world
    with pytest.raises(ValidationError) as caught:
        register_person(w, id_number=w.members_a[0].id_number)
    assert "属于一名会员" in str(caught.value.message_dict["id_number"])


def test_a_non_member_needs_a_township_in_the_users_area(reemp_world):
    w = reemp_world
    with pytest.raises(ApplicationError):
        register_person(w, "b", user=w.chair)
    with pytest.raises(ApplicationError, match="乡镇"):
        services.case_register(
            user=None,
            township=w.tree["union_a"],
            person_name="张三",
            id_number=person_id(),
            registered_on=TODAY,
            reason="unemployed",
        )


def test_a_placement_takes_a_place_and_the_last_one_goes_once(reemp_world):
    w = reemp_world
    base = make_base(w, places=1)
    first = register_member(w.members_a[0])
    second = register_member(w.members_a[1])
    services.help_give(user=w.chair, case=first, kind=HelpKind.BASE, given_on=TODAY, base=base)
    with pytest.raises(ApplicationError, match="岗位已全部安置"):
        services.help_give(user=w.chair, case=second, kind=HelpKind.BASE, given_on=TODAY, base=base)
    services.base_places_set(user=w.county_user, base=base, year=YEAR, places=2)
    services.help_give(user=w.chair, case=second, kind=HelpKind.BASE, given_on=TODAY, base=base)


def test_a_base_without_places_for_the_year_takes_no_one(reemp_world):
    w = reemp_world
    base = make_base(w, places=None)
    case = register_member(w.members_a[0])
    with pytest.raises(ApplicationError, match="没有提供安置岗位"):
        services.help_give(user=w.chair, case=case, kind=HelpKind.BASE, given_on=TODAY, base=base)


def test_places_cannot_drop_below_those_filled(reemp_world):
    w = reemp_world
    base = make_base(w, places=2)
    for member in w.members_a[:2]:
        services.help_give(user=None, case=register_member(member), kind=HelpKind.BASE, given_on=TODAY, base=base)
    with pytest.raises(ApplicationError, match="不能少于 2"):
        services.base_places_set(user=None, base=base, year=YEAR, places=1)
    with pytest.raises(ApplicationError, match="负数"):
        services.base_places_set(user=None, base=base, year=YEAR, places=-1)
    assert BaseYear.objects.get(base=base, year=YEAR).places == 2


def test_a_placement_names_its_base_and_only_a_placement_does(reemp_world):
    w = reemp_world
    base = make_base(w)
    case = register_member(w.members_a[0])
    with pytest.raises(ValidationError) as caught:
        services.help_give(user=None, case=case, kind=HelpKind.BASE, given_on=TODAY)
    assert "base" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.help_give(user=None, case=case, kind=HelpKind.REFERRAL, given_on=TODAY, base=base)


def test_help_is_not_given_before_the_registration_nor_in_a_closed_case(reemp_world):
    w = reemp_world
    case = register_member(w.members_a[0], registered_on=TODAY - datetime.timedelta(days=5))
    with pytest.raises(ValidationError) as caught:
        services.help_give(user=None, case=case, kind="referral", given_on=TODAY - datetime.timedelta(days=6))
    assert "given_on" in caught.value.message_dict
    services.case_close(user=None, case=case, closed_on=TODAY, reason="已迁出本县")
    with pytest.raises(ApplicationError, match="不能再修改"):
        services.help_give(user=None, case=case, kind="referral", given_on=TODAY)


def test_a_closed_base_takes_no_one(reemp_world):
    w = reemp_world
    base = make_base(w)
    services.base_close(user=w.chair, base=base, closed_on=TODAY, reason="企业转产")
    case = register_member(w.members_a[0])
    with pytest.raises(ApplicationError, match="已撤销"):
        services.help_give(user=None, case=case, kind=HelpKind.BASE, given_on=TODAY, base=base)
    with pytest.raises(ApplicationError, match="已撤销"):
        services.base_places_set(user=None, base=base, year=YEAR, places=5)


def test_employment_through_a_base_placement_names_the_bases_enterprise(reemp_world):
    w = reemp_world
    base = make_base(w, enterprise=w.enterprise_a, name="大平乳品厂")
    case = register_member(w.members_a[0], registered_on=TODAY - datetime.timedelta(days=10))
    placement = services.help_give(user=w.chair, case=case, kind=HelpKind.BASE, given_on=TODAY, base=base)
    services.case_employed(user=w.chair, case=case, employed_on=TODAY, via=placement)
    case.refresh_from_db()
    assert case.status == CaseStatus.EMPLOYED
    assert case.employer == w.enterprise_a and case.employer_shown == "大平乳品厂"
    assert case.employed_via == placement


def test_employment_needs_an_employer_and_a_day_after_registration(reemp_world):
    w = reemp_world
    case = register_member(w.members_a[0], registered_on=TODAY - datetime.timedelta(days=3))
    with pytest.raises(ValidationError) as caught:
        services.case_employed(user=None, case=case, employed_on=TODAY)
    assert "employer_name" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.case_employed(
            user=None, case=case, employed_on=TODAY - datetime.timedelta(days=4), employer_name="某厂"
        )
    assert "employed_on" in caught.value.message_dict


def test_employment_through_another_cases_help_is_refused(reemp_world):
    w = reemp_world
    case = register_member(w.members_a[0])
    other = register_member(w.members_a[1])
    help_ = services.help_give(user=None, case=other, kind="referral", given_on=TODAY)
    with pytest.raises(ValidationError):
        services.case_employed(user=None, case=case, employed_on=TODAY, employer_name="某厂", via=help_)


def test_the_database_holds_employed_if_and_only_if_the_day_is_recorded(reemp_world):
    w = reemp_world
    case = register_member(w.members_a[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        ReemploymentCase.objects.filter(pk=case.pk).update(status=CaseStatus.EMPLOYED)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReemploymentCase.objects.filter(pk=case.pk).update(employed_on=TODAY, employer_name="某厂")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReemploymentCase.objects.filter(pk=case.pk).update(
            status=CaseStatus.EMPLOYED,
            employer_name="某厂",
            employed_on=case.registered_on - datetime.timedelta(days=1),
        )


def test_closing_needs_a_reason_and_ends_the_case(reemp_world):
    w = reemp_world
    case = register_member(w.members_a[0])
    with pytest.raises(ValidationError):
        services.case_close(user=None, case=case, closed_on=TODAY, reason=" ")
    services.case_close(user=w.chair, case=case, closed_on=TODAY, reason="已退休")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.close_reason == "已退休"
    with pytest.raises(ApplicationError):
        services.case_employed(user=None, case=case, employed_on=TODAY, employer_name="某厂")


def test_case_update_changes_an_open_case(reemp_world):
    w = reemp_world
    case = register_person(w, user=w.chair)
    services.case_update(user=w.chair, case=case, reason="laid_off", mobile="13700000000", person_name="王再岗")
    case.refresh_from_db()
    assert (case.reason, case.mobile, case.person_name) == ("laid_off", "13700000000", "王再岗")
    with pytest.raises(ApplicationError):
        services.case_update(user=w.chair_b, case=case, note="x")


def test_a_base_is_of_its_township_and_its_enterprise_too(reemp_world):
    w = reemp_world
    with pytest.raises(ApplicationError, match="不在"):
        make_base(w, "b", enterprise=w.enterprise_a)
    with pytest.raises(ApplicationError, match="管理范围"):
        make_base(w, "b", user=w.chair)
    base = make_base(w, user=w.chair)
    services.base_update(user=w.chair, base=base, name="大平乳品厂再就业基地", level="county")
    base.refresh_from_db()
    assert base.name == "大平乳品厂再就业基地" and base.level == "county"
    with pytest.raises(ValidationError):
        make_base(w, name="大平乳品厂再就业基地")


def test_target_set_creates_then_changes_one_row(reemp_world):
    w = reemp_world
    services.target_set(user=w.county_user, township=w.tree["a"], year=YEAR, persons=30)
    services.target_set(user=w.county_user, township=w.tree["a"], year=YEAR, persons=40)
    assert ReemploymentTarget.objects.get(township=w.tree["a"], year=YEAR).persons == 40
    with pytest.raises(ApplicationError, match="负数"):
        services.target_set(user=w.county_user, township=w.tree["a"], year=YEAR, persons=-1)
    with pytest.raises(ApplicationError):
        services.target_set(user=w.chair, township=w.tree["b"], year=YEAR, persons=3)
