"""A progress page's own requests say they are automatic, so they never keep an idle session
alive (the middleware's side: tests/core/test_session.py)."""

import pytest

from apps.members.models import RosterImport
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_polls_and_the_reload_when_done_are_marked_automatic(page, chair_a, county_tree):
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", "chair_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=own-unit]")
    record = RosterImport.objects.create(
        union=county_tree["union_a"], uploaded_by=chair_a, file_name="花名册.xlsx", content=b"", status="running"
    )
    with page.expect_request(lambda request: "/progress/" in request.url) as poll:
        page.goto(f"{page.base_url}{record.get_absolute_url()}")
    assert poll.value.headers.get("x-auto-refresh") == "1"

    RosterImport.objects.filter(pk=record.pk).update(status="checked", summary={"rows": 0})
    with page.expect_request(lambda request: "auto_refresh=1" in request.url and request.is_navigation_request()):
        page.wait_for_selector("[data-testid=import-status]:has-text('已检查')")
    page.wait_for_function("!window.location.search.includes('auto_refresh')")


def test_a_progress_page_goes_to_the_login_page_when_the_session_ended_elsewhere(page, chair_a, county_tree):
    """Logged out another way (another tab, cookies cleared): the page stops polling and reloads
    onto the login page instead of polling the login page for ever."""
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", "chair_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=own-unit]")
    record = RosterImport.objects.create(
        union=county_tree["union_a"], uploaded_by=chair_a, file_name="花名册.xlsx", content=b"", status="running"
    )
    with page.expect_request(lambda request: "/progress/" in request.url):
        page.goto(f"{page.base_url}{record.get_absolute_url()}")
    page.context.clear_cookies()
    page.wait_for_url("**/accounts/login/**", timeout=10_000)
