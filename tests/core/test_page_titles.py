"""Every page names itself in the browser's title: "会员 · 县总工会工作平台", never the bare portal name.

The pages are the view-check routes (tests/<app>/test_viewchecks.py, which
tests/core/test_url_walk.py makes every URL declare): each route a GET shows as an HTML page is
opened as the first role allowed it, on township A's object, and its <title> must say more than
the portal's name, and differ from every other kind of page's. base.html composes the title from
the view's `page_title` or the template's page_title block.
"""

import importlib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from tests.viewchecks import COUNTY, ROLES, ViewChecks

TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def _check_classes():
    tests = Path(__file__).resolve().parent.parent
    for path in sorted(tests.glob("*/test_viewchecks.py")):
        importlib.import_module(f"tests.{path.parent.name}.test_viewchecks")
    found, stack = [], list(ViewChecks.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        found.append(cls)
    return sorted(found, key=lambda cls: cls.__qualname__)


PAGES = [
    (cls, route)
    for cls in _check_classes()
    for route in cls.routes
    if "get" in route.methods and route.kind not in ("export",) and not route.poll
]


def title_of(response) -> str:
    match = TITLE.search(response.content.decode())
    return " ".join(match.group(1).split()) if match else ""


def portal_name() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(settings.PORTAL_NAME)


def names_the_page(title: str, portal: str) -> bool:
    """The page's own name first, then " · <portal>"."""
    return title.endswith(f" · {portal}") and bool(title.removesuffix(f" · {portal}").strip(" ·"))


def _open(cls, route, world, client):
    role = COUNTY if COUNTY in route.may else next(r for r in ROLES if r in route.may)
    user = world.users[role]
    obj = (route.obj or cls().make)(world, "a", user)
    client.force_login(user)
    url = reverse(route.name, kwargs=route.url_kwargs(obj) if route.url_kwargs else None) + route.query
    return client.get(url)


@pytest.mark.django_db
def test_every_page_has_its_own_title(world, client):
    portal = portal_name()
    titles, problems = {}, []
    for cls, route in PAGES:
        savepoint = transaction.savepoint()  # each route's objects on their own, as ViewChecks does
        try:
            response = _open(cls, route, world, client)
        finally:
            transaction.savepoint_rollback(savepoint)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        title = title_of(response)
        if not names_the_page(title, portal):
            problems.append(f"{route.name}: the title {title!r} does not name the page before “· {portal}”")
        titles.setdefault(title, []).append(route.name)
    assert len(titles) > 20, titles
    shared = {title: names for title, names in titles.items() if len(set(names)) > 1}
    assert not problems, "\n".join(problems)
    assert not shared, f"pages of different kinds share a title: {shared}"


@pytest.mark.django_db
def test_the_home_page_the_error_pages_and_the_login_page_name_themselves(client, county_user):
    portal = portal_name()
    login = client.get(reverse("login"))
    assert title_of(login) == f"登录 · {portal}"
    client.force_login(county_user)
    assert title_of(client.get(reverse("overview:home"))) == f"首页 · {portal}"
    assert title_of(client.get("/no-such-page/")) == f"页面不存在 · {portal}"
    assert title_of(client.get(reverse("password_change"))) == f"修改密码 · {portal}"


def test_a_page_without_a_title_shows_the_check_failing(rf):
    """The check above is not vacuous: a page that sets no title gets "· portal" alone, which fails it."""
    from django.template import Context, Template

    html = Template('{% extends "base.html" %}').render(Context({"portal_name": "平台", "request": rf.get("/")}))
    title = " ".join(TITLE.search(html).group(1).split())
    assert title == "· 平台"
    assert not names_the_page(title, "平台")
    assert not names_the_page("平台", "平台")
    assert names_the_page("会员 · 平台", "平台")


def test_no_page_builds_the_portal_suffix_itself():
    """base.html adds " · {{ portal_name }}"; a page names itself in the page_title block only."""
    root = Path(settings.BASE_DIR)
    templates = [*root.glob("apps/*/templates/**/*.html"), *root.glob("templates/**/*.html")]
    by_hand = [
        str(path.relative_to(root))
        for path in templates
        if path.name != "base.html" and "{% extends" in (text := path.read_text()) and "{% block title %}" in text
    ]
    assert by_hand == []
