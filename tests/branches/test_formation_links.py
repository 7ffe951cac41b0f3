"""Every figure of the formation-rate page links to the enterprise list behind it, and that list
shows exactly as many rows; the filters the links use refuse what they cannot take."""

import re

import pytest
from django.urls import reverse

from apps.branches.models import OrgUnit
from tests.factories import EnterpriseFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def enterprises(county_tree):
    tree = county_tree
    pending = OrgUnitFactory(parent=tree["a"], kind="joint", name="待批联合工会")
    OrgUnit.objects.filter(pk=pending.pk).update(status="pending")
    EnterpriseFactory(township=tree["a"], union=tree["union_a"], employee_count=30)
    EnterpriseFactory(township=tree["a"], union=pending, employee_count=60)
    EnterpriseFactory(township=tree["a"], union=pending, employee_count=26)
    EnterpriseFactory(township=tree["a"], employee_count=25)
    EnterpriseFactory(township=tree["a"], employee_count=24)  # too small: not counted
    EnterpriseFactory(township=tree["b"], union=tree["union_b"], employee_count=100)
    EnterpriseFactory(township=tree["b"], employee_count=40)
    return tree


def _rows(client, url):
    response = client.get(url.replace("&amp;", "&"))
    assert response.status_code == 200
    assert not response.context["filter"].errors, response.context["filter"].errors
    return len(response.context["table"].page.object_list)


@pytest.mark.parametrize("role", ["county", "chair"])
def test_every_figure_links_to_the_list_of_exactly_those_enterprises(
    enterprises, client_for, county_user, chair_a, role
):
    user = {"county": county_user, "chair": chair_a}[role]
    client = client_for(user)
    response = client.get(reverse("branches:formation_rate"))
    page = response.content.decode()
    rows = {f"formation-row-{row['township'].pk}": row for row in response.context["rows"]}
    rows["formation-row-total"] = {key: response.context[key] for key in ("total", "unionised", "pending")}
    assert len(rows) == {"county": 3, "chair": 2}[role]
    for testid, row in rows.items():
        html = page[page.index(f'data-testid="{testid}"') :]
        html = html[: html.index("</tr>")]
        links = dict(
            (name, (href, int(text) if text.isdigit() else None))
            for href, name, text in re.findall(r'<a href="([^"]+)" data-testid="formation-(\w+)">([^<]*)</a>', html)
        )
        assert _rows(client, links["total"][0]) == row["total"] == links["total"][1]
        assert _rows(client, links["unionised"][0]) == row["unionised"] == links["unionised"][1]
        if row["pending"]:
            assert _rows(client, links["pending"][0]) == row["pending"] == links["pending"][1]
        without = row["total"] - row["unionised"] - row["pending"]
        if without:
            assert _rows(client, links["without"][0]) == without
        else:
            assert "without" not in links
    township_a = rows[f"formation-row-{enterprises['a'].pk}"]
    assert (township_a["total"], township_a["unionised"], township_a["pending"]) == (4, 1, 2)


@pytest.mark.parametrize(
    "query",
    [
        {"union_status": "approvedx"},
        {"union_status": "rejected"},
        {"union": "abc"},
        {"union": "1e9"},
        {"union": "²"},
        {"union": "99999999999999999999"},
        {"union": "-3"},
    ],
)
def test_a_value_the_new_filters_cannot_take_is_named_on_the_form(enterprises, client_for, county_user, query):
    response = client_for(county_user).get(reverse("branches:enterprise_list"), query)
    assert response.status_code == 200
    assert response.context["filter"].errors
    assert len(response.context["table"].page.object_list) == 0


def test_the_union_filter_lists_the_enterprises_one_union_covers_in_the_users_area(enterprises, client_for, chair_a):
    client = client_for(chair_a)
    url = reverse("branches:enterprise_list")
    assert _rows(client, f"{url}?union={enterprises['union_a'].pk}") == 1
    assert _rows(client, f"{url}?union={enterprises['union_b'].pk}") == 0  # township B's union
