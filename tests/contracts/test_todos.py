"""The contracts' four to-dos on the shared to-do list (apps.contracts.todos): for a township
chair, a grassroots officer and county staff, the exact number of contracts each to-do counts,
on the right side of each deadline (Shanghai days), never another township's; its link lists
exactly those contracts; and the to-dos cost the same two queries with 10 or 40 more contracts.

The clock stands at 00:30 on 15 June 2026 in Shanghai, which is still 14 June in UTC: a to-do that
counted UTC days would take the request due yesterday for one due today.
"""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model

from apps.contracts import clock
from apps.contracts.choices import ContractKind, Party
from apps.contracts.services import contract_renewal_request
from apps.core.todos import todo_list
from tests.contracts.factories import STEP_OFFSETS, make_contract, make_existing_contract
from tests.contracts.sweep_helpers import at

NOW = at(2026, 6, 15, 0, 30)
TODAY = datetime.date(2026, 6, 15)
ANSWER_DAYS = 20  # the national profile (apps.contracts.rules.NATIONAL_RULES)
SEND_DAYS = 10

KEYS = ("contracts.awaiting_answer", "contracts.to_send", "contracts.to_renew", "contracts.expiring")
DUE = {
    "contracts.awaiting_answer": "answer",
    "contracts.to_send": "send",
    "contracts.to_renew": "renewal",
    "contracts.expiring": "expiring",
}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)


def requested_with_answer_due(offset: int) -> datetime.date:
    """The request date whose last day to answer is `offset` days from today."""
    return day(offset - ANSWER_DAYS)


def requested_with_sending_due(offset: int) -> datetime.date:
    """The request date whose signing (factories.STEP_OFFSETS) makes sending due `offset` days from today."""
    return day(offset - SEND_DAYS - STEP_OFFSETS["signed"])


def signed_for_term_end(term_end: datetime.date, months: int = 12) -> datetime.date:
    """The signing day of a `months`-month term (make_existing_contract) that ends on `term_end`."""
    return clock.add_months(term_end + datetime.timedelta(days=1), -months)


def in_force_until(w, term_end: datetime.date, **kwargs):
    return make_existing_contract(user=w.chair, signed_on=signed_for_term_end(term_end), term_months=12, **kwargs)


@pytest.fixture
def contracts(contract_world):
    """Township A's contracts on either side of each deadline (union_a's are the officer's), and
    township B's with something of every to-do due."""
    w = contract_world
    union_a, joint_a, regional_a = w.tree["union_a"], w.joint_a, w.regional_a
    made = {
        # --- the answer to a bargaining request: 20 days -----------------------------------------
        "answer_due_today": make_contract(
            user=w.chair, union=union_a, enterprise=w.ent_a, on=requested_with_answer_due(0)
        ),
        "answer_overdue_by_a_day": make_contract(
            user=w.chair, union=regional_a, covered=[w.small_a1], on=requested_with_answer_due(-1)
        ),
        "answered": make_contract(
            user=w.chair, union=union_a, enterprise=w.ent_a, step="negotiating", on=requested_with_answer_due(-5)
        ),
        "closed_unanswered": make_contract(
            user=w.chair, union=joint_a, covered=[w.small_a2], on=requested_with_answer_due(-5), closed=True
        ),
        # --- sending the signed contract: 10 days ------------------------------------------------
        "send_due_today": make_contract(
            user=w.chair,
            union=union_a,
            enterprise=w.ent_a,
            step="signed",
            on=requested_with_sending_due(0),
            kind=ContractKind.WAGE,
        ),
        "send_overdue_by_a_day": make_contract(
            user=w.chair, union=joint_a, covered=[w.small_a2], step="signed", on=requested_with_sending_due(-1)
        ),
        "sent": make_contract(
            user=w.chair, union=union_a, enterprise=w.ent_a, step="submitted", on=requested_with_sending_due(-3)
        ),
        # --- the term: the renewal window opens 3 months before its end; expiring within 30 days --
        # add_months(14 Sept, -3) + 1 day = 15 June: the window opens today.
        "renewal_opens_today": in_force_until(
            w, datetime.date(2026, 9, 14), union=union_a, enterprise=w.ent_a, kind=ContractKind.SAFETY
        ),
        "renewal_opens_tomorrow": in_force_until(w, datetime.date(2026, 9, 15), union=joint_a, covered=[w.small_a2]),
        "expires_in_30_days": in_force_until(w, day(30), union=joint_a, covered=[w.small_a2], kind=ContractKind.WOMEN),
        "expires_in_31_days": in_force_until(w, day(31), union=regional_a, covered=[w.small_a1]),
        # In force still: the expiry sweep has not run since its term ended yesterday.
        "term_ended_yesterday": in_force_until(
            w, day(-1), union=union_a, enterprise=w.ent_a, kind=ContractKind.WAGE, today=day(-2)
        ),
        "renewal_asked": in_force_until(
            w, day(45), union=regional_a, covered=[w.small_a1, w.small_a2], kind=ContractKind.WAGE
        ),
        "three_year_term": make_existing_contract(
            user=w.chair, union=union_a, enterprise=w.ent_a, signed_on=datetime.date(2026, 1, 10)
        ),
        # --- township B: something of every to-do ---------------------------------------------
        "b_answer_overdue": make_contract(
            user=w.chair_b, union=w.tree["union_b"], enterprise=w.ent_b, on=requested_with_answer_due(-10)
        ),
        "b_send_overdue": make_contract(
            user=w.chair_b,
            union=w.tree["union_b"],
            enterprise=w.ent_b,
            step="signed",
            on=requested_with_sending_due(-5),
        ),
        "b_expires_in_10_days": make_existing_contract(
            user=w.chair_b,
            union=w.tree["union_b"],
            enterprise=w.ent_b,
            signed_on=signed_for_term_end(day(10)),
            term_months=12,
        ),
    }
    # The renewal asked for is a new request, to be answered within 20 days from today.
    made["renewal_request"] = contract_renewal_request(
        user=w.chair, contract=made["renewal_asked"], requested_on=TODAY, requested_by=Party.WORKERS
    )
    return made


# What each user's to-dos count: (contracts, urgency).
EXPECTED = {
    "chair": {
        "contracts.awaiting_answer": (("answer_due_today", "answer_overdue_by_a_day", "renewal_request"), "urgent"),
        "contracts.to_send": (("send_due_today", "send_overdue_by_a_day"), "urgent"),
        "contracts.to_renew": (("renewal_opens_today", "expires_in_30_days", "expires_in_31_days"), "normal"),
        "contracts.expiring": (("expires_in_30_days",), "soon"),
    },
    # union_a's officer: union_a's contracts only, none of them overdue.
    "officer": {
        "contracts.awaiting_answer": (("answer_due_today",), "soon"),
        "contracts.to_send": (("send_due_today",), "soon"),
        "contracts.to_renew": (("renewal_opens_today",), "normal"),
        "contracts.expiring": ((), "soon"),
    },
    "county": {
        "contracts.awaiting_answer": (
            ("answer_due_today", "answer_overdue_by_a_day", "renewal_request", "b_answer_overdue"),
            "urgent",
        ),
        "contracts.to_send": (("send_due_today", "send_overdue_by_a_day", "b_send_overdue"), "urgent"),
        "contracts.to_renew": (
            ("renewal_opens_today", "expires_in_30_days", "expires_in_31_days", "b_expires_in_10_days"),
            "normal",
        ),
        "contracts.expiring": (("expires_in_30_days", "b_expires_in_10_days"), "soon"),
    },
    "chair_b": {
        "contracts.awaiting_answer": (("b_answer_overdue",), "urgent"),
        "contracts.to_send": (("b_send_overdue",), "urgent"),
        "contracts.to_renew": (("b_expires_in_10_days",), "normal"),
        "contracts.expiring": (("b_expires_in_10_days",), "soon"),
    },
}


def contract_todos(user, **kwargs) -> dict:
    return {todo.key: todo for todo in todo_list(user, **kwargs) if todo.key.startswith("contracts.")}


def listed(response) -> set[str]:
    assert response.status_code == 200
    return {row.record.number for row in response.context["table"].paginated_rows}


def test_the_contracts_are_on_the_sides_of_their_deadlines_the_test_says(contracts):
    """The arrangement itself, so a change of the factories cannot quietly move a contract."""
    assert contracts["answer_due_today"].answer_due_on == TODAY
    assert contracts["answer_overdue_by_a_day"].answer_due_on == day(-1)
    assert contracts["send_due_today"].send_due_on == TODAY
    assert contracts["send_overdue_by_a_day"].send_due_on == day(-1)
    assert (
        clock.renewal_window_opens_on(
            contracts["renewal_opens_today"].term_end, contracts["renewal_opens_today"].rule_profile
        )
        == TODAY
    )
    assert clock.renewal_window_opens_on(
        contracts["renewal_opens_tomorrow"].term_end, contracts["renewal_opens_tomorrow"].rule_profile
    ) == day(1)
    assert contracts["expires_in_30_days"].term_end == day(30)
    assert contracts["term_ended_yesterday"].status == "in_force"
    assert contracts["renewal_request"].answer_due_on == day(ANSWER_DAYS)


@pytest.mark.parametrize("role", ["chair", "officer", "county", "chair_b"])
def test_each_todo_counts_exactly_the_contracts_due_in_the_users_area(contracts, contract_world, role):
    todos = contract_todos(contract_world.users[role], include_empty=True)
    assert set(todos) == set(KEYS)
    for key, (names, urgency) in EXPECTED[role].items():
        assert (todos[key].count, todos[key].urgency) == (len(names), urgency), key
    assert todos["contracts.expiring"].label == "30天内期满的集体合同"


def test_a_todo_with_nothing_to_do_is_left_off_the_list(contracts, contract_world):
    assert list(contract_todos(contract_world.officer)) == [
        "contracts.awaiting_answer",
        "contracts.to_send",
        "contracts.to_renew",
    ]


@pytest.mark.parametrize("role", ["chair", "officer", "county", "chair_b"])
def test_each_todos_link_lists_exactly_the_contracts_it_counts(contracts, contract_world, client_for, role):
    user = contract_world.users[role]
    client = client_for(user)
    for key, todo in contract_todos(user, include_empty=True).items():
        assert todo.url.endswith(f"?due={DUE[key]}")
        names = EXPECTED[role][key][0]
        assert listed(client.get(todo.url)) == {contracts[name].number for name in names}, key


def test_a_day_later_the_deadlines_have_moved_on(contracts, contract_world):
    """16 June: the answer and the sending due yesterday are overdue for the officer; the renewal
    window that opened tomorrow is open; the term ending in 31 days ends in 30."""
    with time_machine.travel(at(2026, 6, 16, 0, 30), tick=False):
        officer = contract_todos(contract_world.officer, include_empty=True)
        chair = contract_todos(contract_world.chair, include_empty=True)
    assert officer["contracts.awaiting_answer"].urgency == "urgent"
    assert officer["contracts.to_send"].urgency == "urgent"
    assert chair["contracts.to_renew"].count == 4  # renewal_opens_tomorrow joined
    assert chair["contracts.expiring"].count == 2  # expires_in_31_days joined


def test_a_user_without_the_contract_permission_has_none_of_these_todos(contracts, contract_world):
    assert contract_todos(contract_world.users["norole"], include_empty=True) == {}


# --- queries ---------------------------------------------------------------------------------------


def _more(w, count):
    """`count` more contracts of township A with something due, of every to-do."""
    for index in range(count):
        match index % 4:
            case 0:
                make_contract(user=w.chair, union=w.tree["union_a"], enterprise=w.ent_a, on=day(-index - 1))
            case 1:
                make_contract(
                    user=w.chair,
                    union=w.regional_a,
                    covered=[w.small_a1],
                    step="signed",
                    on=requested_with_sending_due(-index),
                )
            case 2:
                in_force_until(w, day(20 + index), union=w.joint_a, covered=[w.small_a2])
            case 3:
                in_force_until(w, day(60 + index), union=w.tree["union_a"], enterprise=w.ent_a)


# The user's permissions (one statement, then cached on the user for every app's to-dos); then
# every app's to-dos counted together in one statement.
TODO_QUERIES = 2


@pytest.mark.parametrize("role", ["chair", "officer", "county"])
def test_the_todos_cost_the_same_queries_with_10_or_40_more_contracts(
    contracts, contract_world, role, django_assert_num_queries
):
    counts = []
    for more in (10, 30):
        _more(contract_world, more)
        # A fresh user each time: the permission cache of the row would hide the queries.
        user = get_user_model().objects.select_related("org_unit").get(pk=contract_world.users[role].pk)
        with django_assert_num_queries(TODO_QUERIES):
            todos = contract_todos(user)
        counts.append(sum(todo.count for todo in todos.values()))
    assert counts[1] > counts[0]  # the second size counted more rows, in as many queries
