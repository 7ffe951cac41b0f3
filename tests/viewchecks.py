"""The view-check base: the standard permission and scoping checks for every model's views.

In the manner of NetBox's `utilities/testing/views.py`: a test class per model declares its
data (how to make "an object in township A" and "one in township B") and its routes (URL
name, kind, which roles may use it, the POST data of a successful submission); the base
generates, for every route and every role, the checks every view must pass:

- anonymous → the login page (a progress poll: 401),
- a role without the permission → 403 (GET and POST alike),
- the right role → 200, and a POST that succeeds (302, or what `post_success` says),
- the right role, but township B's object → 404 (and a POST there changes nothing),
- the right role, posting a form that names township B's rows (`foreign`) → refused (200),

for the roles `county` (county staff), `chair` (township A's chair), `officer` (the
grassroots officer of A's union) and `norole` (a user of township A with no role at all).
Township A's object should hang under A's union (`tree["union_a"]`) so that the officer's
scope holds it too. A new app's views are covered by declaring one class per model:

    class TestEnterpriseViews(ViewChecks):
        def make(self, world, where, user):
            return EnterpriseFactory(township=world.tree[where], union=world.tree[f"union_{where}"])

        routes = (
            Route("branches:enterprise_list", "list", EVERYONE),
            Route("branches:enterprise_update", "edit", STAFF, data=lambda w, obj: {...}),
            ...
        )

tests/core/test_url_walk.py fails for a URL that no class declares.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.urls import reverse

ANONYMOUS, COUNTY, CHAIR, OFFICER, NOROLE = "anonymous", "county", "chair", "officer", "norole"
ROLES = (COUNTY, CHAIR, OFFICER, NOROLE)
STAFF = frozenset({COUNTY, CHAIR})
EVERYONE = frozenset({COUNTY, CHAIR, OFFICER})
COUNTY_ONLY = frozenset({COUNTY})
ANYONE = frozenset(ROLES)  # rows of one's own, whatever the role (export jobs)
KINDS = {"list", "detail", "create", "edit", "export", "action"}
LOGIN = "login"


@dataclass(frozen=True)
class Route:
    """One URL of a model and who may use it.

    `may`: the roles that get `success` (GET) / `post_success` (POST); every other role gets
    403, unless `expect` says otherwise for it (e.g. {"chair": 404}: the permission, but the
    object is above the chair's township). `methods`: ("get",), ("post",) for buttons, or
    ("get", "post") for a form page. `data(world, obj)`: the POST body. `obj(world, where,
    user)` overrides the class's `make` for this route; `url_kwargs(obj)` the URL's
    arguments (default {"pk": obj.pk}; None for a URL without one). `done(obj)` asserts what
    a successful POST changed. `other_township=False` when no object of township B exists
    for this route (the county's own unit). `foreign(world, obj)`: a POST body that names
    township B's rows in the form's choices (B's township, union or enterprise): refused for
    everyone in `may` but county staff (the form shown again, 200, nothing written).
    `shows(obj)`: the text by which a list shows a row; the list then holds township A's row
    and not township B's (county staff see both; with `owner_only`, nobody sees another's).
    """

    name: str
    kind: str
    may: frozenset
    methods: tuple = ("get",)
    data: Callable | None = None
    obj: Callable | None = None
    url_kwargs: Callable | None = lambda obj: {"pk": obj.pk}
    query: str = ""
    success: int = 200
    post_success: int = 302
    expect: dict = field(default_factory=dict)
    poll: bool = False
    done: Callable | None = None
    other_township: bool = True
    foreign: Callable | None = None
    shows: Callable | None = None

    def __post_init__(self):
        assert self.kind in KINDS, self.kind
        assert set(self.may) <= set(ROLES), self.may


def form(route_name, kind, may, data, **options):
    """A form page: GET shows it, POST with `data` submits it."""
    return Route(route_name, kind, may, methods=("get", "post"), data=data, **options)


def button(route_name, may, data=None, **options):
    """A POST-only action (a button on a page)."""
    return Route(route_name, "action", may, methods=("post",), data=data, **options)


def page(route_name, kind, may, **options):
    """A page or download without an object in its URL (a list, an export, a create form)."""
    return Route(route_name, kind, may, url_kwargs=None, other_township=False, **options)


def search(route_name, may, term="", **options):
    """An autocomplete endpoint: the term is posted (never in the URL), the answer is JSON.
    Which rows it offers each role is checked in the app's test_autocomplete.py."""
    return Route(
        route_name,
        "list",
        may,
        methods=("post",),
        data=lambda world, obj: {"q": term},
        url_kwargs=None,
        other_township=False,
        post_success=200,
        **options,
    )


@dataclass(frozen=True)
class Case:
    route: Route
    role: str
    where: str  # "a": township A's object, "b": township B's, "foreign": A's, posting B's rows

    @property
    def id(self):
        return f"{self.route.name}-{self.role}-{self.where}"


def expected(case: Case):
    route, role = case.route, case.role
    if role == ANONYMOUS:
        return 401 if route.poll else LOGIN
    if role in route.expect:
        return route.expect[role]
    if role not in route.may:
        return 403
    if case.where == "b":
        return 404
    if case.where == "foreign":
        return 200
    return "ok"


class ViewChecks:
    """Subclass per model: set `routes` and implement `make(world, where, user)`.

    `owner_only = True` for rows that belong to one user (notifications, export jobs): the
    other township's object is then another user's, and 404 for everyone, county staff too.
    """

    routes: tuple = ()
    owner_only = False

    def make(self, world, where, user):
        raise NotImplementedError

    @classmethod
    def cases(cls, route):
        yield Case(route, ANONYMOUS, "a")
        for role in ROLES:
            yield Case(route, role, "a")
        if route.url_kwargs is not None and route.other_township:
            for role in sorted(route.may):
                if (role != COUNTY or cls.owner_only) and role not in route.expect:
                    yield Case(route, role, "b")
        if route.foreign is not None:
            for role in sorted(route.may - {COUNTY}):
                yield Case(route, role, "foreign")

    def pytest_generate_tests(self, metafunc):
        if "route" in metafunc.fixturenames:
            metafunc.parametrize("route", self.routes, ids=[route.name for route in self.routes])

    @pytest.mark.django_db
    def test_route(self, route, world, client):
        """Every role on this route, each in a savepoint rolled back after it (NetBox's
        cleanupSubTest): one world per route, and every failing role reported at once."""
        failures = []
        for case in self.cases(route):
            savepoint = transaction.savepoint()
            try:
                self.check(case, world, client)
            except AssertionError as exc:
                failures.append(str(exc))
            except Exception as exc:  # a 500: the test client re-raises the view's exception
                failures.append(f"{case.id}: {type(exc).__name__}: {exc}")
            finally:
                transaction.savepoint_rollback(savepoint)
                client.cookies.clear()
        assert not failures, "\n".join(failures)

    def check(self, case, world, client):
        route = case.route
        user = world.users.get(case.role)
        make = route.obj or self.make
        obj = make(world, "a" if case.where == "foreign" else case.where, user)
        url = reverse(route.name, kwargs=route.url_kwargs(obj) if route.url_kwargs else None) + route.query
        if user is not None:
            client.force_login(user)
        want = expected(case)
        headers = {"X-Auto-Refresh": "1"} if route.poll else {}
        other = make(world, "b", user) if route.shows and want == "ok" else None
        if case.where == "foreign":
            _check(client.post(url, route.foreign(world, obj)), want, "post", route, case)
        else:
            for method in route.methods:
                if method == "get":
                    response = client.get(url, headers=headers)
                else:
                    response = client.post(url, route.data(world, obj) if route.data else {}, headers=headers)
                _check(response, want, method, route, case)
                if other is not None and method == "get":
                    _check_rows(response, route.shows(obj), route.shows(other), case, self.owner_only)
        if "post" in route.methods and route.done:
            if want == "ok":
                route.done(obj)
            else:
                _assert_not_done(route, obj, case)


def _check_rows(response, own, others, case, owner_only):
    content = response.content.decode()
    assert own in content, f"{case.id}: the list does not show township A's row {own!r}"
    if case.role != COUNTY or owner_only:
        assert others not in content, f"{case.id}: the list shows township B's row {others!r}"
    else:
        assert others in content, f"{case.id}: county staff do not see township B's row {others!r}"


def _assert_not_done(route, obj, case):
    """A refused POST wrote nothing: what `done` checks after a successful one does not hold."""
    try:
        route.done(obj)
    except (AssertionError, ObjectDoesNotExist):
        return
    raise AssertionError(f"{case.id}: refused, but the POST was carried out anyway")


def _check(response, want, method, route, case):
    about = {"a": "township A's object", "b": "township B's object", "foreign": "naming township B's rows"}
    where = f"{case.role} {method.upper()} {route.name} ({about[case.where]})"
    if want == LOGIN:
        location = response.get("Location", "")
        assert response.status_code == 302 and location.startswith(reverse(settings.LOGIN_URL)), (
            f"{where}: expected the login page, got {response.status_code} {location}"
        )
        return
    if want == "ok":
        want = route.post_success if method == "post" else route.success
    got = response.status_code
    assert got == want, f"{where}: expected {want}, got {got}{_explain(response)}"
    if got == 302:
        assert not response["Location"].startswith(reverse(settings.LOGIN_URL)), f"{where}: sent to the login page"


def _explain(response) -> str:
    if response.status_code == 302:
        return f" → {response['Location']}"
    content = response.content.decode(errors="replace") if response.get("Content-Type", "").startswith("text") else ""
    errors = re.findall(r'class="[^"]*(?:errorlist|invalid-feedback|alert-danger)[^"]*"[^>]*>(.*?)</', content, re.S)
    return f": {[e.strip() for e in errors]}" if errors else ""
