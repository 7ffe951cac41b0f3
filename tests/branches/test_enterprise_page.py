"""The enterprise page as the one page on an enterprise: each app contributes its panel (members
and 入会率, contracts, union fund, complaints, its union's training), the figures are scoped and
count the same queries however many rows there are, and the member list opens at its workplace."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.core.panels import _PANELS
from tests.dues.conftest import make_entry
from tests.factories import ComplaintFactory, EnterpriseFactory, MemberFactory

pytestmark = pytest.mark.django_db

PANEL_APPS = {"apps.members", "apps.contracts", "apps.dues", "apps.complaints", "apps.training"}
PANEL_TESTIDS = ["members-panel", "contracts-panel", "fund-panel", "complaints-panel", "training-panel"]


@pytest.fixture
def enterprise(county_tree):
    return EnterpriseFactory(township=county_tree["a"], union=county_tree["union_a"], employee_count=4)


def _page(client, enterprise):
    return client.get(reverse("branches:enterprise_detail", args=[enterprise.pk]))


def test_each_app_contributes_its_panel_to_the_enterprise_page():
    owners = {func.__module__.rsplit(".", 1)[0].removesuffix(".rails") for func in _PANELS["enterprise_detail"]}
    assert PANEL_APPS <= owners


def test_county_staff_see_every_panel_with_its_figures(client_for, county_user, enterprise, county_tree):
    for _ in range(3):
        MemberFactory(union=county_tree["union_a"], workplace=enterprise)
    MemberFactory(union=county_tree["union_a"])  # works elsewhere: not this enterprise's
    ComplaintFactory(enterprise=enterprise, user=county_user)
    response = _page(client_for(county_user), enterprise)
    html = response.content.decode()
    for testid in PANEL_TESTIDS:
        assert f'data-testid="{testid}"' in html, testid
    assert "75%" in html  # 3 members of 4 employees
    assert "会员 3 人 / 职工 4 人" in html
    assert "共 1 件" in html


def test_more_members_than_employees_is_a_data_problem_not_a_rate(client_for, county_user, enterprise, county_tree):
    for _ in range(5):
        MemberFactory(union=county_tree["union_a"], workplace=enterprise)
    html = _page(client_for(county_user), enterprise).content.decode()
    assert 'data-testid="enterprise-enrolment-implausible"' in html
    assert "125%" not in html


def test_a_chair_sees_only_their_own_area_and_gets_404_elsewhere(client_for, chair_a, chair_b, enterprise):
    assert _page(client_for(chair_a), enterprise).status_code == 200
    assert _page(client_for(chair_b), enterprise).status_code == 404


def test_the_page_costs_the_same_queries_at_one_and_ten_rows(client_for, county_user, enterprise, county_tree):
    client = client_for(county_user)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert _page(client, enterprise).status_code == 200
        return len(ctx)

    count()  # the first request also saves the session
    empty = count()
    MemberFactory(union=county_tree["union_a"], workplace=enterprise)
    ComplaintFactory(enterprise=enterprise, user=county_user)
    make_entry(enterprise, datetime.date(2026, 1, 1))
    small = count()
    for month in range(2, 11):
        MemberFactory(union=county_tree["union_a"], workplace=enterprise)
        ComplaintFactory(enterprise=enterprise, user=county_user)
        make_entry(enterprise, datetime.date(2026, month, 1))
    # Session, user, permissions, the enterprise (with its fund channel override), its history,
    # the unread count, its meetings, and one query per panel (members, complaints, contracts,
    # fund, training): 16 before each panel was brought to one.
    assert empty == small == count() == 12
    assert small <= 12  # the portal's budget for a page (tests/bench/test_bench_command.py)


def test_the_training_panel_shows_a_certificate_at_the_same_cost(client_for, world, enterprise):
    from tests.training.factories import running_class

    client = client_for(world.users["county"])

    def page():
        with CaptureQueriesContext(connection) as ctx:
            html = _page(client, enterprise).content.decode()
        return html, len(ctx)

    page()  # the first request also saves the session
    _, before = page()
    programme = running_class(world, "a", attended=True, certified=True)
    certificate = programme.nomination.certificates.get()
    html, after = page()
    panel = html[html.index('data-testid="training-panel"') :]
    assert programme.nomination.trainee_name in panel
    assert reverse("training:certificate_print", args=[certificate.pk]) in panel
    assert certificate.number in panel
    assert after == before


def test_the_member_list_opens_at_the_enterprise_as_workplace(
    client_for, county_user, chair_b, enterprise, county_tree
):
    here = MemberFactory(union=county_tree["union_a"], workplace=enterprise, real_name="张在此")
    MemberFactory(union=county_tree["union_a"], real_name="李在别处")
    url = reverse("members:member_list")
    html = client_for(county_user).get(url, {"workplace": enterprise.pk}).content.decode()
    assert here.real_name in html and "李在别处" not in html
    # Hostile or out-of-area values: never a 500; another township's chair sees none of its members.
    for value in ["abc", "-1", str(2**70), "1e30"]:
        assert client_for(county_user).get(url, {"workplace": value}).status_code == 200
    response = client_for(chair_b).get(url, {"workplace": enterprise.pk})
    assert response.status_code == 200 and here.real_name not in response.content.decode()
