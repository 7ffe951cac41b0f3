"""The contracts panels on other apps' pages: the union page (a grassroots union's contracts, a
township's 签订率) and the enterprise page (its contracts, 尚未签订集体合同 with the button);
shown only with contracts.view_contract, scoped, in a constant number of queries."""

import pytest
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse

from apps.contracts.panels import enterprise_panel, orgunit_panel
from tests.contracts.coverage_world import coverage_county_fixture, make_contract  # noqa: F401 - fixture
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db

CREATE = reverse("contracts:contract_create")


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def _page(client, obj):
    response = client.get(obj.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_townships_page_shows_its_coverage_with_links(coverage_county, client_for, chair_a):
    tree = coverage_county["tree"]
    page = _page(client_for(chair_a), tree["a"])
    panel = page[page.index('data-testid="coverage-panel"') :]
    assert "75%" in panel[: panel.index("</strong>")]
    assert f"/contracts/coverage/enterprises/?township={tree['a'].pk}&amp;covered=none" in panel


def test_a_unions_page_lists_its_contracts_and_offers_the_request(coverage_county, client_for, county_user):
    joint = coverage_county["joint_a"]
    contracts = coverage_county["contracts"]
    page = _page(client_for(county_user), joint)
    panel = page[page.index('data-testid="contracts-panel"') :]
    for key in ("own_wage", "expired", "submitted"):
        assert contracts[key].number in panel
    assert contracts["own_comprehensive"].number not in panel  # union_a's, not the joint union's
    assert f'href="{CREATE}?union={joint.pk}"' in panel


def test_the_enterprise_page_shows_the_contracts_covering_it(coverage_county, client_for, chair_a):
    e = coverage_county["enterprises"]
    contracts = coverage_county["contracts"]
    page = _page(client_for(chair_a), e["regional"])
    panel = page[page.index('data-testid="contracts-panel"') :]
    assert 'data-testid="contract-covered"' in panel
    assert contracts["regional"].number in panel
    assert 'data-testid="contract-create"' not in panel


def test_an_uncovered_unionised_enterprise_says_so_with_the_button(coverage_county, chair_a, officer_a):
    e = coverage_county["enterprises"]
    html = enterprise_panel(_request(chair_a), e["expired"])  # only an expired and a pending contract
    assert 'data-testid="contract-missing"' in html
    assert coverage_county["contracts"]["expired"].number in html
    # Without a union, no contract to sign yet: neither the finding nor the button.
    html = enterprise_panel(_request(chair_a), e["no_union"])
    assert 'data-testid="contract-missing"' not in html
    assert 'data-testid="contract-create"' not in html


def test_the_button_links_to_the_request_form_for_the_enterprise(coverage_county, chair_a):
    e = coverage_county["enterprises"]
    html = enterprise_panel(_request(chair_a), e["expired"])
    assert f'href="{CREATE}?enterprise={e["expired"].pk}"' in html


def test_panels_need_the_view_permission(coverage_county, county_tree):
    e = coverage_county["enterprises"]
    norole = UserFactory(org_unit=county_tree["a"])
    assert enterprise_panel(_request(norole), e["regional"]) is None
    assert orgunit_panel(_request(norole), county_tree["a"]) is None
    norole.user_permissions.add(Permission.objects.get(codename="view_contract"))
    norole = type(norole).objects.get(pk=norole.pk)  # permissions are cached per user object
    assert enterprise_panel(_request(norole), e["regional"]) is not None
    # Without add_contract: the finding, but no button.
    html = enterprise_panel(_request(norole), e["expired"])
    assert 'data-testid="contract-missing"' in html and 'data-testid="contract-create"' not in html


def test_a_chair_does_not_see_a_contract_outside_their_township_but_the_enterprise_counts_covered(
    coverage_county, county_user, chair_a
):
    tree = coverage_county["tree"]
    # A county-wide industry union's contract covering 白塔纺织: the county's, not the chair's.
    e = coverage_county["enterprises"]
    industry = make_contract(
        union=tree["county"],
        township=None,
        enterprises=[e["expired"]],
        recorded_by=county_user,
        scope="industry",
    )
    html = enterprise_panel(_request(chair_a), e["expired"])
    assert industry.number not in html
    assert 'data-testid="contract-covered-elsewhere"' in html
    assert 'data-testid="contract-create"' not in html
    assert industry.number in enterprise_panel(_request(county_user), e["expired"])


def test_panels_cost_the_same_queries_with_many_contracts(coverage_county, county_user, django_assert_num_queries):
    from apps.branches.models import Enterprise

    tree = coverage_county["tree"]
    joint = coverage_county["joint_a"]
    e = {
        "regional": Enterprise.objects.select_related("township", "union").get(
            pk=coverage_county["enterprises"]["regional"].pk
        ),
        "own_wage": coverage_county["enterprises"]["own_wage"],
    }
    request = _request(county_user)
    # The page around a panel has already read the permissions and the unread count (context processor).
    orgunit_panel(request, joint)
    with django_assert_num_queries(1):
        orgunit_panel(request, joint)
    with django_assert_num_queries(1):
        orgunit_panel(request, tree["a"])
    with django_assert_num_queries(1):
        enterprise_panel(request, e["regional"])
    for _ in range(5):
        make_contract(
            union=joint,
            township=tree["a"],
            enterprises=[e["regional"], e["own_wage"]],
            recorded_by=county_user,
            scope="regional",
        )
        EnterpriseFactory(township=tree["a"], union=joint)
    with django_assert_num_queries(1):
        orgunit_panel(request, joint)
    with django_assert_num_queries(1):
        orgunit_panel(request, tree["a"])
    with django_assert_num_queries(1):
        enterprise_panel(request, e["regional"])
