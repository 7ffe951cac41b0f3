"""Browser tests: Playwright driving Debian's chromium (never a downloaded browser)."""

import os
import shutil

import pytest

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _chromium_path():
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


@pytest.fixture(scope="session")
def browser():
    path = _chromium_path()
    if path is None:
        if os.environ.get("E2E_REQUIRED"):
            pytest.fail("E2E_REQUIRED is set but no chromium was found (apt-get install chromium)")
        pytest.skip("browser tests skipped: no chromium found (apt-get install chromium, or set CHROMIUM_PATH)")
    # Playwright's sync API runs an event loop in this thread; the live server's ORM calls
    # happen in its own thread, and fixtures' ORM calls are plain synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield page
    context.close()


def choose(page, field_id, term, text):
    """Pick `text` in the autocomplete (select2) of `#field_id` after typing `term` into it."""
    page.click(f"#{field_id} + .select2-container")
    # A single choice searches in the open dropdown; a multiple one in its own box.
    page.fill(
        f".select2-container--open .select2-search__field, #{field_id} + .select2-container .select2-search__field",
        term,
    )
    page.click(f".select2-results__option:not(.loading-results):has-text('{text}')")
    page.wait_for_selector(f".select2-container:not(.select2-container--open) >> text={text}")
