"""Query strings and form data that used to reach PostgreSQL or the paginator as a server error."""

import pytest
from django.urls import reverse

from apps.core.pagination import MAX_PER_PAGE, CappedCountPaginator

LISTS = [
    "branches:orgunit_list",
    "branches:union_list",
    "branches:enterprise_list",
    "branches:meeting_list",
    "members:member_list",
]


@pytest.mark.parametrize(
    ("asked", "served"),
    [(-1, 50), (0, 50), ("-1", 50), ("abc", 50), ("²", 50), ("١٢", 12), (None, 50), (7, 7), (10**30, MAX_PER_PAGE)],
)
def test_the_paginator_serves_a_plausible_page_size(asked, served):
    assert CappedCountPaginator(list(range(300)), asked).per_page == served


def test_every_table_list_survives_a_negative_page_size(client_for, county_user):
    """per_page=-1 sliced the rows backwards, a 500 on every list (tests/core/test_hostile_input.py tries the rest)."""
    client = client_for(county_user)
    client.raise_request_exception = False
    for name in LISTS:
        response = client.get(reverse(name), {"per_page": "-1"})
        assert response.status_code == 200, name


def test_a_nul_byte_in_the_complaint_filters_is_a_400_in_chinese(client_for, county_user):
    client = client_for(county_user)
    client.raise_request_exception = False
    for params in [{"status": "\x00"}, {"category": "punishment\x00"}, {"q\x00": "x"}, {"from": "2026-01-01\x00"}]:
        response = client.get(reverse("complaints:complaint_list"), params)
        assert response.status_code == 400, params
        assert "不允许的字符" in response.content.decode()


def test_a_nul_byte_in_a_form_field_is_a_400_and_saves_nothing(client_for, county_user, county_tree):
    from apps.branches.models import OrgUnit

    client = client_for(county_user)
    client.raise_request_exception = False
    unit = county_tree["a"]
    response = client.post(reverse("branches:orgunit_update", args=[unit.pk]), {"name": "白塔\x00埠", "code": ""})
    assert response.status_code == 400
    assert OrgUnit.objects.get(pk=unit.pk).name == unit.name


@pytest.mark.django_db
def test_a_nul_byte_in_the_session_cookie_is_a_400_not_a_database_error(client):
    client.raise_request_exception = False
    client.cookies["sessionid"] = "a" * 20 + "\x00" + "b" * 11
    response = client.get(reverse("overview:home"))
    assert response.status_code == 400


def test_a_nul_byte_in_the_admin_search_is_a_400(admin_client):
    admin_client.raise_request_exception = False
    response = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": "\x00"})
    assert response.status_code == 400
