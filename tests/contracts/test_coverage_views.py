"""The 签订率 page and the list behind its numbers: the known answer on screen, every number linked
to a list of exactly that many enterprises, scoped, the year, the export, constant query counts."""

import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.contracts.coverage_world import coverage_county_fixture, make_contract  # noqa: F401 - fixture
from tests.factories import EnterpriseFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db

CELLS = ("unionised", "covered", "none", "comprehensive", "wage", "women", "wage-missing", "women-missing")


def _row_links(page: str, testid: str) -> dict:
    html = page[page.index(f'data-testid="{testid}"') :]
    html = html[: html.index("</tr>")]
    links = {}
    for href, name, text in re.findall(
        r'<a href="([^"]+)"\s*(?:class="[^"]*"\s*)?data-testid="coverage-([\w-]+)">([^<]*)</a>', html
    ):
        links[name] = (href.replace("&amp;", "&"), text)
    rate = re.search(r'data-testid="coverage-rate">\s*([^<]*?)\s*</td>', html).group(1)
    return {"links": links, "rate": rate}


def _listed(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200
    assert not response.context["filter"].errors, response.context["filter"].errors
    return response.context["table"].paginator.count


def test_the_page_shows_the_known_answer_per_township(coverage_county, client_for, county_user):
    tree = coverage_county["tree"]
    page = client_for(county_user).get(reverse("contracts:coverage")).content.decode()
    a = _row_links(page, f"coverage-row-{tree['a'].pk}")
    assert a["rate"] == "75%"
    assert {name: text for name, (_href, text) in a["links"].items() if name in CELLS} == {
        "unionised": "4",
        "covered": "3",
        "none": "1",
        "comprehensive": "2",
        "wage": "1",
        "women": "0",
        "wage-missing": "3 家未签",
        "women-missing": "4 家未签",
    }
    b = _row_links(page, f"coverage-row-{tree['b'].pk}")
    assert b["rate"] == "0%"
    total = _row_links(page, "coverage-row-total")
    assert total["rate"] == "50%"
    assert "集体合同签订率" in page
    assert "签订率 = 2026-06-15 有生效集体合同覆盖的已建会企业数" in page  # how it is counted
    # The workers' cell is two numbers ("80 / 140"): the header and its tooltip say which.
    assert "覆盖职工 / 职工总数" in page and 'title="已覆盖企业的职工人数 / 已建会企业的职工总数"' in page


@pytest.mark.parametrize("role", ["county", "chair"])
def test_every_number_links_to_a_list_of_exactly_that_many_enterprises(
    coverage_county, client_for, county_user, chair_a, role
):
    user = {"county": county_user, "chair": chair_a}[role]
    client = client_for(user)
    response = client.get(reverse("contracts:coverage"))
    page = response.content.decode()
    rows = [f"coverage-row-{row['township'].pk}" for row in response.context["rows"]]
    assert len(rows) == {"county": 2, "chair": 1}[role]
    if role == "county":
        rows.append("coverage-row-total")
    checked = 0
    for testid in rows:
        for name, (href, text) in _row_links(page, testid)["links"].items():
            if name in CELLS:
                assert _listed(client, href) == int(text.split()[0]), (testid, name, href)
                checked += 1
    assert checked >= 6 * len(rows)


def test_a_chair_sees_only_their_township(coverage_county, client_for, chair_a):
    tree = coverage_county["tree"]
    client = client_for(chair_a)
    page = client.get(reverse("contracts:coverage")).content.decode()
    assert tree["a"].name in page and tree["b"].name not in page
    listed = client.get(reverse("contracts:coverage_enterprises")).content.decode()
    assert "白塔化工" in listed and "平明石英" not in listed
    # Township B's id in the link is no choice of the chair's: the filter refuses it, no rows.
    response = client.get(reverse("contracts:coverage_enterprises"), {"township": tree["b"].pk})
    assert response.context["filter"].errors and "平明石英" not in response.content.decode()


def test_a_past_year_is_counted_on_its_last_day_and_its_links_keep_the_year(coverage_county, client_for, county_user):
    tree = coverage_county["tree"]
    client = client_for(county_user)
    page = client.get(reverse("contracts:coverage"), {"year": 2024}).content.decode()
    a = _row_links(page, f"coverage-row-{tree['a'].pk}")
    assert a["rate"] == "25%"
    href, text = a["links"]["covered"]
    assert "year=2024" in href and text == "1"
    listed = client.get(href).content.decode()
    assert "白塔纺织" in listed and "白塔化工" not in listed
    assert "2024-12-31" in page


def test_an_unknown_year_shows_the_current_one(coverage_county, client_for, county_user):
    response = client_for(county_user).get(reverse("contracts:coverage"), {"year": "1e9"})
    assert response.status_code == 200
    assert response.context["day"].isoformat() == "2026-06-15"


def test_an_officer_is_sent_to_their_unions_enterprises(coverage_county, client_for, officer_a):
    client = client_for(officer_a)
    page = client.get(reverse("contracts:coverage")).content.decode()
    assert 'data-testid="coverage-no-townships"' in page
    listed = client.get(reverse("contracts:coverage_enterprises")).content.decode()
    assert "白塔化工" in listed and "白塔建材" not in listed


def test_the_list_shows_each_enterprises_contracts_in_force(coverage_county, client_for, county_user):
    contracts = coverage_county["contracts"]
    page = client_for(county_user).get(reverse("contracts:coverage_enterprises")).content.decode()
    assert contracts["regional"].number in page
    assert contracts["expired"].number not in page  # expired: not in force today
    assert "尚未签订" in page


def test_the_export_holds_exactly_the_filtered_rows(coverage_county, client_for, county_user):
    tree = coverage_county["tree"]
    client = client_for(county_user)
    response = client.get(
        reverse("contracts:coverage_enterprises_export"), {"township": tree["a"].pk, "covered": "any"}
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert sorted(row[0] for row in rows) == sorted(["白塔化工", "白塔建材", "白塔五金"])
    regional = next(row for row in rows if row[0] == "白塔五金")
    assert coverage_county["contracts"]["regional"].number in regional[-1]


def _grow(tree, county_user, size):
    for index in range(size):
        township = OrgUnitFactory(parent=tree["county"], kind="township", name=f"扩展镇{size}-{index}")
        union = OrgUnitFactory(parent=township, kind="joint", name=f"扩展镇{size}-{index}联合工会")
        enterprises = [EnterpriseFactory(township=township, union=union) for _ in range(2)]
        make_contract(
            union=union, township=township, enterprises=enterprises, recorded_by=county_user, scope="regional"
        )
        make_contract(
            union=union,
            township=township,
            enterprises=enterprises[:1],
            recorded_by=county_user,
            kind="wage",
            scope="regional",
        )


@pytest.mark.parametrize("name", ["contracts:coverage", "contracts:coverage_enterprises"])
def test_the_pages_cost_the_same_number_of_queries_at_two_sizes(coverage_county, client_for, county_user, name):
    client = client_for(county_user)
    client.get(reverse(name))  # the session's first request writes it
    counts = []
    for size in (2, 12):
        _grow(coverage_county["tree"], county_user, size)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse(name))
        assert response.status_code == 200
        counts.append(len(captured))
    # The same seven at both sizes: the session, the user, the permissions and the base page's own,
    # then coverage: townships, the enterprise counts, the contract counts; the list: its township
    # choices, the count, the page and the page's contracts in force (one prefetch).
    assert counts == [7, 7]
