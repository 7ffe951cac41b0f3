"""The complaint list on the shared stack: every filter, the search, the export and its cap,
the handler choices, and an exact query count that does not grow with the rows."""

import datetime
import io
import re
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import load_workbook

from apps.complaints.models import Complaint
from apps.complaints.selectors import complaint_handler_choices
from apps.core.exports import INVALID_FILTER_MESSAGE
from apps.core.models import ExportJob

SH = datetime.timezone(datetime.timedelta(hours=8))
LIST = reverse("complaints:complaint_list")
EXPORT = reverse("complaints:complaint_export")

pytestmark = pytest.mark.django_db


def listed(response) -> list[str]:
    assert response.status_code == 200
    return [row.record.tracking_number for row in response.context["table"].paginated_rows]


def sheet(response) -> list[tuple]:
    assert response.status_code == 200, response
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).active.iter_rows(values_only=True))
    return rows[1:]  # without the header


def search(client, q: str, **params):
    """Search as the form does (POST); returns the list page the redirect leads to, and its URL."""
    response = client.post(LIST, {"q": q, **params})
    assert response.status_code == 302
    location = response["Location"]
    return client.get(location), location


@pytest.fixture
def two(register, chair_a, chair_b, clerk_a, factories):
    """Two complaints that differ in every filtered field."""
    first = register(
        datetime.datetime(2026, 3, 2, 9, 0, tzinfo=SH), category="wages", complainant_name="王强", user=chair_a
    )
    second = register(
        datetime.datetime(2026, 3, 10, 23, 30, tzinfo=SH),
        enterprise=factories["b"],
        category="safety",
        complainant_name="李娜",
        user=chair_b,
    )
    Complaint.objects.filter(pk=second.pk).update(status="investigating", is_overdue=True)
    return {"first": first, "second": second}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (lambda w: {"status": "investigating"}, "second"),
        (lambda w: {"category": "wages"}, "first"),
        (lambda w: {"township": w["a"].pk}, "first"),
        (lambda w: {"enterprise": w["enterprise_b"].pk, "township": w["b"].pk}, "second"),
        (lambda w: {"enterprise": w["enterprise_b"].pk}, "second"),  # chosen elsewhere (a link), no township
        (lambda w: {"handler": w["chair_a"].pk}, "first"),
        (lambda w: {"overdue": "1"}, "second"),
        (lambda w: {"received_from": "2026-03-03"}, "second"),
        (lambda w: {"received_to": "2026-03-02"}, "first"),
        # 23:30 Shanghai on 10 March is 15:30 UTC: the day is Shanghai's
        (lambda w: {"received_from": "2026-03-10", "received_to": "2026-03-10"}, "second"),
    ],
)
def test_every_filter_narrows_the_list(client_for, county_user, chair_a, county_tree, factories, two, params, expected):
    world = {**county_tree, "enterprise_b": factories["b"], "chair_a": chair_a}
    response = client_for(county_user).get(LIST, params(world))
    assert listed(response) == [two[expected].tracking_number], response.context["filter"].form.errors


def test_overdue_rows_are_red_and_rows_due_today_yellow(client_for, chair_a, register):
    overdue = register(timezone.now() - datetime.timedelta(days=9))
    Complaint.objects.filter(pk=overdue.pk).update(is_overdue=True)
    today = register(timezone.localtime().replace(hour=12, minute=0) - datetime.timedelta(days=7))
    later = register(timezone.now() - datetime.timedelta(hours=1))
    content = client_for(chair_a).get(LIST).content.decode()
    rows = {
        number: re.search(rf'<tr ([^>]*)>\s*<td><a href="[^"]*">{number}<', content)
        for number in (overdue.tracking_number, today.tracking_number, later.tracking_number)
    }
    assert "table-danger" in rows[overdue.tracking_number].group(1)
    assert "table-warning" in rows[today.tracking_number].group(1)
    assert "table-" not in rows[later.tracking_number].group(1)


def test_no_filter_lists_everything_in_scope_most_urgent_first(client_for, county_user, chair_a, two):
    assert listed(client_for(county_user).get(LIST)) == [two["first"].tracking_number, two["second"].tracking_number]
    assert listed(client_for(chair_a).get(LIST)) == [two["first"].tracking_number]


BAD_VALUES = [
    ({"township": "abc"}, "选择一个有效的选项"),
    ({"township": "²"}, "选择一个有效的选项"),
    ({"enterprise": "abc"}, "选择一个有效的选项"),
    ({"handler": "1; drop"}, "选择一个有效的选项"),
    ({"status": "zz"}, "选择一个有效的选项"),
    ({"category": "zz"}, "选择一个有效的选项"),
    ({"overdue": "yes"}, "选择一个有效的选项"),
    ({"received_from": "2026-02-30"}, "输入一个有效的日期"),
    ({"received_to": "x"}, "输入一个有效的日期"),
    ({"received_from": "0001-01-01"}, "不能小于"),
    ({"received_to": "2999-01-01"}, "不能大于"),
    ({"per_page": "-1", "status": "zz"}, "选择一个有效的选项"),
]


@pytest.mark.parametrize(("params", "message"), BAD_VALUES, ids=[str(p) for p, _m in BAD_VALUES])
def test_a_bad_value_is_refused_on_the_form_in_chinese_with_no_rows(client_for, county_user, two, params, message):
    client = client_for(county_user)
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert listed(response) == []
    assert message in response.content.decode()
    refused = client.get(EXPORT, params, follow=True)
    assert refused.redirect_chain and INVALID_FILTER_MESSAGE in refused.content.decode()


def test_another_townships_choices_are_refused_for_a_chair(client_for, chair_a, chair_b, county_tree, factories, two):
    client = client_for(chair_a)
    for params in (
        {"township": county_tree["b"].pk},
        {"enterprise": factories["b"].pk},
        {"handler": chair_b.pk},
    ):
        response = client.get(LIST, params)
        assert listed(response) == [] and "选择一个有效的选项" in response.content.decode(), params


# --- search ----------------------------------------------------------------------------------------


def test_search_by_whole_tracking_number_in_any_case_and_by_part(client_for, county_user, two):
    client = client_for(county_user)
    number = two["second"].tracking_number
    page, _url = search(client, number.lower())
    assert listed(page) == [number]
    page, _url = search(client, number[-6:])
    assert listed(page) == [number]


def test_search_by_enterprise_name(client_for, county_user, two):
    page, _url = search(client_for(county_user), "石英")
    assert listed(page) == [two["second"].tracking_number]


def test_search_by_complainant_name_only_with_the_permission(client_for, chair_a, clerk_a, two):
    page, url = search(client_for(chair_a), "王强")
    assert listed(page) == [two["first"].tracking_number]
    assert "王强" not in unquote(url) and "q=~" in url
    page, url = search(client_for(clerk_a), "王强")
    assert listed(page) == []  # the name is not searched: nothing to learn from the result
    assert "王强" not in unquote(url)


def test_the_search_label_says_what_it_searches(client_for, chair_a, clerk_a, two):
    def label(user):
        return str(client_for(user).get(LIST).context["filter"].form.fields["q"].label)

    assert label(chair_a) == gettext("Tracking number, enterprise or complainant")
    assert label(clerk_a) == gettext("Tracking number or enterprise")


def test_a_name_in_the_url_is_moved_behind_a_token(client_for, chair_a, two):
    client = client_for(chair_a)
    response = client.get(LIST, {"q": "王强", "status": "received"})
    assert response.status_code == 302
    assert "王强" not in unquote(response["Location"]) and "status=received" in response["Location"]
    assert listed(client.get(response["Location"])) == [two["first"].tracking_number]


def test_pages_sorting_and_the_export_link_keep_the_search(client_for, chair_a, register):
    for _ in range(3):
        register(timezone.now() - datetime.timedelta(hours=1), complainant_name="王强")
    register(timezone.now() - datetime.timedelta(hours=1), complainant_name="李娜")
    client = client_for(chair_a)
    _page, url = search(client, "王强")
    token = url.split("q=", 1)[1].split("&")[0]
    page = client.get(url + "&per_page=2")
    assert len(listed(page)) == 2 and page.context["table"].paginator.count == 3
    content = page.content.decode().replace("&amp;", "&")
    next_links = [href for href in re.findall(r'href="([^"]*)"', content) if "page=2" in href]
    assert next_links and all(f"q={token}" in href for href in next_links)
    sort_links = [href for href in re.findall(r'href="([^"]*)"', content) if "sort=" in href]
    assert sort_links and all(f"q={token}" in href for href in sort_links)
    second = client.get(url + "&per_page=2&page=2")
    assert len(listed(second)) == 1
    assert f"{EXPORT}?q={token}" in content
    assert len(sheet(client.get(EXPORT, {"q": token}))) == 3


def test_an_expired_search_is_said_and_exports_nothing(client_for, chair_a, two):
    client = client_for(chair_a)
    stale = "~" + "0" * 16
    page = client.get(LIST, {"q": stale})
    assert "该查询已失效" in page.content.decode()
    response = client.get(EXPORT, {"q": stale})
    assert response.status_code == 302 and not ExportJob.objects.exists()


# --- export ----------------------------------------------------------------------------------------


def test_export_below_the_cap_is_the_list_with_the_complainant_as_the_list_shows_them(
    client_for, chair_a, clerk_a, register
):
    named = register(timezone.now() - datetime.timedelta(hours=2), complainant_name="王强")
    anonymous = register(timezone.now() - datetime.timedelta(hours=1), anonymous=True, complainant_name="")
    rows = {row[0]: row for row in sheet(client_for(chair_a).get(EXPORT))}
    assert set(rows) == {named.tracking_number, anonymous.tracking_number}
    assert rows[named.tracking_number][5] == "王强" and rows[anonymous.tracking_number][5] == "匿名"
    rows = {row[0]: row for row in sheet(client_for(clerk_a).get(EXPORT))}
    assert rows[named.tracking_number][5] == "王*" and rows[anonymous.tracking_number][5] == "匿名"
    assert not ExportJob.objects.exists()


def test_export_above_the_cap_is_a_background_job_with_the_same_filters(
    settings, client_for, chair_a, register, django_capture_on_commit_callbacks
):
    settings.EXPORT_WAIT_MAX_ROWS = 2
    settings.EXPORT_MAX_ROWS = 10
    for _ in range(3):
        register(timezone.now() - datetime.timedelta(hours=1), category="wages")
    register(timezone.now() - datetime.timedelta(hours=1), category="safety")
    client = client_for(chair_a)
    assert len(sheet(client.get(EXPORT, {"category": "safety"}))) == 1  # below the cap: at once
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(EXPORT, {"category": "wages"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.status, job.total_rows, job.path) == ("done", 3, EXPORT)
    download = client.get(reverse("core:export_job_download", args=[job.pk]))
    assert download["Content-Disposition"].startswith('attachment; filename="complaints-')
    assert len(sheet(download)) == 3


def test_export_far_above_the_cap_asks_for_parts(settings, client_for, chair_a, register):
    settings.EXPORT_WAIT_MAX_ROWS = 1
    settings.EXPORT_MAX_ROWS = 2
    for _ in range(3):
        register(timezone.now() - datetime.timedelta(hours=1))
    response = client_for(chair_a).get(EXPORT, follow=True)
    assert response.redirect_chain and not ExportJob.objects.exists()


# --- handler choices -------------------------------------------------------------------------------


def test_handler_choices_are_the_users_in_scope_who_may_handle(
    client_for, county_user, chair_a, chair_b, clerk_a, officer_a, county_tree
):
    def offered(user):
        return set(client_for(user).get(LIST).context["filter"].form.fields["handler"].queryset)

    assert offered(chair_a) == {chair_a, clerk_a} == set(complaint_handler_choices(user=chair_a))
    assert offered(county_user) == {county_user, chair_a, chair_b, clerk_a}  # officers may not handle
    chair_b.is_active = False
    chair_b.save(update_fields=["is_active"])
    assert chair_b not in offered(county_user)


# --- query counts ----------------------------------------------------------------------------------

# Every list: the session; the user with their org unit (the scope); the role's permissions; the
# capped count; the notification badge; the township choices; the handler choices (one query,
# apps.accounts.selectors); one page of rows with enterprise, township and handler joined. Then
# the enterprise choices: none for county staff until they pick a township (one query to check
# the township chosen, one for its enterprises), one for a chair (their township's).
COUNTY_QUERIES = 7
COUNTY_IN_A_TOWNSHIP_QUERIES = 9
CHAIR_QUERIES = 8


def _bulk(count, factories, handlers):
    now = timezone.now()
    Complaint.objects.bulk_create(
        Complaint(
            tracking_number=f"TS-2026-{900000 + i:06d}",
            received_at=now - datetime.timedelta(days=i % 10),
            due_at=now + datetime.timedelta(days=7 - i % 10),
            channel="hotline",
            complainant_name=f"王{i}",
            enterprise=factories["a" if i % 2 else "b"],
            township=factories["a" if i % 2 else "b"].township,
            category="other",
            description="x",
            handler=handlers[i % len(handlers)],
            status="investigating" if i % 3 else "closed",
        )
        for i in range(count)
    )


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_an_exact_number_of_queries_at_any_size(
    client_for, county_user, chair_a, chair_b, clerk_a, factories, county_tree, count, django_assert_num_queries
):
    _bulk(count, factories, [chair_a, chair_b, clerk_a, None])
    for user, expected, params in (
        (county_user, COUNTY_QUERIES, {}),
        (county_user, COUNTY_IN_A_TOWNSHIP_QUERIES, {"township": county_tree["a"].pk, "status": "investigating"}),
        (chair_a, CHAIR_QUERIES, {}),
    ):
        client = client_for(user)
        client.get(reverse("overview:home"))
        with django_assert_num_queries(expected):
            response = client.get(LIST, params)
        assert response.status_code == 200 and listed(response)


def test_a_searched_export_above_the_cap_exports_the_search_and_keeps_the_name_out_of_urls(
    settings, client_for, chair_a, register, django_capture_on_commit_callbacks
):
    settings.EXPORT_WAIT_MAX_ROWS = 1
    settings.EXPORT_MAX_ROWS = 10
    for name in ("王强", "王强", "李娜"):
        register(timezone.now() - datetime.timedelta(hours=1), complainant_name=name)
    client = client_for(chair_a)
    _page, url = search(client, "王强")
    token = url.split("q=", 1)[1].split("&")[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(EXPORT, {"q": token})
    job = ExportJob.objects.get()
    assert "王强" not in unquote(response["Location"])
    job.refresh_from_db()
    assert (job.status, job.total_rows) == ("done", 2)
    rows = sheet(client.get(reverse("core:export_job_download", args=[job.pk])))
    assert [row[5] for row in rows] == ["王强", "王强"]


def test_the_list_counts_no_further_than_the_cap(monkeypatch, client_for, chair_a, register):
    from apps.core.pagination import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "count_cap", 2)
    for _ in range(3):
        register(timezone.now() - datetime.timedelta(hours=1))
    table = client_for(chair_a).get(LIST).context["table"]
    assert table.paginator.count == 2 and table.paginator.count_is_capped


@pytest.mark.worker
def test_a_large_complaint_export_through_a_real_worker(settings, celery_worker, chair_a, register, client):
    import time

    settings.EXPORT_WAIT_MAX_ROWS = 1
    settings.EXPORT_MAX_ROWS = 10
    for _ in range(3):
        register(timezone.now() - datetime.timedelta(hours=1))
    client.force_login(chair_a)
    assert client.get(EXPORT).status_code == 302
    job = ExportJob.objects.get()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status not in ("pending", "running"):
            break
        time.sleep(0.3)
    assert job.status == "done"
    rows = list(load_workbook(io.BytesIO(bytes(job.content)), read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 4 and {row[5] for row in rows[1:]} == {"王强"}
