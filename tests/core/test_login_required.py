"""Every URL but login and health sends an anonymous visitor to a login page.

The URL conf is walked, not listed, so a view added later without protection fails here.
"""

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

PUBLIC = {"login", "healthz", "admin:login"}


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(pattern.url_patterns, full)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def _sample_kwargs(pattern):
    converters = getattr(pattern.pattern, "converters", {})
    names = pattern.pattern.regex.groupindex.keys()
    return {name: (1 if isinstance(converters.get(name), IntConverter) else "1") for name in names}


def _reversible_urls():
    urls = []
    for name, pattern in _walk(get_resolver().url_patterns):
        if name in PUBLIC:
            continue
        try:
            urls.append((name, reverse(name, kwargs=_sample_kwargs(pattern))))
        except NoReverseMatch:
            continue  # admin's app_label alternatives and the like
    return urls


URLS = _reversible_urls()


def test_the_walk_finds_the_portal_and_admin_urls():
    names = {name for name, _url in URLS}
    assert {"overview:home", "branches:orgunit_list", "branches:orgunit_detail", "admin:index"} <= names
    assert len(URLS) > 30


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "url"), URLS, ids=[name for name, _url in URLS])
def test_anonymous_is_redirected_to_login(client, name, url):
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, f"{name} {url} answered {response.status_code}"
        location = response["Location"]
        assert location.startswith((reverse(settings.LOGIN_URL), reverse("admin:login"))), location


@pytest.mark.django_db
def test_login_and_health_are_public(client):
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("healthz")).status_code in (200, 503)
