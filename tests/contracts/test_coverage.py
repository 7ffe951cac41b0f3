"""集体合同签订率 on a small hand-built county with a known answer (tests/contracts/coverage_world.py)."""

import datetime

import pytest

from apps.contracts.choices import ContractKind, ContractStatus
from apps.contracts.selectors import (
    coverage_counts,
    coverage_counts_by_township,
    coverage_day,
    coverage_enterprises,
    coverage_rate_by_township,
)
from tests.contracts.coverage_world import coverage_county_fixture, make_contract  # noqa: F401 - fixture
from tests.factories import EnterpriseFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db


def _row(data, township):
    return next(row for row in data["rows"] if row["township"] == township)


def test_township_a_is_three_quarters_covered_and_b_none(coverage_county, county_user):
    tree = coverage_county["tree"]
    data = coverage_rate_by_township(user=county_user)
    assert data["day"] == datetime.date(2026, 6, 15)
    a = _row(data, tree["a"])
    assert (a["unionised"], a["covered"], a["comprehensive"], a["wage"], a["women"]) == (4, 3, 2, 1, 0)
    assert a["rate"] == 0.75
    assert a["wage_rate"] == 0.25
    assert a["women_rate"] == 0
    assert a["uncovered"] == 1
    assert (a["workers"], a["workers_covered"]) == (220, 180)
    # The contracts in force of the township and their own figures (100 + 50 + 150).
    assert (a["contracts"], a["contract_workers"]) == (3, 300)
    b = _row(data, tree["b"])
    assert (b["unionised"], b["covered"], b["rate"], b["workers"], b["workers_covered"]) == (2, 0, 0, 280, 0)
    total = data["total"]
    assert (total["unionised"], total["covered"], total["wage"]) == (6, 3, 1)
    assert total["rate"] == 0.5


def test_a_past_year_is_counted_on_31_december(coverage_county, county_user):
    tree = coverage_county["tree"]
    data = coverage_rate_by_township(user=county_user, year=2024)
    assert data["day"] == datetime.date(2024, 12, 31)
    a = _row(data, tree["a"])
    # Only the contract that expired that day was in force then (its term includes the day).
    assert (a["unionised"], a["covered"], a["comprehensive"], a["wage"]) == (4, 1, 1, 0)
    assert a["rate"] == 0.25
    assert coverage_counts(user=county_user, year=2025)["covered"] == 3  # 2025-12-31


def test_the_day_is_today_this_year_and_31_december_for_a_past_one():
    today = datetime.date(2026, 6, 15)
    assert coverage_day(None, today=today) == today
    assert coverage_day(2026, today=today) == today
    assert coverage_day(2027, today=today) == today
    assert coverage_day(2020, today=today) == datetime.date(2020, 12, 31)


def test_a_chair_sees_only_their_township(coverage_county, chair_a):
    tree = coverage_county["tree"]
    data = coverage_rate_by_township(user=chair_a)
    assert [row["township"] for row in data["rows"]] == [tree["a"]]
    assert (data["total"]["unionised"], data["total"]["covered"]) == (4, 3)
    assert coverage_counts(user=chair_a)["covered"] == 3
    assert coverage_counts(user=chair_a, unit=tree["b"])["unionised"] == 0  # outside the chair's area


def test_an_officer_has_no_township_rows_but_their_unions_enterprises(coverage_county, officer_a):
    assert coverage_rate_by_township(user=officer_a)["rows"] == []
    assert coverage_counts(user=officer_a) is None  # a grassroots union: the rate does not apply
    names = set(coverage_enterprises(user=officer_a).values_list("name", flat=True))
    assert names == {"白塔化工"}


def test_counts_per_township_and_per_unit_agree(coverage_county, county_user):
    tree = coverage_county["tree"]
    by_township = coverage_counts_by_township(day=datetime.date(2026, 6, 15))
    county = coverage_counts(user=county_user)
    a = coverage_counts(user=county_user, unit=tree["a"])
    assert by_township[tree["a"].pk]["covered"] == a["covered"] == 3
    assert county["covered"] == sum(row["covered"] for row in by_township.values())
    assert county["unionised"] == sum(row["unionised"] for row in by_township.values()) == 6


@pytest.mark.parametrize(
    ("covered", "names"),
    [
        (None, {"白塔化工", "白塔建材", "白塔五金", "白塔纺织"}),
        ("any", {"白塔化工", "白塔建材", "白塔五金"}),
        ("none", {"白塔纺织"}),
        ("comprehensive", {"白塔化工", "白塔五金"}),
        ("wage", {"白塔建材"}),
        ("women", set()),
        ("wage_missing", {"白塔化工", "白塔五金", "白塔纺织"}),
        ("women_missing", {"白塔化工", "白塔建材", "白塔五金", "白塔纺织"}),
    ],
)
def test_the_list_behind_each_number(coverage_county, county_user, covered, names):
    tree = coverage_county["tree"]
    rows = coverage_enterprises(user=county_user, township=tree["a"], covered=covered)
    assert set(rows.values_list("name", flat=True)) == names


def test_each_listed_enterprise_carries_its_contracts_in_force(coverage_county, county_user):
    contracts = coverage_county["contracts"]
    rows = {e.name: e for e in coverage_enterprises(user=county_user, covered="any")}
    assert [c.number for c in rows["白塔五金"].contracts_in_force] == [contracts["regional"].number]
    past = {e.name: e for e in coverage_enterprises(user=county_user, year=2024)}
    assert [c.number for c in past["白塔纺织"].contracts_in_force] == [contracts["expired"].number]
    assert past["白塔化工"].contracts_in_force == []


def test_a_closed_or_replaced_contract_stops_counting_the_day_after_it_ended(
    coverage_county, county_user, time_machine
):
    tree = coverage_county["tree"]
    contracts = coverage_county["contracts"]
    contracts["own_wage"].ended_on = datetime.date(2026, 6, 14)
    contracts["own_wage"].status = ContractStatus.RENEWED
    contracts["own_wage"].save()
    contracts["own_comprehensive"].status = ContractStatus.CLOSED
    contracts["own_comprehensive"].closed_reason = "录入有误"
    contracts["own_comprehensive"].save()
    a = coverage_counts(user=county_user, unit=tree["a"])
    assert (a["covered"], a["wage"]) == (1, 0)


def test_an_enterprise_covered_twice_counts_once(coverage_county, county_user):
    tree = coverage_county["tree"]
    e = coverage_county["enterprises"]
    make_contract(
        union=tree["union_a"],
        township=tree["a"],
        enterprises=[e["own_comprehensive"]],
        recorded_by=county_user,
        kind=ContractKind.WOMEN,
    )
    a = coverage_counts(user=county_user, unit=tree["a"])
    assert (a["covered"], a["comprehensive"], a["women"], a["workers_covered"]) == (3, 2, 1, 180)


def test_counting_costs_the_same_queries_at_any_size(coverage_county, county_user, django_assert_num_queries):
    tree = coverage_county["tree"]
    with django_assert_num_queries(3):
        coverage_rate_by_township(user=county_user)
    with django_assert_num_queries(1):
        coverage_counts(user=county_user, unit=tree["a"])
    for index in range(8):
        township = OrgUnitFactory(parent=tree["county"], kind="township", name=f"新镇{index}")
        union = OrgUnitFactory(parent=township, kind="joint", name=f"新镇{index}联合工会")
        enterprises = [EnterpriseFactory(township=township, union=union) for _ in range(3)]
        make_contract(
            union=union, township=township, enterprises=enterprises, recorded_by=county_user, scope="regional"
        )
    with django_assert_num_queries(3):
        data = coverage_rate_by_township(user=county_user)
    assert len(data["rows"]) == 10
    assert data["total"]["covered"] == 3 + 24
    with django_assert_num_queries(1):
        coverage_counts(user=county_user)
