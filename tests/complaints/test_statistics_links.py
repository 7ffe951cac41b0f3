"""投诉统计 links every row and figure to the complaint list behind it (the list's own filters,
filters.ComplaintFilter), and the list behind a figure holds exactly as many complaints; the
list's `enterprise` parameter (an enterprise page links to it) is scoped and refuses garbage."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.complaints.deadlines import SHANGHAI
from apps.complaints.models import Complaint
from apps.complaints.services import complaint_transition
from apps.complaints.views import FIGURE_FILTERS, _month_filters

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
ANSWER = {"answer_method": "phone", "answer_text": "已答复"}


@pytest.fixture
def mixed(register, chair_a, chair_b, factories):
    """Township A: one answered on time (recorded yesterday), one answered late, one overdue
    unanswered (marked), one open not yet due, one received 40 days ago and closed on time;
    township B: one overdue unanswered (marked)."""
    now = timezone.now()

    def answered(received, given, user=chair_a, **extra):
        complaint = register(received, user=user, **extra)
        complaint = complaint_transition(user=user, complaint=complaint, to_status="investigating")
        return complaint_transition(user=user, complaint=complaint, to_status="answered", answered_at=given, **ANSWER)

    on_time = answered(now - 8 * DAY, now - 2 * DAY)
    late = answered(now - 12 * DAY, now - DAY)
    overdue = register(now - 10 * DAY)
    register(now - DAY)
    old = answered(now - 40 * DAY, now - 38 * DAY)
    complaint_transition(user=chair_a, complaint=old, to_status="closed", satisfaction="satisfied")
    theirs = register(now - 9 * DAY, enterprise=factories["b"], user=chair_b)
    Complaint.objects.filter(pk__in=[overdue.pk, theirs.pk]).update(is_overdue=True)
    return {"on_time": on_time, "late": late, "overdue": overdue, "theirs": theirs}


def _rows(stats):
    yield "total", stats["total"]
    for table in ("by_township", "by_category", "by_month"):
        for row in stats[table]:
            yield table, row


@pytest.mark.parametrize("viewer", ["county_user", "chair_a"])
def test_every_figure_links_to_a_list_of_exactly_its_complaints(request, client_for, mixed, viewer):
    client = client_for(request.getfixturevalue(viewer))
    page = client.get(reverse("complaints:statistics"))
    content = page.content.decode()
    stats = page.context["stats"]
    assert stats["total"]["total"] == (6 if viewer == "county_user" else 5)
    checked = 0
    for table, row in _rows(stats):
        assert set(row["links"]) == set(FIGURE_FILTERS)
        for figure, url in row["links"].items():
            listing = client.get(url)
            assert listing.status_code == 200
            assert listing.context["filter"].is_valid(), (url, listing.context["filter"].errors)
            assert listing.context["object_list"].count() == row[figure], (table, figure, url)
            checked += 1
        assert row["links"]["total"].replace("&", "&amp;") in content, (table, row["links"]["total"])
        if row["on_time_percent"] is not None:
            assert row["links"]["on_time"].replace("&", "&amp;") in content
    assert checked >= 8 * 4


def test_the_figures_are_the_right_complaints(client_for, county_user, mixed):
    client = client_for(county_user)
    total = client.get(reverse("complaints:statistics")).context["stats"]["total"]
    assert (total["on_time"], total["due"], total["late"], total["overdue_unanswered"]) == (2, 5, 3, 2)

    def listed(answer):
        response = client.get(reverse("complaints:complaint_list"), {"answer": answer})
        return set(response.context["object_list"].values_list("pk", flat=True))

    assert mixed["on_time"].pk in listed("on_time") and mixed["late"].pk not in listed("on_time")
    assert {mixed["late"].pk, mixed["overdue"].pk, mixed["theirs"].pk} == listed("late")
    assert {mixed["overdue"].pk, mixed["theirs"].pk} == listed("overdue_unanswered")


def test_the_township_row_links_to_its_own_complaints(client_for, county_user, mixed, county_tree):
    client = client_for(county_user)
    stats = client.get(reverse("complaints:statistics")).context["stats"]
    row = next(r for r in stats["by_township"] if r["township__name"] == "平明镇总工会")
    assert f"township={county_tree['b'].pk}" in row["links"]["total"]
    listing = client.get(row["links"]["overdue"])
    assert list(listing.context["object_list"].values_list("pk", flat=True)) == [mixed["theirs"].pk]


def test_the_page_says_how_the_rate_is_counted(client_for, county_user, mixed):
    content = client_for(county_user).get(reverse("complaints:statistics")).content.decode()
    rule = content.split('data-testid="on-time-rule">', 1)[1].split("</div>", 1)[0]
    assert "逾期未答复计为超时" in rule and "第 7 个自然日" in rule and "记录的答复时间" in rule


@pytest.mark.parametrize(
    ("month", "first", "last"),
    [
        (datetime.datetime(2026, 12, 1, tzinfo=SHANGHAI), "2026-12-01", "2026-12-31"),
        (datetime.datetime(2028, 2, 1, tzinfo=SHANGHAI), "2028-02-01", "2028-02-29"),
        # The same instant as UTC (a database session in another zone): still Shanghai's month.
        (datetime.datetime(2026, 10, 31, 16, tzinfo=datetime.UTC), "2026-11-01", "2026-11-30"),
    ],
)
def test_a_month_row_is_its_calendar_month(month, first, last):
    """TruncMonth's value, the month's first instant in Shanghai, as the list's received dates."""
    assert _month_filters(month) == {"received_from": first, "received_to": last}


class TestEnterpriseParameter:
    def _listed(self, client, value):
        response = client.get(reverse("complaints:complaint_list"), {"enterprise": value})
        assert response.status_code == 200
        return response, set(response.context["object_list"].values_list("pk", flat=True))

    def test_county_staff_see_one_enterprises_complaints(self, client_for, county_user, mixed, factories):
        response, listed = self._listed(client_for(county_user), factories["b"].pk)
        assert listed == {mixed["theirs"].pk}
        assert factories["b"].name in response.content.decode()  # the chosen enterprise is offered

    def test_a_chair_sees_their_own_enterprise_and_not_anothers(self, client_for, chair_a, mixed, factories):
        _, listed = self._listed(client_for(chair_a), factories["a"].pk)
        assert mixed["on_time"].pk in listed and mixed["theirs"].pk not in listed
        response, listed = self._listed(client_for(chair_a), factories["b"].pk)
        assert listed == set()
        assert "选择一个有效的选项" in " ".join(response.context["filter"].errors["enterprise"])

    @pytest.mark.parametrize("value", ["abc", "-1", "0", "1.5", "９", "99999999999999999999", "1" * 10000, "1;drop"])
    def test_garbage_is_a_chinese_error_and_no_rows(self, client_for, county_user, mixed, value):
        response, listed = self._listed(client_for(county_user), value)
        assert listed == set()
        assert "选择一个有效的选项" in " ".join(response.context["filter"].errors["enterprise"])

    def test_a_bad_answer_status_is_refused_too(self, client_for, county_user, mixed):
        response = client_for(county_user).get(reverse("complaints:complaint_list"), {"answer": "zz"})
        assert response.status_code == 200 and not response.context["filter"].is_valid()
        assert "answer" in response.context["filter"].errors

    def test_a_township_of_ten_thousand_digits_is_refused_not_a_server_error(self, client_for, county_user, mixed):
        response = client_for(county_user).get(
            reverse("complaints:complaint_list"), {"township": "1" * 10000, "enterprise": "1" * 10000}
        )
        assert response.status_code == 200 and not response.context["object_list"].exists()
        assert set(response.context["filter"].errors) == {"township", "enterprise"}


def test_late_is_counted_by_the_selector_with_the_lists_rule(county_user, mixed):
    """selectors.LATE is the list's `answer=late` and complaint_statistics counts it (not the view)."""
    from apps.complaints.models import Complaint
    from apps.complaints.selectors import LATE, complaint_statistics

    stats = complaint_statistics(user=county_user)
    assert stats["total"]["late"] == Complaint.objects.filter(LATE(timezone.now())).count() == 3
