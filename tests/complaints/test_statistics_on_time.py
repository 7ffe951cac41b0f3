"""投诉统计's 按时答复率: a complaint past its deadline without an answer counts as late, one not yet
due and unanswered is not counted, and the page and the home page's indicator count alike."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.complaints.indicators import answered_on_time
from apps.complaints.models import Complaint
from apps.complaints.selectors import complaint_statistics

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def four_overdue_two_on_time(register):
    """4 overdue without an answer, 2 answered on time, 1 open and not due yet."""
    now = timezone.now()
    for _ in range(4):
        register(now - 20 * DAY)
    answered = [register(now - 20 * DAY) for _ in range(2)]
    Complaint.objects.filter(pk__in=[c.pk for c in answered]).update(status="answered", answered_at=now - 19 * DAY)
    not_due = register(now - 1 * DAY)
    return {"not_due": not_due}


def test_overdue_unanswered_counts_as_late(county_user, four_overdue_two_on_time):
    total = complaint_statistics(user=county_user)["total"]
    assert (total["on_time"], total["due"], total["overdue_unanswered"]) == (2, 6, 4)
    assert total["on_time_percent"] == 33
    (township,) = complaint_statistics(user=county_user)["by_township"]
    assert (township["on_time"], township["due"], township["on_time_percent"]) == (2, 6, 33)


def test_not_yet_due_unanswered_is_not_counted_until_its_deadline(county_user, four_overdue_two_on_time):
    not_due = four_overdue_two_on_time["not_due"]
    assert complaint_statistics(user=county_user)["total"]["due"] == 6
    after = complaint_statistics(user=county_user, now=not_due.due_at + DAY)["total"]
    assert (after["due"], after["overdue_unanswered"], after["on_time_percent"]) == (7, 5, 29)


def test_page_shows_the_rate_the_overdue_count_and_how_it_is_counted(client_for, county_user, four_overdue_two_on_time):
    page = client_for(county_user).get(reverse("complaints:statistics")).content.decode()
    rate = page.split('data-testid="on-time-rate">', 1)[1].split("</div>", 1)[0]
    assert rate.strip() == "33%"
    assert "100%" not in page
    overdue = page.split('data-testid="overdue-unanswered">', 1)[1].split("</span>", 1)[0]
    assert "逾期未答复 4 件" in overdue
    rule = page.split('data-testid="on-time-rule">', 1)[1].split("</div>", 1)[0]
    assert "逾期未答复计为超时" in rule


@pytest.mark.parametrize("viewer", ["county_user", "chair_a"])
def test_page_and_home_indicator_count_alike(
    request, client_for, four_overdue_two_on_time, factories, register, viewer
):
    user = request.getfixturevalue(viewer)
    register(timezone.now() - 30 * DAY, enterprise=factories["b"], user=request.getfixturevalue("chair_b"))
    page = client_for(user).get(reverse("complaints:statistics"))
    total = page.context["stats"]["total"]
    year = timezone.localdate().year
    # Early in January some fall due last year: the two years together hold all of them.
    rates = [answered_on_time(user=user, unit=user.org_unit, year=y) for y in (year - 1, year)]
    assert (total["on_time"], total["due"]) == (
        sum(r.numerator for r in rates),
        sum(r.denominator for r in rates),
    )
    expected = (2, 7) if viewer == "county_user" else (2, 6)
    assert (total["on_time"], total["due"]) == expected


# Measured on main before the rate counted overdue complaints: the new counts ride in the same queries.
QUERIES = 8


def test_statistics_page_query_count_is_unchanged(
    client_for, county_user, four_overdue_two_on_time, django_assert_num_queries
):
    client = client_for(county_user)
    client.get(reverse("complaints:statistics"))  # warm the session and permission caches
    with django_assert_num_queries(QUERIES):
        assert client.get(reverse("complaints:statistics")).status_code == 200
