"""Every list page and every list export runs an exact number of queries, the same at 3 rows
and at 30, as county staff and as a township chair (Zulip's assert_database_query_count).

A number here changes only with the page: when a change adds a query on purpose, update it
(the failure lists the queries); a number that grows with the rows is an N+1 to fix.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import (
    ComplaintFactory,
    EnterpriseFactory,
    MeetingFactory,
    MemberFactory,
    NotificationFactory,
    OrgUnitFactory,
    RosterImportFactory,
    TransferFactory,
)


@dataclass(frozen=True)
class ListPage:
    name: str
    add: Callable  # add(world, n): n more rows that both the county and the chair see
    county: int  # queries for county staff
    chair: int  # queries for township A's chair
    per_page: int = 50

    def __str__(self):
        return self.name


def _units(world, n):
    for _ in range(n):
        OrgUnitFactory(parent=world.tree["a"], kind="enterprise")


def _enterprises(world, n):
    for _ in range(n):
        EnterpriseFactory(township=world.tree["a"])


def _meetings(world, n):
    for _ in range(n):
        MeetingFactory(org_unit=world.tree["union_a"], user=world.users["county"])


def _members(world, n):
    # Each with a 工作单位 and coded 民族/文化程度/政治面貌: the list and the export show their
    # names and labels, from the rows' own query.
    from apps.branches.models import Enterprise

    workplace = Enterprise.objects.filter(union=world.tree["union_a"]).first() or EnterpriseFactory(
        township=world.tree["a"], union=world.tree["union_a"]
    )
    for _ in range(n):
        MemberFactory(
            union=world.tree["union_a"], workplace=workplace, ethnicity="03", education="20", political_status="01"
        )


def _enrolment_problems(world, n):
    for _ in range(n):  # a union with a member and no covered enterprise: more members than employees
        union = OrgUnitFactory(parent=world.tree["a"], kind="village")
        MemberFactory(union=union)
        EnterpriseFactory(township=world.tree["a"], union=OrgUnitFactory(parent=world.tree["a"]), employee_count=3)


def _transfers(world, n):
    for _ in range(n):
        member = MemberFactory(union=world.tree["union_a"])
        TransferFactory(user=world.users["chair"], member=member, to_union=world.tree["union_b"])


def _imports(world, n):
    for _ in range(n):
        RosterImportFactory(user=world.users["chair"], union=world.tree["union_a"])


def _complaints(world, n):
    enterprise = EnterpriseFactory(township=world.tree["a"])
    for _ in range(n):
        ComplaintFactory(user=world.users["chair"], enterprise=enterprise)


def _notifications(world, n):
    for _ in range(n):
        for role in ("county", "chair"):
            NotificationFactory(recipient=world.users[role])


PAGES = [
    ListPage("branches:orgunit_list", _units, county=6, chair=6),  # the township filter's choices
    ListPage("branches:orgunit_export", _units, county=7, chair=7),
    ListPage("branches:union_list", _units, county=6, chair=6),
    ListPage("branches:union_export", _units, county=7, chair=7),
    ListPage("branches:enterprise_list", _enterprises, county=6, chair=6),
    ListPage("branches:enterprise_export", _enterprises, county=7, chair=7),
    ListPage("branches:meeting_list", _meetings, county=6, chair=6),
    ListPage("branches:meeting_export", _meetings, county=7, chair=7),
    ListPage("members:member_list", _members, county=6, chair=7),
    ListPage("members:member_export", _members, county=7, chair=7),
    ListPage("members:transfer_list", _transfers, county=6, chair=6),
    ListPage("members:enrolment_problems", _enrolment_problems, county=7, chair=7),
    ListPage("members:import_upload", _imports, county=5, chair=5),
    ListPage("complaints:complaint_list", _complaints, county=7, chair=8),
    ListPage("complaints:complaint_export", _complaints, county=7, chair=7),
    ListPage("core:notification_list", _notifications, county=5, chair=5, per_page=25),
]


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES, ids=str)
def test_a_list_costs_the_same_queries_at_3_and_at_30_rows(page, world, django_assert_num_queries):
    """County staff and township A's chair, each with a client of their own, on the same rows."""
    clients = {}
    for role in ("county", "chair"):
        clients[role] = Client()
        clients[role].force_login(world.users[role])
    url = reverse(page.name)
    page.add(world, 3)
    for role, client in clients.items():
        assert client.get(url).status_code == 200  # warms the session and the caches
        with django_assert_num_queries(getattr(page, role)):
            assert client.get(url).status_code == 200
    page.add(world, 27)
    # A first page that is not full is its own count (apps.core.pagination); once it is full, one
    # capped count query is added, and that stays so at any size (tests/bench/test_measure.py).
    counted = 1 if 30 > page.per_page and not page.name.endswith("_export") else 0
    for role, client in clients.items():
        with django_assert_num_queries(getattr(page, role) + counted):
            assert client.get(url).status_code == 200
