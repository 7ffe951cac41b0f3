"""The re-employment reads: scoping, the base list's places and filled in one query, the yearly
report per township in one query, the indicator (and that the home page leaves it out)."""

import datetime

import pytest
from django.utils import timezone

from apps.core.indicators import indicator, indicator_rates
from apps.reemployment import selectors, services
from apps.reemployment.choices import CaseStatus, HelpKind

from .conftest import make_base, register_member, register_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_to_collection_day")]

TODAY = timezone.localdate()
YEAR = TODAY.year


@pytest.fixture
def figures(reemp_world):
    """Township A: 3 cases (2 re-employed this year, 1 through a base placement), target 4;
    township B: 1 case re-employed, target 0... no: target 1; plus a case registered last year."""
    w = reemp_world
    base = make_base(w, places=3)
    early = TODAY - datetime.timedelta(days=TODAY.timetuple().tm_yday - 1)  # 1 January
    a1, a2, a3 = (register_member(m, registered_on=early) for m in w.members_a)
    placement = services.help_give(user=None, case=a1, kind=HelpKind.BASE, given_on=TODAY, base=base)
    services.case_employed(user=None, case=a1, employed_on=TODAY, via=placement)
    services.case_employed(user=None, case=a2, employed_on=TODAY, employer_name="苏果超市")
    b1 = register_person(w, "b", registered_on=early)
    services.case_employed(user=None, case=b1, employed_on=TODAY, employer_name="平明石英厂")
    services.target_set(user=None, township=w.tree["a"], year=YEAR, persons=4)
    services.target_set(user=None, township=w.tree["b"], year=YEAR, persons=1)
    w.base, w.cases = base, (a1, a2, a3, b1)
    return w


def test_a_chair_sees_their_townships_cases_only(figures):
    w = figures
    assert set(selectors.case_list(user=w.chair)) == set(w.cases[:3])
    assert set(selectors.case_list(user=w.county_user)) == set(w.cases)
    assert not selectors.case_list(user=w.users["norole"]).filter(township=w.tree["b"]).exists()
    assert list(selectors.case_list(user=w.users["officer"])) == []


def test_the_case_list_filters(figures):
    w = figures
    county = w.county_user
    assert selectors.case_list(user=county, filters={"status": CaseStatus.SEEKING}).get() == w.cases[2]
    assert selectors.case_list(user=county, filters={"township": w.tree["b"].pk}).get() == w.cases[3]
    assert selectors.case_list(user=county, filters={"reason": "enterprise_closed"}).get() == w.cases[3]
    assert selectors.case_list(user=county, filters={"employed_year": YEAR}).count() == 3
    assert selectors.case_list(user=county, filters={"year": YEAR - 1}).count() == 0


def test_the_base_list_counts_places_and_filled_in_one_query(figures, django_assert_num_queries):
    w = figures
    make_base(w, name="苏果超市", places=5)
    with django_assert_num_queries(1):
        rows = {b.name: (b.places, b.filled) for b in selectors.base_list(user=w.county_user)}
    assert rows == {"a再就业基地": (3, 1), "苏果超市": (5, 0)}
    assert [(y.year, y.places, y.filled) for y in selectors.base_years(w.base)] == [(YEAR, 3, 1)]
    assert list(selectors.base_list(user=w.chair_b)) == []


def test_the_yearly_report_in_one_query(figures, django_assert_num_queries):
    w = figures
    with django_assert_num_queries(1):
        rows = {
            r.name: (r.registered, r.employed, r.seeking, r.placed, r.target)
            for r in selectors.yearly_report(user=w.county_user, year=YEAR)
        }
    assert rows == {"白塔埠镇总工会": (3, 2, 1, 1, 4), "平明镇总工会": (1, 1, 0, 0, 1)}
    chair_rows = list(selectors.yearly_report(user=w.chair, year=YEAR))
    assert [r.name for r in chair_rows] == ["白塔埠镇总工会"]


def test_the_indicator_credits_each_township_up_to_its_target(figures, django_assert_num_queries):
    w = figures
    services.target_set(user=None, township=w.tree["b"], year=YEAR, persons=0)
    item = indicator("reemployment.reemployed")
    with django_assert_num_queries(1):
        rate = item.compute(user=w.county_user, year=YEAR)
    assert (rate.numerator, rate.denominator) == (2, 4)  # B's one above its target of 0 is not credited
    assert rate.percent == 50
    chair_rate = item.compute(user=w.chair, year=YEAR)
    assert (chair_rate.numerator, chair_rate.denominator) == (2, 4)
    assert item.compute(user=w.county_user, unit=w.tree["union_a"], year=YEAR) is None


def test_the_home_page_leaves_the_indicator_out(figures):
    w = figures
    keys = [r.key for r in indicator_rates(user=w.county_user, year=YEAR, home_page=True)]
    assert "reemployment.reemployed" not in keys
    assert "reemployment.reemployed" in [r.key for r in indicator_rates(user=w.county_user, year=YEAR)]
