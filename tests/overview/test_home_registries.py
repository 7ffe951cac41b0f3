"""The home page's to-dos and rates: each to-do counts exactly the rows its link lists, each rate
has one definition (the registry's), and the page costs the same number of queries at any size."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.branches.demo import demo_credit_code
from apps.branches.models import Enterprise, OrgUnit
from apps.branches.selectors import formation_rate_by_township
from apps.branches.services import orgunit_create
from apps.complaints.models import Complaint
from apps.core.indicators import indicator
from apps.core.todos import todo_list
from apps.members.services import transfer_request
from apps.overview.models import UnitSummary
from apps.overview.services import unit_summaries_refresh
from tests.complaints.conftest import factories, register  # noqa: F401 - fixtures
from tests.members.conftest import make_id

TODAY = timezone.localdate


def _todo(user, key):
    return next((todo for todo in todo_list(user, include_empty=True) if todo.key == key), None)


def _list_rows(client, url):
    """How many rows the list behind a link shows (all on one page here)."""
    response = client.get(url)
    assert response.status_code == 200
    table = response.context.get("table")
    if table is not None:
        assert table.paginator.num_pages == 1
        return len(table.page.object_list)
    return len(response.context["complaints"])


def add_members(union, count, *, first=0):
    from apps.members.services import member_create

    return [
        member_create(
            user=None,
            union=union,
            real_name=f"会员{serial}",
            id_number=make_id(serial=f"{serial:03d}"),
            join_date=datetime.date(2020, 1, 1),
            employment_form="regular",
        )
        for serial in range(first, first + count)
    ]


def _grant(user, codename):
    user.user_permissions.add(Permission.objects.get(codename=codename))
    return type(user).objects.select_related("org_unit").get(pk=user.pk)  # a fresh permission cache


def _union(township, name, **fields):
    union = orgunit_create(user=None, parent=township, name=name, kind="enterprise")
    OrgUnit.objects.filter(pk=union.pk).update(**fields)
    union.refresh_from_db()
    return union


def _enterprise(township, serial, *, employees, union=None, archived=False):
    return Enterprise.objects.create(
        name=f"测试企业{serial}",
        credit_code=demo_credit_code(500 + serial),
        ownership="private",
        township=township,
        employee_count=employees,
        union=union,
        archived_at=timezone.now() if archived else None,
    )


# --- to-dos: count == rows of the linked list ----------------------------------------------


@pytest.fixture
def pending_unions(county_tree):
    a, b = county_tree["a"], county_tree["b"]
    _union(a, "新建一厂工会", status="pending")
    _union(a, "新建二厂工会", status="pending")
    _union(b, "新建三厂工会", status="pending")
    _union(a, "已撤销待批工会", status="pending", archived_at=timezone.now())
    _union(b, "已批准工会", status="approved")
    return county_tree


def test_unions_awaiting_approval_are_the_rows_of_the_filtered_union_list(pending_unions, county_user, client_for):
    todo = _todo(county_user, "branches.unions_awaiting_approval")
    assert todo.count == 3
    assert _list_rows(client_for(county_user), todo.url) == 3


def test_unions_awaiting_approval_are_scoped_and_need_the_approve_permission(pending_unions, chair_a, client_for):
    assert _todo(chair_a, "branches.unions_awaiting_approval") is None  # chairs do not approve
    chair = _grant(chair_a, "approve_union")
    todo = _todo(chair, "branches.unions_awaiting_approval")
    assert todo.count == 2 == _list_rows(client_for(chair), todo.url)


@pytest.fixture
def terms(county_tree):
    today = TODAY()
    a, b = county_tree["a"], county_tree["b"]
    soon = {"status": "approved", "term_start": today - datetime.timedelta(days=1000)}
    _union(a, "将满工会", term_end=today + datetime.timedelta(days=30), **soon)
    _union(a, "已满工会", term_end=today - datetime.timedelta(days=10), **soon)
    _union(b, "乙镇将满工会", term_end=today + datetime.timedelta(days=60), **soon)
    _union(a, "远未到期工会", term_end=today + datetime.timedelta(days=400), **soon)
    _union(a, "已撤销工会", term_end=today + datetime.timedelta(days=30), archived_at=timezone.now(), **soon)
    return county_tree


def test_terms_ending_are_the_unions_the_compliance_page_lists(terms, county_user, chair_a, client_for):
    for user, expected in ((county_user, 3), (chair_a, 2)):
        todo = _todo(user, "branches.terms_ending")
        assert todo.url.endswith("#terms-ending")
        response = client_for(user).get(todo.url)
        assert todo.count == expected == len(response.context["findings"].terms_ending)
        assert todo.urgency == "urgent"  # one term has ended already
        assert 'id="terms-ending"' in response.content.decode()


def test_a_transfer_to_accept_is_a_todo_of_the_receiving_side_only(county_tree, chair_a, chair_b, client_for):
    (member,) = add_members(county_tree["union_a"], 1)
    transfer_request(user=chair_a, member=member, to_union=county_tree["union_b"], reason="调入新单位")
    todo = _todo(chair_b, "members.transfers_to_accept")
    response = client_for(chair_b).get(todo.url)
    assert todo.count == 1 == len(response.context["pending"])
    assert todo.url.endswith("#pending") and 'id="pending"' in response.content.decode()
    assert _todo(chair_a, "members.transfers_to_accept").count == 0
    assert "members.transfers_to_accept" not in [t.key for t in todo_list(chair_a)]


@pytest.fixture
def due_complaints(register, factories, chair_b):  # noqa: F811
    now = timezone.now()
    days = datetime.timedelta(days=1)
    register(now - 7 * days)  # the seventh day is today
    register(now - 10 * days)  # overdue
    register(now - 2 * days)  # not due yet
    answered = register(now - 12 * days)
    Complaint.objects.filter(pk=answered.pk).update(status="answered", answered_at=now - 6 * days)
    register(now - 9 * days, enterprise=factories["b"], user=chair_b)  # another township's
    return factories


def test_complaints_due_today_or_overdue_are_the_rows_of_the_linked_list(
    due_complaints, chair_a, county_user, client_for
):
    for user, expected in ((chair_a, 2), (county_user, 3)):
        todo = _todo(user, "complaints.due")
        assert todo.count == expected == _list_rows(client_for(user), todo.url)
        assert todo.urgency == "urgent"


def test_no_todos_for_an_officer_and_a_message_instead(county_tree, officer_a, client_for):
    assert todo_list(officer_a) == []
    page = client_for(officer_a).get(reverse("overview:home")).content.decode()
    assert 'data-testid="no-todos"' in page


def test_the_home_page_lists_the_users_todos_with_counts_and_links(
    pending_unions, due_complaints, county_user, chair_a, client_for
):
    page = client_for(county_user).get(reverse("overview:home")).content.decode()
    todos = page[page.index('data-testid="todos"') :]
    assert f'href="{reverse("branches:union_list")}?status=pending"' in todos
    assert f'href="{reverse("complaints:complaint_list")}?due=today"' in todos
    unions = todos[todos.index('data-testid="todo-branches.unions_awaiting_approval"') :]
    assert 'data-testid="todo-count">3<' in unions[:600]
    chair_page = client_for(chair_a).get(reverse("overview:home")).content.decode()
    assert "todo-branches.unions_awaiting_approval" not in chair_page
    complaints = chair_page[chair_page.index('data-testid="todo-complaints.due"') :]
    assert 'data-testid="todo-count">2<' in complaints[:600]


# --- rates: one definition --------------------------------------------------------------------


@pytest.fixture
def enterprises(county_tree):
    a, b = county_tree["a"], county_tree["b"]
    approved_a = _union(a, "甲镇已批准工会", status="approved")
    pending_a = _union(a, "甲镇待批工会", status="pending")
    approved_b = _union(b, "乙镇已批准工会", status="approved")
    _enterprise(a, 1, employees=100, union=approved_a)
    _enterprise(a, 2, employees=30, union=pending_a)
    _enterprise(a, 3, employees=40)
    _enterprise(a, 4, employees=10, union=approved_a)  # below 25 employees: not counted
    _enterprise(a, 5, employees=80, archived=True)  # archived: not counted
    _enterprise(b, 6, employees=25, union=approved_b)  # exactly 25: counted
    _enterprise(b, 7, employees=26)
    return county_tree


def test_the_formation_rate_agrees_on_the_page_the_indicator_and_the_home_figures(
    enterprises, county_user, chair_a, client_for
):
    unit_summaries_refresh()
    rate = indicator("branches.formation_rate")
    rows = {row["township"].pk: row for row in formation_rate_by_township(user=county_user)}
    for unit, expected in ((enterprises["a"], (1, 3)), (enterprises["b"], (1, 2)), (enterprises["county"], (2, 5))):
        live = rate.compute(user=county_user, unit=unit)
        summary = UnitSummary.objects.get(unit=unit)
        assert (live.numerator, live.denominator) == expected
        assert (summary.enterprises_unionised, summary.enterprises) == expected
        if unit.pk in rows:
            assert (rows[unit.pk]["unionised"], rows[unit.pk]["total"]) == expected
    page = client_for(county_user).get(reverse("branches:formation_rate"))
    assert (page.context["unionised"], page.context["total"]) == (2, 5)
    # The chair's own rate, on their home page, is their township's.
    chair_rate = rate.compute(user=chair_a)
    assert (chair_rate.numerator, chair_rate.denominator, chair_rate.percent) == (1, 3, 33)


def test_the_formation_rates_denominator_link_lists_exactly_the_counted_enterprises(
    enterprises, chair_a, county_user, client_for
):
    for user in (chair_a, county_user):
        live = indicator("branches.formation_rate").compute(user=user)
        assert _list_rows(client_for(user), live.denominator_url) == live.denominator


def test_the_formation_rate_does_not_apply_to_a_grassroots_union(enterprises, officer_a):
    assert indicator("branches.formation_rate").compute(user=officer_a) is None


def test_an_enrolment_rate_above_100_percent_is_shown_as_a_data_problem(county_tree, chair_a, client_for):
    union = county_tree["union_a"]
    _enterprise(county_tree["a"], 1, employees=2, union=union)
    add_members(union, 3)
    # The union's own rate is flagged; the township's leaves the union out and counts it apart.
    own = indicator("members.enrolment_rate").compute(user=chair_a, unit=union)
    assert (own.numerator, own.denominator, own.implausible, own.percent) == (3, 2, True, None)
    rate = indicator("members.enrolment_rate").compute(user=chair_a)
    assert (rate.numerator, rate.denominator, rate.problems, rate.implausible) == (0, 0, 1, False)
    assert rate.problems_url == f"{reverse('members:enrolment_problems')}?township={county_tree['a'].pk}"
    unit_summaries_refresh()
    page = client_for(chair_a).get(reverse("overview:home")).content.decode()
    card = page[page.index('data-testid="rate-members.enrolment_rate"') :][:2500]
    assert 'data-testid="rate-problems"' in card and "150%" not in card
    township_page = client_for(chair_a).get(county_tree["a"].get_absolute_url()).content.decode()
    assert 'data-testid="enrolment-problems"' in township_page and "150%" not in township_page
    union_page = client_for(chair_a).get(union.get_absolute_url()).content.decode()
    assert 'data-testid="enrolment-implausible"' in union_page and "150%" not in union_page


def test_the_enrolment_rate_is_the_township_pages_rate(county_tree, chair_a, county_user):
    from apps.members.selectors import enrolment_rate

    _enterprise(county_tree["a"], 1, employees=10, union=county_tree["union_a"])
    _enterprise(county_tree["b"], 2, employees=30, union=county_tree["union_b"])
    add_members(county_tree["union_a"], 4)
    add_members(county_tree["union_b"], 3, first=100)
    for user, unit in ((chair_a, county_tree["a"]), (county_user, county_tree["county"])):
        live = indicator("members.enrolment_rate").compute(user=user, unit=unit)
        panel = enrolment_rate(user=user, unit=unit)
        assert (live.numerator, live.denominator) == (panel["members"], panel["employees"])
    assert indicator("members.enrolment_rate").compute(user=county_user).numerator == 7


def test_complaints_answered_on_time_count_overdue_unanswered_as_late(register, chair_a, county_user):  # noqa: F811
    now = timezone.now()
    days = datetime.timedelta(days=1)
    on_time = register(now - 12 * days)
    late = register(now - 11 * days)
    register(now - 10 * days)  # overdue, not answered: late
    early = register(now - 1 * days)  # answered before it was due: on time, counted already
    register(now - 2 * days)  # open, not due yet: not counted
    Complaint.objects.filter(pk=on_time.pk).update(status="answered", answered_at=now - 8 * days)
    Complaint.objects.filter(pk=late.pk).update(status="answered", answered_at=now - 1 * days)
    Complaint.objects.filter(pk=early.pk).update(status="answered", answered_at=now)
    year = timezone.localdate().year
    rates = indicator("complaints.answered_on_time")
    # Early in January some fall due last year: the two years together hold all of them.
    both = [rates.compute(user=chair_a, year=y) for y in (year - 1, year)]
    assert (sum(r.numerator for r in both), sum(r.denominator for r in both)) == (2, 4)
    assert rates.compute(user=chair_a, year=year - 5).denominator == 0
    assert rates.compute(user=county_user, year=year).denominator == both[1].denominator


# --- the page's cost ---------------------------------------------------------------------------


def _grow(county_tree, size):
    """`size` townships, pending unions, terms ending, complaints due and transfers to accept."""
    today = TODAY()
    county = county_tree["county"]
    for index in range(size):
        township = orgunit_create(user=None, parent=county, name=f"新镇{size}-{index}", kind="township")
        _union(township, f"新镇{size}-{index}待批工会", status="pending")
        _union(
            township,
            f"新镇{size}-{index}到期工会",
            status="approved",
            term_start=today - datetime.timedelta(days=1000),
            term_end=today + datetime.timedelta(days=10),
        )
        _enterprise(township, 1000 * size + index, employees=30 + index)
    for member in add_members(county_tree["union_a"], size, first=100 + size):
        transfer_request(user=county_tree["chair_a"], member=member, to_union=county_tree["union_b"], reason="调动")


@pytest.mark.parametrize("user_key", ["county", "chair_b"])
def test_the_home_page_costs_the_same_number_of_queries_at_3_and_at_30_rows(
    county_tree,
    county_user,
    chair_a,
    chair_b,
    register,  # noqa: F811
    client_for,
    user_key,
):
    county_tree = {**county_tree, "chair_a": chair_a}
    user = {"county": county_user, "chair_b": chair_b}[user_key]
    client = client_for(user)
    client.get(reverse("overview:home"))  # the session's first request writes it
    counts = []
    for size in (3, 30):
        _grow(county_tree, size)
        for _ in range(size):
            register(timezone.now() - datetime.timedelta(days=9))
        unit_summaries_refresh()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("overview:home"))
        assert response.status_code == 200
        counts.append(len(captured))
    # session, user, unit counts, summaries, permissions, the to-dos (one query for all),
    # 2 live rates (complaints, cadres trained; formation, enrolment, coverage and the fund
    # collection rate come from the summaries), unread count, notifications
    assert counts == [10] * 2
    assert response.content.decode().count('data-testid="todo-') >= 2
