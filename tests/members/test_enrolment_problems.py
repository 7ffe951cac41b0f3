"""职工入会率 above 100 % is a data problem to fix, never a figure: the 入会率数据待核实 list names
the unions whose members exceed their covered enterprises' employees, with both sides and links
to correct them; a township's and the county's rate is the plausible unions' rate, the problem
unions counted apart; one definition (apps.members.selectors) for the list, panel and indicator."""

import datetime

import pytest
from django.urls import reverse

from apps.branches.services import union_archive
from apps.core.indicators import indicator
from apps.members.selectors import enrolment_rate, enrolment_totals, members_counted
from apps.members.services import member_archive
from tests.factories import EnterpriseFactory, MemberFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db


def _members(union, n):
    return [MemberFactory(union=union) for _ in range(n)]


@pytest.fixture
def figures(county_tree):
    """union_a: 5 members, its enterprise records 3 employees (a problem); union_a2: 2 of 10 (plausible);
    union_b: 3 members and no enterprise (a problem); union_b2: 4 of 8 (plausible)."""
    tree = dict(county_tree)
    tree["union_a2"] = OrgUnitFactory(parent=tree["a"], name="白塔埠镇第二厂工会")
    tree["union_b2"] = OrgUnitFactory(parent=tree["b"], name="平明镇第二厂工会")
    tree["small_1"] = EnterpriseFactory(township=tree["a"], union=tree["union_a"], employee_count=3, name="白塔小厂")
    EnterpriseFactory(township=tree["a"], union=tree["union_a2"], employee_count=10)
    EnterpriseFactory(township=tree["b"], union=tree["union_b2"], employee_count=8)
    _members(tree["union_a"], 5)
    _members(tree["union_a2"], 2)
    _members(tree["union_b"], 3)
    _members(tree["union_b2"], 4)
    return tree


def test_a_townships_rate_is_its_plausible_unions_rate_with_the_problems_counted_apart(figures, chair_a, county_user):
    assert enrolment_totals(user=chair_a, unit=figures["a"]) == {"members": 2, "employees": 10, "problems": 1}
    assert enrolment_totals(user=county_user, unit=None) == {"members": 6, "employees": 18, "problems": 2}
    rate = indicator("members.enrolment_rate").compute(user=county_user)
    assert (rate.percent, rate.problems, rate.implausible) == (33, 2, False)
    assert rate.problems_url == reverse("members:enrolment_problems")
    assert rate.numerator_url is None  # no list shows exactly the plausible unions' members
    # The panel counts the same (one definition), union by union.
    panel = enrolment_rate(user=chair_a, unit=figures["a"])
    assert (panel["members"], panel["employees"], panel["problems"]) == (2, 10, 1)
    assert [row["problem"] for row in panel["rows"]] == [True, False]


def test_one_unions_implausible_rate_is_flagged_with_its_own_figures(figures, chair_a):
    rate = indicator("members.enrolment_rate").compute(user=chair_a, unit=figures["union_a"])
    assert (rate.numerator, rate.denominator, rate.implausible, rate.percent) == (5, 3, True, None)
    assert rate.numerator_url == f"{reverse('members:member_list')}?status=current&union={figures['union_a'].pk}"


def test_the_list_names_the_problem_unions_with_both_sides_and_where_to_correct_them(figures, client_for, county_user):
    response = client_for(county_user).get(reverse("members:enrolment_problems"))
    assert response.status_code == 200
    unions = list(response.context["unions"])
    assert [u.pk for u in unions] == [figures["union_a"].pk, figures["union_b"].pk]
    assert [(u.member_count, u.employee_count) for u in unions] == [(5, 3), (3, 0)]
    page = response.content.decode()
    row = page[page.index(f'data-testid="problem-{figures["union_a"].pk}"') :]
    row = row[: row.index("</tr>")]
    assert f"?union={figures['union_a'].pk}&amp;status=current" in row  # the numerator's list
    assert reverse("branches:enterprise_update", args=[figures["small_1"].pk]) in row  # the denominator's row
    assert "白塔小厂" in row and "职工 3 人" in row
    assert "未登记所覆盖的企业" in page  # union_b covers no enterprise at all


def test_the_member_list_link_shows_exactly_the_members_counted(figures, client_for, county_user):
    union = figures["union_a"]
    gone = MemberFactory(union=union)
    member_archive(user=None, member=gone, status="left", left_on=datetime.date(2024, 1, 1), reason="调离")
    url = f"{reverse('members:member_list')}?union={union.pk}&status=current"
    response = client_for(county_user).get(url)
    assert len(response.context["table"].page.object_list) == 5 == members_counted().filter(union=union).count()


def test_a_chair_sees_only_their_townships_problems_and_may_filter_by_township(
    figures, client_for, chair_a, county_user
):
    page = client_for(chair_a).get(reverse("members:enrolment_problems"))
    assert [u.pk for u in page.context["unions"]] == [figures["union_a"].pk]
    county = client_for(county_user)
    by_township = county.get(reverse("members:enrolment_problems"), {"township": figures["b"].pk})
    assert [u.pk for u in by_township.context["unions"]] == [figures["union_b"].pk]


@pytest.mark.parametrize("value", ["abc", "²", "1e9", "99999999999999999999", "-1", "' OR 1=1 --"])
def test_a_township_value_the_filter_cannot_take_is_a_message_not_an_error(figures, client_for, county_user, value):
    response = client_for(county_user).get(reverse("members:enrolment_problems"), {"township": value})
    assert response.status_code == 200
    assert list(response.context["unions"]) == []
    assert response.context["filter"].errors


def test_another_townships_township_shows_a_chair_nothing(figures, client_for, chair_a):
    response = client_for(chair_a).get(reverse("members:enrolment_problems"), {"township": figures["b"].pk})
    assert response.status_code == 200 and list(response.context["unions"]) == []


def test_a_dissolved_union_and_its_members_are_counted_nowhere(figures, chair_a):
    union_archive(user=None, union=figures["union_a"], reason="企业注销")
    assert enrolment_totals(user=chair_a, unit=figures["a"]) == {"members": 2, "employees": 10, "problems": 0}
    assert not members_counted().filter(union=figures["union_a"]).exists()


def test_the_union_page_says_which_figure_is_wrong(figures, client_for, chair_a):
    page = client_for(chair_a).get(figures["union_a"].get_absolute_url()).content.decode()
    panel = page[page.index('data-testid="enrolment"') :]
    panel = panel[: panel.index('data-testid="enrolment-problem"') + 2000]
    assert 'data-testid="enrolment-implausible"' in panel and "167%" not in panel
    assert "在册会员 5 人" in panel and "只有 3 人" in panel
    assert reverse("branches:enterprise_update", args=[figures["small_1"].pk]) in panel


def test_the_township_page_shows_the_plausible_rate_and_links_the_problems(figures, client_for, chair_a):
    page = client_for(chair_a).get(figures["a"].get_absolute_url()).content.decode()
    assert 'data-testid="enrolment-percent">20%<' in page
    assert f"{reverse('members:enrolment_problems')}?township={figures['a'].pk}" in page
    assert "250%" not in page and "167%" not in page
