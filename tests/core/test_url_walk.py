"""Every URL of the portal needs a permission and takes its rows from a selector.

The URL conf is walked (like tests/core/test_login_required.py), so a view added later fails
here until it follows the convention, checked by introspection:

- it is a class-based view on `apps.core.mixins.ScopedQuerysetMixin` (usually through
  `ScopedPermissionMixin` or `ScopedListView`), whose `selector` is a function of the app's
  `selectors` module (`apps.<app>.selectors`); a class that overrides `get_queryset` starts
  from `super().get_queryset()`;
- it names a model permission (`permission_required`, every one of them existing), or it
  declares `own_rows_only = True` and its selector returns the requesting user's own rows
  only (a large export's page and file);
- some test class on the view-check base (tests/viewchecks.py) declares a route for it.

Only the URLs below are exempt, each with its reason.
"""

import importlib
import inspect
import re
from pathlib import Path

import pytest
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.auth.models import Permission
from django.urls import URLPattern, URLResolver, get_resolver

from apps.core.mixins import ScopedQuerysetMixin
from tests.viewchecks import ViewChecks

EXEMPT = {
    "login": "the login page: for visitors who are not logged in yet",
    "logout": "ends one's own session",
    "healthz": "the load balancer's health check: no user, no session",
    "password_change": "every account changes its own password, whatever its role",
    "password_change_done": "the page after one's own password change",
    "overview:home": "the landing page after login: the user's own unit, from selectors, for every role",
}
EXEMPT_NAMESPACES = {
    "admin": "Django admin: is_staff plus model permissions, scoped per ModelAdmin (tests/*/test_admin*)",
}
SELECTORS_MODULE = re.compile(r"^apps\.\w+\.selectors(\.\w+)?$")  # a module, or a package's module


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(pattern.url_patterns, full)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name or str(pattern.pattern), pattern, namespace


def _portal_views():
    views = []
    for name, pattern, namespace in _walk(get_resolver().url_patterns):
        if name in EXEMPT or (namespace or "").split(":")[0] in EXEMPT_NAMESPACES:
            continue
        views.append((name, pattern.callback))
    return views


VIEWS = _portal_views()


def _problems(view) -> list[str]:
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return [f"{view.__module__}.{view.__name__} is a function view: make it a class on ScopedPermissionMixin"]
    problems = []
    if not issubclass(view_class, ScopedQuerysetMixin):
        problems.append(f"{view_class.__name__} does not take its rows from a selector (ScopedQuerysetMixin)")
    else:
        selector = view_class.selector
        if not inspect.isfunction(selector) or not SELECTORS_MODULE.match(selector.__module__):
            problems.append(f"{view_class.__name__}.selector = {selector!r} is not a function of apps.<app>.selectors")
        own = next(c for c in view_class.__mro__ if "get_queryset" in vars(c))
        if own is not ScopedQuerysetMixin and "super().get_queryset()" not in inspect.getsource(own.get_queryset):
            problems.append(f"{own.__name__}.get_queryset does not start from super().get_queryset() (the selector)")
    if getattr(view_class, "own_rows_only", False):
        return problems
    if not issubclass(view_class, PermissionRequiredMixin) or not view_class.permission_required:
        problems.append(f"{view_class.__name__} requires no permission (permission_required)")
    return problems


def test_the_walk_sees_every_app():
    names = {name for name, _view in VIEWS}
    for app in ("branches", "members", "complaints", "core"):
        assert any(name.startswith(f"{app}:") for name in names), app
    assert len(VIEWS) > 40


@pytest.mark.parametrize(("name", "view"), VIEWS, ids=[name for name, _view in VIEWS])
def test_every_view_needs_a_permission_and_takes_its_rows_from_a_selector(name, view):
    assert not _problems(view), f"{name}: " + "; ".join(_problems(view))


@pytest.mark.django_db
def test_every_permission_a_view_names_exists():
    missing = set()
    for _name, view in VIEWS:
        required = getattr(getattr(view, "view_class", None), "permission_required", None) or ()
        for perm in (required,) if isinstance(required, str) else required:
            app_label, codename = perm.split(".")
            if not Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists():
                missing.add(perm)
    assert not missing


def _declared_routes() -> set[str]:
    tests = Path(__file__).resolve().parent.parent
    # Every test module that declares view checks (an app may split them by part, as contracts does).
    for path in sorted(tests.glob("*/test_*.py")):
        if "(ViewChecks)" in path.read_text(encoding="utf-8"):
            importlib.import_module(f"tests.{path.parent.name}.{path.stem}")
    routes = set()
    stack = list(ViewChecks.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        routes |= {route.name for route in cls.routes}
    return routes


def test_every_view_is_on_the_view_check_base():
    declared = _declared_routes()
    missing = sorted(name for name, _view in VIEWS if name not in declared)
    assert not missing, f"declare these on a ViewChecks class (tests/<app>/test_viewchecks.py): {missing}"


def test_the_check_catches_a_view_without_permission_or_selector():
    from django.views.generic import View

    from apps.core.mixins import ScopedPermissionMixin

    class Bare(View):
        pass

    class NoPermission(ScopedQuerysetMixin, View):
        selector = staticmethod(lambda *, user: None)

    class Fine(ScopedPermissionMixin, View):
        from apps.branches.selectors import orgunit_list as selector

        permission_required = "branches.view_orgunit"

    def function_view(request):
        return None

    assert _problems(Bare.as_view())
    assert len(_problems(NoPermission.as_view())) == 2
    assert _problems(function_view)
    assert not _problems(Fine.as_view())
