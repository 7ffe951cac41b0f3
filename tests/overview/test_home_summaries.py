"""The home page's key figures: counted by the Celery refresh, scoped, cheap to show."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.branches.services import orgunit_create
from apps.members.services import member_create
from apps.overview.models import UnitSummary
from apps.overview.services import unit_summaries_refresh
from apps.overview.tasks import refresh_unit_summaries
from tests.complaints.conftest import factories, register  # noqa: F401 - fixtures
from tests.members.conftest import make_id


@pytest.fixture
def counted(county_tree, register):  # noqa: F811
    for serial, (union, hardship) in enumerate(
        [(county_tree["union_a"], True), (county_tree["union_a"], False), (county_tree["union_b"], False)]
    ):
        member_create(
            user=None,
            union=union,
            real_name=f"李{serial}",
            id_number=make_id(serial=f"{serial:03d}"),
            join_date=datetime.date(2021, 5, 1),
            employment_form="regular",
            hardship=hardship,
        )
    register(timezone.now() - datetime.timedelta(days=1))
    overdue = register(timezone.now() - datetime.timedelta(days=10))
    overdue.is_overdue = True
    overdue.save(update_fields=["is_overdue"])
    return county_tree


def test_refresh_counts_each_township_and_rolls_up_to_the_county(counted):
    unit_summaries_refresh()
    county = UnitSummary.objects.get(unit=counted["county"])
    township_a = UnitSummary.objects.get(unit=counted["a"])
    township_b = UnitSummary.objects.get(unit=counted["b"])
    assert (township_a.members_active, township_a.members_hardship) == (2, 1)
    assert (township_b.members_active, township_b.members_hardship) == (1, 0)
    assert (county.members_active, county.members_hardship) == (3, 1)
    assert (township_a.complaints_open, township_a.complaints_overdue) == (2, 1)
    assert county.complaints_open == 2
    # Grassroots unions get no summary of their own: the list pages show them.
    assert not UnitSummary.objects.filter(unit=counted["union_a"]).exists()


def test_refresh_twice_replaces_the_figures_instead_of_adding(counted):
    refresh_unit_summaries.delay()
    first = list(UnitSummary.objects.order_by("unit_id").values_list("unit_id", "members_active"))
    refresh_unit_summaries.delay()
    assert list(UnitSummary.objects.order_by("unit_id").values_list("unit_id", "members_active")) == first


def test_county_staff_see_every_township_and_a_chair_only_their_own(counted, client_for, county_user, chair_a):
    unit_summaries_refresh()
    county_page = client_for(county_user).get(reverse("overview:home")).content.decode()
    assert "白塔埠镇总工会" in county_page and "平明镇总工会" in county_page
    assert 'data-testid="members-active">3<' in county_page
    chair_page = client_for(chair_a).get(reverse("overview:home")).content.decode()
    assert 'data-testid="members-active">2<' in chair_page
    assert "平明镇总工会" not in chair_page


def test_home_page_costs_the_same_with_many_townships(counted, client_for, county_user, django_assert_num_queries):
    client = client_for(county_user)
    client.get(reverse("overview:home"))
    unit_summaries_refresh()
    with django_assert_num_queries(10):  # with the to-dos and rates: tests/overview/test_home_registries.py
        small = client.get(reverse("overview:home"))
    for index in range(30):
        orgunit_create(user=None, parent=counted["county"], name=f"新镇{index}", kind="township")
    unit_summaries_refresh()
    with django_assert_num_queries(10):
        big = client.get(reverse("overview:home"))
    assert small.status_code == big.status_code == 200
    assert big.content.decode().count("新镇") == 30


def test_before_the_first_count_the_page_says_so(county_tree, client_for, county_user):
    page = client_for(county_user).get(reverse("overview:home")).content.decode()
    assert 'data-testid="summary-refreshed"' in page
    assert 'data-testid="members-active"' not in page


def test_members_of_a_dissolved_union_are_not_counted(counted):
    union = counted["union_b"]
    union.archived_at = timezone.now()
    union.save(update_fields=["archived_at"])
    unit_summaries_refresh()
    assert UnitSummary.objects.get(unit=counted["b"]).members_active == 0
    assert UnitSummary.objects.get(unit=counted["county"]).members_active == 2


def test_an_officer_is_not_told_the_figures_are_missing(counted, client_for, officer_a):
    unit_summaries_refresh()
    page = client_for(officer_a).get(reverse("overview:home")).content.decode()
    assert "尚未生成" not in page
    assert 'data-testid="members-active"' not in page
