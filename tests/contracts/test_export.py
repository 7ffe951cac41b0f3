"""The contract export: exactly the rows the list shows under the same filters, the columns the
county reads, and a bad filter refused instead of exporting the whole scope."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.core.exports import INVALID_FILTER_MESSAGE
from tests.contracts import test_list as listing
from tests.contracts.test_list import LIST, numbers, search

# The list's fixtures: its four contracts, at its frozen time.
contracts = listing.contracts
frozen = listing.frozen

EXPORT = reverse("contracts:contract_export")

pytestmark = pytest.mark.django_db


def sheet(response) -> tuple[list, list[tuple]]:
    assert response.status_code == 200, response
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).active.iter_rows(values_only=True))
    return list(rows[0]), rows[1:]


@pytest.mark.parametrize(
    "params",
    [{}, {"kind": "wage"}, {"scope": "regional"}, {"due": "answer"}, {"due": "renewal"}, {"expiring": "30"}],
)
def test_the_export_is_exactly_the_filtered_list(contracts, contract_world, client_for, params):
    client = client_for(contract_world.county)
    shown = {row.record.number for row in client.get(LIST, params).context["table"].paginated_rows}
    _header, rows = sheet(client.get(EXPORT, params))
    assert {row[0] for row in rows} == shown
    assert len(rows) == len(shown)


def test_the_export_has_the_columns_the_county_reads(contracts, contract_world, client_for):
    header, rows = sheet(client_for(contract_world.county).get(EXPORT, {"kind": "wage"}))
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    contract = contracts["send_overdue"]
    assert len(header) == 25
    values = set(rows[0])
    assert contract.number in values and contract.union.name in values and contract.enterprise.name in values
    assert contract.workers_covered in values
    assert any(hasattr(value, "year") and value.date() == contract.signed_on for value in values if value), row


def test_a_searched_export_is_the_search(contracts, contract_world, client_for):
    client = client_for(contract_world.county)
    page = search(client, "小五金")
    query = page.request["QUERY_STRING"]
    _header, rows = sheet(client.get(f"{EXPORT}?{query}"))
    assert {row[0] for row in rows} == numbers(contracts, "answer_overdue")


def test_a_chair_exports_their_township_only(contracts, contract_world, client_for):
    _header, rows = sheet(client_for(contract_world.chair).get(EXPORT))
    assert {row[0] for row in rows} == numbers(contracts, "requested", "answer_overdue", "in_force")


@pytest.mark.parametrize("params", [{"township": "abc"}, {"expiring": "0"}, {"kind": "bogus"}])
def test_a_bad_filter_is_refused_not_exported_as_the_whole_scope(contracts, contract_world, client_for, params):
    response = client_for(contract_world.county).get(EXPORT, params, follow=True)
    assert response.redirect_chain and response.redirect_chain[-1][0].startswith(LIST)
    assert INVALID_FILTER_MESSAGE in response.content.decode()
