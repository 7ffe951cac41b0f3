"""工资专项 and 女职工专项 coverage (contracts.wage_coverage, contracts.women_coverage) on the
hand-built county of tests/contracts/coverage_world.py: the known answer, a past year, an empty
denominator, scoping, and each number's list showing exactly those enterprises."""

import pytest

from apps.contracts.choices import ContractKind
from apps.core.indicators import indicator
from tests.contracts.coverage_world import coverage_county_fixture, make_contract  # noqa: F401 - fixture
from tests.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db

KEYS = ("contracts.wage_coverage", "contracts.women_coverage")


def _rate(key, user, unit=None, year=None):
    return indicator(key).compute(user=user, unit=unit, year=year)


def _listed(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200
    assert not response.context["filter"].errors, response.context["filter"].errors
    return response.context["table"].paginator.count


def test_the_known_answer_for_the_county_and_each_township(coverage_county, county_user):
    tree = coverage_county["tree"]
    assert [(_rate(k, county_user).numerator, _rate(k, county_user).denominator) for k in KEYS] == [(1, 6), (0, 6)]
    wage_a = _rate("contracts.wage_coverage", county_user, tree["a"])
    assert (wage_a.numerator, wage_a.denominator, wage_a.percent) == (1, 4, 25)
    assert (wage_a.label, wage_a.numerator_label, wage_a.denominator_label) == (
        "工资专项集体合同覆盖率",
        "已签工资专项集体合同企业",
        "已建会企业",
    )
    women_b = _rate("contracts.women_coverage", county_user, tree["b"])
    assert (women_b.numerator, women_b.denominator, women_b.value) == (0, 2, 0)


def test_a_women_contract_in_force_counts_and_the_one_under_review_does_not(coverage_county, county_user):
    tree, e = coverage_county["tree"], coverage_county["enterprises"]
    make_contract(
        union=tree["union_b"],
        township=tree["b"],
        enterprises=[e["b1"]],
        recorded_by=county_user,
        kind=ContractKind.WOMEN,
    )
    women = _rate("contracts.women_coverage", county_user)
    assert (women.numerator, women.denominator) == (1, 6)  # 白塔纺织's women contract is still under review
    assert (_rate("contracts.women_coverage", county_user, tree["b"]).numerator) == 1
    assert _rate("contracts.coverage", county_user, tree["b"]).numerator == 1  # the same rule counts it


def test_a_past_year_is_counted_on_31_december(coverage_county, county_user):
    wage = _rate("contracts.wage_coverage", county_user, coverage_county["tree"]["a"], year=2024)
    assert (wage.numerator, wage.denominator) == (0, 4)  # the wage contract came into force in 2025
    assert "year=2024" in wage.numerator_url and "year=2024" in wage.denominator_url


def test_an_empty_township_has_no_value_and_a_union_no_rate(coverage_county, county_user):
    empty = OrgUnitFactory(parent=coverage_county["tree"]["county"], kind="township", name="空白镇总工会")
    for key in KEYS:
        rate = _rate(key, county_user, empty)
        assert (rate.numerator, rate.denominator, rate.value, rate.percent) == (0, 0, None, None)
        assert _rate(key, county_user, coverage_county["tree"]["union_a"]) is None


def test_a_chair_counts_their_township_only(coverage_county, chair_a, officer_a):
    wage = _rate("contracts.wage_coverage", chair_a)
    assert (wage.numerator, wage.denominator) == (1, 4)
    assert _rate("contracts.women_coverage", officer_a) is None  # a grassroots officer's area holds no township


@pytest.mark.parametrize("role", ["county", "chair"])
def test_each_number_links_to_exactly_those_enterprises(coverage_county, client_for, county_user, chair_a, role):
    user = {"county": county_user, "chair": chair_a}[role]
    client = client_for(user)
    units = [None, coverage_county["tree"]["a"]]
    for key in KEYS:
        for unit in units:
            rate = _rate(key, user, unit)
            assert _listed(client, rate.numerator_url) == rate.numerator, (key, unit)
            assert _listed(client, rate.denominator_url) == rate.denominator, (key, unit)
    past = _rate("contracts.wage_coverage", user, coverage_county["tree"]["a"], year=2024)
    assert _listed(client, past.denominator_url) == 4


def test_registered_per_year_off_the_home_page():
    for key in KEYS:
        item = indicator(key)
        assert item.per_year and not item.home_page and item.permission == "contracts.view_contract"
