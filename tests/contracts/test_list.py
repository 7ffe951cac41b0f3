"""The contract list: every filter and value, the search, bad values refused in Chinese, the
enterprise links of the coverage panels, and an exact query count that does not grow with the rows."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from apps.contracts.choices import ContractKind, ContractScope
from apps.contracts.models import Contract
from tests.contracts.factories import make_contract

LIST = reverse("contracts:contract_list")
SH = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=SH)
TODAY = NOW.date()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def days(n):
    return TODAY - datetime.timedelta(days=n)


def listed(response) -> set[str]:
    assert response.status_code == 200
    return {row.record.number for row in response.context["table"].paginated_rows}


@pytest.fixture
def contracts(contract_world):
    """One contract at each place on the clock, in townships A and B."""
    w = contract_world
    return {
        # Requested 3 days ago: the answer is due in 17 days.
        "requested": make_contract(user=w.chair, union=w.tree["union_a"], enterprise=w.ent_a, on=days(3)),
        # A regional request 30 days old: the answer is 10 days overdue.
        "answer_overdue": make_contract(
            user=w.chair,
            union=w.regional_a,
            covered=[w.small_a1],
            on=days(30),
            employer_representative="白塔埠镇工业园区企业联合会",
        ),
        # Signed 15 days ago (request + 25): the sending was due 5 days ago. Township B, wages.
        "send_overdue": make_contract(
            user=w.chair_b,
            union=w.tree["union_b"],
            enterprise=w.ent_b,
            step="signed",
            on=days(40),
            kind=ContractKind.WAGE,
        ),
        # In force, a 12-month term ending in about 20 days: in the renewal window, expiring soon.
        "in_force": make_contract(
            user=w.chair,
            union=w.joint_a,
            covered=[w.small_a2],
            step="in_force",
            on=days(370),
            term_months=12,
            kind=ContractKind.WOMEN,
        ),
    }


def numbers(contracts, *names) -> set[str]:
    return {contracts[name].number for name in names}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ("requested", "answer_overdue", "send_overdue", "in_force")),
        ({"kind": "wage"}, ("send_overdue",)),
        ({"kind": "women"}, ("in_force",)),
        ({"kind": "safety"}, ()),
        ({"scope": "regional"}, ("answer_overdue", "in_force")),
        ({"scope": "enterprise"}, ("requested", "send_overdue")),
        ({"scope": "industry"}, ()),
        ({"status": "requested"}, ("requested", "answer_overdue")),
        ({"status": "signed"}, ("send_overdue",)),
        ({"status": "in_force"}, ("in_force",)),
        ({"status": "closed"}, ()),
        ({"due": "answer"}, ("requested", "answer_overdue")),
        ({"due": "answer_overdue"}, ("answer_overdue",)),
        ({"due": "send"}, ("send_overdue",)),
        ({"due": "send_overdue"}, ("send_overdue",)),
        ({"due": "renewal"}, ("in_force",)),
        ({"due": "expiring"}, ("in_force",)),
        ({"expiring": "30"}, ("in_force",)),
        ({"expiring": "365"}, ("in_force",)),
        ({"expiring": "5"}, ()),
    ],
)
def test_each_filter_value_lists_its_contracts(contracts, contract_world, client_for, params, expected):
    response = client_for(contract_world.county).get(LIST, params)
    assert listed(response) == numbers(contracts, *expected)


def test_the_township_and_union_filters(contracts, contract_world, client_for):
    w = contract_world
    client = client_for(w.county)
    a = ("requested", "answer_overdue", "in_force")
    assert listed(client.get(LIST, {"township": w.tree["a"].pk})) == numbers(contracts, *a)
    assert listed(client.get(LIST, {"township": w.tree["b"].pk})) == numbers(contracts, "send_overdue")
    response = client.get(LIST, {"township": w.tree["a"].pk, "union": w.regional_a.pk})
    assert listed(response) == numbers(contracts, "answer_overdue")
    # A chair's union choices are their own township's, the township union itself included.
    form = client_for(w.chair).get(LIST).context["filter"].form
    unions = set(form.fields["union"].queryset)
    assert {w.tree["a"], w.tree["union_a"], w.regional_a, w.joint_a} <= unions
    assert w.tree["union_b"] not in unions


def test_the_enterprise_filter_lists_the_contracts_covering_it(contracts, contract_world, client_for):
    """The coverage panels link to `?enterprise=<id>`: its own contract and the regional ones."""
    w = contract_world
    client = client_for(w.chair)
    assert listed(client.get(LIST, {"enterprise": w.small_a1.pk})) == numbers(contracts, "answer_overdue")
    assert listed(client.get(LIST, {"enterprise": w.ent_a.pk})) == numbers(contracts, "requested")
    # Without the parameter the filter is not on the form (no list of every enterprise).
    assert "enterprise" not in client.get(LIST).context["filter"].form.fields


def search(client, q: str):
    """Search as the form does (POST); the list at the redirect holds a token, not the term."""
    response = client.post(LIST, {"q": q})
    assert response.status_code == 302
    assert q not in response["Location"]
    return client.get(response["Location"])


def test_the_search_finds_number_enterprise_union_and_representative(contracts, contract_world, client_for):
    w = contract_world
    client = client_for(w.county)
    number = contracts["send_overdue"].number
    assert listed(search(client, number)) == {number}
    assert listed(search(client, number.lower())) == {number}
    assert listed(search(client, number[-4:])) >= {number}
    assert listed(search(client, "小五金")) == numbers(contracts, "answer_overdue")  # a covered enterprise
    assert listed(search(client, "化工建材厂")) == numbers(contracts, "requested")  # the enterprise itself
    assert listed(search(client, "平明")) == numbers(contracts, "send_overdue")  # the union
    assert listed(search(client, "企业联合会")) == numbers(contracts, "answer_overdue")  # the representative
    assert listed(search(client, "没有这个名字")) == set()


def test_a_chair_never_sees_another_townships_contracts(contracts, contract_world, client_for):
    w = contract_world
    client = client_for(w.chair)
    assert listed(client.get(LIST)) == numbers(contracts, "requested", "answer_overdue", "in_force")
    assert listed(search(client, contracts["send_overdue"].number)) == set()
    assert listed(client.get(LIST, {"due": "send"})) == set()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "bogus"}, "kind"),
        ({"scope": "城镇"}, "scope"),
        ({"status": "in_force\u200b"}, "status"),
        ({"due": "yesterday"}, "due"),
        ({"township": "abc"}, "township"),
        ({"township": "9" * 40}, "township"),
        ({"union": "-1"}, "union"),
        ({"expiring": "0"}, "expiring"),
        ({"expiring": "99999"}, "expiring"),
        ({"expiring": "2.5"}, "expiring"),
        ({"expiring": "²"}, "expiring"),
        ({"expiring": "9" * 40}, "expiring"),
        ({"enterprise": "0"}, "enterprise"),
    ],
)
def test_bad_filter_values_are_the_forms_chinese_error_and_list_nothing(
    contracts, contract_world, client_for, params, field
):
    response = client_for(contract_world.county).get(LIST, params)
    assert response.status_code == 200
    form = response.context["filter"].form
    assert field in form.errors, form.errors
    message = " ".join(form.errors[field])
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    assert listed(response) == set()


def test_another_townships_union_or_enterprise_is_not_a_choice_for_a_chair(contracts, contract_world, client_for):
    w = contract_world
    client = client_for(w.chair)
    for params, field in (({"union": w.tree["union_b"].pk}, "union"), ({"enterprise": w.ent_b.pk}, "enterprise")):
        response = client.get(LIST, params)
        assert field in response.context["filter"].form.errors
        assert listed(response) == set()
        assert contracts["send_overdue"].number not in response.content.decode()


def test_overdue_rows_are_flagged_and_the_next_deadline_shown(contracts, client_for, contract_world):
    content = client_for(contract_world.county).get(LIST).content.decode()
    assert content.count('<tr class="table-danger') == 2  # the answer and the sending overdue
    assert f"{contracts['requested'].answer_due_on:%Y-%m-%d}" in content
    assert f"{contracts['in_force'].term_end:%Y-%m-%d}" in content


def test_the_list_offers_the_request_button_to_who_may_add(contracts, contract_world, client_for):
    content = client_for(contract_world.chair).get(LIST).content.decode()
    assert reverse("contracts:contract_create") in content


# --- queries ---------------------------------------------------------------------------------------

# The session, the user, their permissions; the page of rows (no count below a page); the
# notifications badge; the township choices; with a township chosen, the township itself (the
# filter's validation, and its path for the union choices) and its unions; a chair's unions.
COUNTY_QUERIES = 6
COUNTY_IN_A_TOWNSHIP_QUERIES = 9
CHAIR_QUERIES = 7


def _many(contract_world, count):
    """`count` contracts of every kind and scope in both townships, at several steps."""
    w = contract_world
    steps = ("requested", "signed", "in_force", "negotiating")
    made = []
    for index in range(count):
        where = "a" if index % 3 else "b"
        step = steps[index % len(steps)]
        user = w.chair if where == "a" else w.chair_b
        if index % 2 and where == "a":
            made.append(
                make_contract(
                    user=user,
                    union=w.regional_a,
                    covered=[w.small_a1, w.small_a2],
                    step=step,
                    on=days(60 + index),
                    kind=ContractKind.WAGE,
                    scope=ContractScope.REGIONAL,
                )
            )
        else:
            enterprise = w.ent_a if where == "a" else w.ent_b
            made.append(
                make_contract(
                    user=user, union=w.tree[f"union_{where}"], enterprise=enterprise, step=step, on=days(60 + index)
                )
            )
    return made


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_an_exact_number_of_queries_at_any_size(
    contract_world, client_for, count, django_assert_num_queries
):
    w = contract_world
    _many(w, count)
    assert Contract.objects.count() == count
    for user, expected, params in (
        (w.county, COUNTY_QUERIES, {}),
        (w.county, COUNTY_IN_A_TOWNSHIP_QUERIES, {"township": w.tree["a"].pk, "status": "in_force"}),
        (w.chair, CHAIR_QUERIES, {"due": "send"}),
    ):
        client = client_for(user)
        client.get(reverse("overview:home"))
        with django_assert_num_queries(expected):
            response = client.get(LIST, params)
        assert response.status_code == 200 and listed(response)
