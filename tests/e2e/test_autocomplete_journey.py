"""County staff register a member: the union is picked by typing into its autocomplete (the
county's thousands of unions are never listed), under the production Content Security Policy."""

import pytest
from playwright.sync_api import expect

from apps.members.models import Member
from tests.conftest import PASSWORD
from tests.members.conftest import make_id

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# unionportal/settings/production.py's CONTENT_SECURITY_POLICY, as its header reads.
PRODUCTION_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)


def _with_production_csp(page):
    """Every page the browser loads carries the production policy; violations are collected."""

    def add_policy(route):
        request = route.request
        if request.resource_type != "document" or request.method != "GET":
            route.continue_()
            return
        response = route.fetch(max_redirects=0)
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": PRODUCTION_CSP})

    page.route(f"{page.base_url}/**", add_policy)
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.on("pageerror", lambda error: violations.append(str(error)))
    return violations


def test_county_staff_type_a_union_name_and_save_a_member(page, county_user, county_tree, tmp_path):
    violations = _with_production_csp(page)
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", "county")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=own-unit]")

    page.goto(f"{page.base_url}/members/new/")
    # Nothing typed that matches: the Chinese "no results".
    search = ".select2-container--open .select2-search__field"
    page.click("#id_union + .select2-container")
    page.fill(search, "不存在的工会")
    page.wait_for_selector(".select2-results__message:has-text('未找到结果')")
    page.click("h1")  # closed by a click elsewhere

    # Typed: only the matching union of the county is offered.
    page.click("#id_union + .select2-container")
    page.fill(search, "石英")
    option = ".select2-results__option:not(.loading-results)"
    expect(page.locator(option)).to_have_text(["平明太平洋石英制品工会"])  # once the typed term's answer is in
    page.screenshot(path=str(tmp_path / "member-form-autocomplete.png"))
    print("screenshot:", tmp_path / "member-form-autocomplete.png")
    page.click(f"{option}:has-text('平明太平洋石英制品工会')")

    page.fill("#id_real_name", "李秀英")
    page.fill("#id_id_number", make_id(serial="377"))
    page.fill("#id_join_date", "2024-03-01")
    page.select_option("#id_employment_form", label="农民工")
    page.click("input[type=submit]")
    page.wait_for_selector("[data-testid=card-number]")

    member = Member.objects.get(real_name="李秀英")
    assert member.union == county_tree["union_b"]

    # A multiple choice that forwards another field (the new union's township), opened.
    page.goto(f"{page.base_url}/branches/unions/new/")
    page.click("#id_enterprises + .select2-container")
    page.wait_for_selector(".select2-results__message:has-text('未找到结果')")  # no unionless enterprise yet
    assert violations == []


def test_the_typed_name_goes_in_the_request_body_not_the_url(page, county_user, county_tree):
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", "county")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=own-unit]")
    requests = []
    page.on("request", lambda request: requests.append(request) if "/autocomplete/" in request.url else None)
    page.goto(f"{page.base_url}/members/new/")
    page.click("#id_union + .select2-container")
    # Typed into the opened search box; the widget asks as the user types: wait for the request
    # that carries the whole term, 白塔, in its body.
    term_in_body = "q=%E7%99%BD%E5%A1%94"
    search = page.wait_for_selector(".select2-container--open .select2-search__field")
    with page.expect_request(lambda r: "/autocomplete/" in r.url and term_in_body in (r.post_data or "")):
        search.fill("白塔")
    page.wait_for_selector(".select2-results__option:not(.loading-results):has-text('白塔化工建材厂工会')")
    assert requests
    assert all(request.method == "POST" and "?" not in request.url for request in requests)
    assert all("%E7%99%BD" not in request.url for request in requests)  # no part of the name in a URL
