"""One source for each home figure: after a refresh the home page shows what the page beside it
shows (the member list behind the member count, the formation-rate page, the township page's
enrolment panel), because the summaries count through the apps' own definitions; 刷新 recounts
the user's area now (POST, CSRF) and the page says how old its figures are."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.branches.services import union_archive
from apps.members.selectors import enrolment_rate
from apps.members.services import member_archive
from apps.overview.models import UnitSummary
from apps.overview.services import unit_summaries_refresh
from tests.factories import EnterpriseFactory, MemberFactory, OrgUnitFactory, TransferFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def data(county_tree, chair_a):
    """Members every way a count can differ (left, in transfer, in a dissolved union), enterprises
    with approved, pending and no unions, and one union with more members than employees."""
    tree = dict(county_tree)
    EnterpriseFactory(township=tree["a"], union=tree["union_a"], employee_count=40)
    EnterpriseFactory(township=tree["b"], union=tree["union_b"], employee_count=3)  # 4 members: a problem
    EnterpriseFactory(township=tree["a"], employee_count=30)  # no union
    EnterpriseFactory(township=tree["a"], employee_count=10)  # too small to count
    pending = OrgUnitFactory(parent=tree["a"], kind="joint", name="待批联合工会")
    pending.status = "pending"
    pending.save(update_fields=["status"])
    EnterpriseFactory(township=tree["a"], union=pending, employee_count=50)
    members = [MemberFactory(union=tree["union_a"]) for _ in range(6)]
    member_archive(user=None, member=members[0], status="left", left_on=datetime.date(2024, 1, 1), reason="调离")
    TransferFactory(user=chair_a, member=members[1], to_union=tree["union_b"])  # 接转中: still counted
    for _ in range(4):
        MemberFactory(union=tree["union_b"])
    dissolved = OrgUnitFactory(parent=tree["b"], name="已撤销工会")
    MemberFactory(union=dissolved)
    union_archive(user=None, union=dissolved, reason="企业注销")
    return tree


def _home(client):
    response = client.get(reverse("overview:home"))
    assert response.status_code == 200
    return response


def _rows_behind(client, url):
    response = client.get(url)
    assert response.status_code == 200
    table = response.context["table"]
    assert table.paginator.num_pages == 1
    return len(table.page.object_list)


def _href(page, testid):
    match = re.search(r'<a href="([^"]+)"\s+(?:class="[^"]*"\s+)?data-testid="' + testid + '"', page)
    assert match, testid
    return match.group(1).replace("&amp;", "&")


@pytest.mark.parametrize("role", ["county", "chair"])
def test_after_a_refresh_each_home_figure_is_the_figure_of_the_page_beside_it(data, county_user, chair_a, role):
    user = {"county": county_user, "chair": chair_a}[role]
    unit = {"county": data["county"], "chair": data["a"]}[role]
    client = Client()
    client.force_login(user)
    assert client.post(reverse("overview:home_refresh")).status_code == 302
    response = _home(client)
    page = response.content.decode()
    own = response.context["summaries"]["own"]
    # Members: the member list behind the figure's link shows exactly that many.
    assert own.members_active == _rows_behind(client, _href(page, "members-active"))
    assert own.members_active == {"county": 9, "chair": 5}[role]
    rates = {rate.key: rate for rate in response.context["rates"]}
    # Formation rate: the formation-rate page's totals (the county) or the township's row.
    formation_page = client.get(reverse("branches:formation_rate")).context
    if role == "county":
        expected = (formation_page["unionised"], formation_page["total"])
    else:
        row = next(r for r in formation_page["rows"] if r["township"] == data["a"])
        expected = (row["unionised"], row["total"])
    formation = rates["branches.formation_rate"]
    assert (formation.numerator, formation.denominator) == expected == {"county": (1, 3), "chair": (1, 3)}[role]
    assert _rows_behind(client, formation.denominator_url) == formation.denominator
    assert _rows_behind(client, formation.numerator_url) == formation.numerator
    # Enrolment rate: the unit page's panel (plausible unions; the problem union counted apart).
    panel = enrolment_rate(user=user, unit=unit)
    enrolment = rates["members.enrolment_rate"]
    assert (enrolment.numerator, enrolment.denominator, enrolment.problems) == (
        panel["members"],
        panel["employees"],
        panel["problems"],
    )
    assert (enrolment.numerator, enrolment.denominator) == (5, 40 + 50)  # the pending union counts too
    if role == "county":
        assert enrolment.problems == 1
        # Each township's member figure in the table opens the member list of exactly those.
        for row in response.context["summaries"]["children"]:
            url = f"{reverse('members:member_list')}?township={row.unit.pk}&status=current"
            assert url.replace("&", "&amp;") in page
            assert _rows_behind(client, url) == row.members_active


def test_the_figures_wait_for_the_next_count_and_refresh_counts_them_now(data, client_for, chair_a):
    client = client_for(chair_a)
    unit_summaries_refresh()
    before = _home(client).context["summaries"]["own"].members_active
    MemberFactory(union=data["union_a"])
    assert _home(client).context["summaries"]["own"].members_active == before
    response = client.post(reverse("overview:home_refresh"), follow=True)
    assert response.context["summaries"]["own"].members_active == before + 1
    assert "数据已重新统计" in response.content.decode()


def test_a_chairs_refresh_recounts_their_township_only(data, client_for, chair_a):
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    unit_summaries_refresh(now=long_ago)
    client_for(chair_a).post(reverse("overview:home_refresh"))
    refreshed = dict(UnitSummary.objects.values_list("unit_id", "refreshed_at"))
    assert refreshed[data["a"].pk] > long_ago
    assert refreshed[data["b"].pk] == long_ago == refreshed[data["county"].pk]


def test_refresh_is_a_post_with_a_csrf_token(data, county_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(county_user)
    assert client.get(reverse("overview:home_refresh")).status_code == 405
    assert client.post(reverse("overview:home_refresh")).status_code == 403  # no token
    assert not UnitSummary.objects.exists()
    page = _home(client).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post(reverse("overview:home_refresh"), {"csrfmiddlewaretoken": token}).status_code == 302
    assert UnitSummary.objects.filter(unit=data["county"]).exists()


def test_the_page_says_when_the_figures_were_counted(data, client_for, county_user):
    counted = datetime.datetime(2026, 3, 2, 9, 5, tzinfo=SHANGHAI)
    with time_machine.travel(counted, tick=False):
        unit_summaries_refresh()
    with time_machine.travel(counted + datetime.timedelta(minutes=7), tick=False):
        page = _home(client_for(county_user)).content.decode()
    assert "数据更新于 09:05（7 分钟前）" in page
    assert 'data-testid="summary-refresh"' in page


def test_the_refresh_costs_the_same_queries_at_any_size(data, county_user, django_assert_num_queries):
    from apps.overview.services import unit_summaries_refresh_for

    # 11 with the collective contracts' coverage (apps.contracts.selectors.coverage_counts_by_township)
    # and the union fund's collection (apps.dues.selectors.finance.collection_counts_by_township).
    with django_assert_num_queries(11):
        unit_summaries_refresh_for(user=county_user)
    for index in range(20):
        township = OrgUnitFactory(parent=data["county"], kind="township", name=f"新镇{index}")
        MemberFactory(union=OrgUnitFactory(parent=township))
    with django_assert_num_queries(11):
        assert unit_summaries_refresh_for(user=county_user) == 3 + 20


def test_the_complaint_figures_link_to_the_list_of_exactly_those_complaints(county_tree, client_for, chair_a):
    from apps.complaints.models import Complaint

    now = timezone.now()
    for days in (1, 2, 10, 12):
        _register(county_tree, now - datetime.timedelta(days=days), chair_a)
    Complaint.objects.filter(received_at__lt=now - datetime.timedelta(days=11)).update(
        status="answered", answered_at=now
    )
    Complaint.objects.filter(received_at__lt=now - datetime.timedelta(days=9), status="received").update(
        is_overdue=True
    )
    client = client_for(chair_a)
    client.post(reverse("overview:home_refresh"))
    response = _home(client)
    own, page = response.context["summaries"]["own"], response.content.decode()
    assert (own.complaints_open, own.complaints_overdue) == (3, 1)
    for testid, expected in (("complaints-open", 3), ("complaints-overdue", 1)):
        assert _rows_behind(client, _href(page, testid)) == expected


def _register(county_tree, received_at, user):
    from tests.factories import ComplaintFactory

    enterprise = EnterpriseFactory(township=county_tree["a"])
    return ComplaintFactory(user=user, enterprise=enterprise, received_at=received_at)
