"""Big lists cost the same at any size: the count stops at the cap and no page lies beyond it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.models import Notification
from apps.core.pagination import CappedCountPaginator
from tests.members.conftest import add_members


class SmallCap(CappedCountPaginator):
    count_cap = 3


@pytest.fixture
def notifications(county_user):
    Notification.objects.bulk_create(Notification(recipient=county_user, title=f"n{i}") for i in range(5))
    return Notification.objects.filter(recipient=county_user).order_by("-created_at", "-id")


def test_count_stops_at_the_cap_without_sorting(notifications):
    paginator = SmallCap(notifications, 2)
    with CaptureQueriesContext(connection) as captured:
        assert paginator.count == 3
    assert paginator.count_is_capped
    sql = captured.captured_queries[0]["sql"]
    assert "LIMIT 4" in sql
    assert "ORDER BY" not in sql
    # The third row is the last one served; the fourth and fifth lie past the cap.
    assert paginator.num_pages == 2
    assert [n.title for n in paginator.page(2).object_list] == ["n2"]


def test_small_lists_give_the_exact_count(notifications):
    paginator = CappedCountPaginator(notifications, 2)
    assert paginator.count == 5
    assert not paginator.count_is_capped
    assert paginator.num_pages == 3


def test_member_list_says_more_than_instead_of_counting(monkeypatch, client_for, county_user, county_tree):
    monkeypatch.setattr(CappedCountPaginator, "count_cap", 2)
    add_members(county_tree["union_a"], 4, surname="王")
    client = client_for(county_user)
    page = client.get("/members/").content.decode()
    assert "超过 2 条" in page
    assert "4 条" not in page
    # A full first page (one row a page) is counted before the page says how many there are.
    page = client.get("/members/?per_page=1").content.decode()
    assert "超过 2 条" in page
    assert "共 2 条" not in page


def test_page_links_keep_the_filters():
    from django.template import RequestContext, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/complaints/", {"status": "received", "page": "1"})
    template = Template('{% include "includes/pagination.html" %}')
    paginator = CappedCountPaginator(list(range(120)), 50)
    html = template.render(
        RequestContext(request, {"is_paginated": True, "page_obj": paginator.page(1)}),
    )
    assert "status=received" in html
    assert "page=2" in html


def test_a_list_page_never_counts_the_whole_table(client_for, county_user, county_tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    add_members(county_tree["union_a"], 3, surname="李")
    client = client_for(county_user)
    # per_page=1: the first page is full, so the list is counted (a page that is not full is its own count).
    for path in ["/members/", "/branches/enterprises/", "/branches/unions/", "/complaints/"]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{path}?per_page=1").status_code == 200
        sqls = [query["sql"] for query in captured.captured_queries]
        counts = [sql for sql in sqls if "COUNT(" in sql and "notification" not in sql]
        if path in {"/members/", "/branches/unions/"}:  # no enterprise or complaint here: not a full page
            assert any("LIMIT 2001" in sql for sql in counts), path
        assert all(" LIMIT " in sql for sql in counts), (path, counts)
