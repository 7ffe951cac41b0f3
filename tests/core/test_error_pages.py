"""The portal's own 403, 404 and 500 pages; a refusal is one line in the log; the favicon;
the demo (`make run`) runs with DEBUG off and its static files served."""

import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import reverse

from apps.core.logging import OneLineRefusalFilter, RedactPersonalDataFilter

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_a_page_that_does_not_exist_is_the_portals_404(client, county_user):
    client.force_login(county_user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and 'class="navbar-brand' in html
    assert 'rel="icon"' in html


@pytest.mark.django_db
def test_a_refused_page_is_the_portals_403_and_one_line_in_the_log(client, officer_a, caplog):
    # A grassroots officer registers their own union's members but never an enterprise.
    client.force_login(officer_a)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("branches:enterprise_create"))
    assert response.status_code == 403
    assert "没有权限" in response.content.decode()
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    record = records[0]
    OneLineRefusalFilter().filter(record)  # (the console handler has run it on this record already)
    RedactPersonalDataFilter().filter(record)
    line = logging.Formatter("%(levelname)s %(name)s %(message)s").format(record)
    assert line == "WARNING django.request Forbidden (Permission denied): /branches/enterprises/new/"
    assert record.exc_info is None and "Traceback" not in line


def test_django_hands_the_handlers_a_403_with_its_traceback_and_the_filter_drops_it():
    try:
        raise PermissionDenied
    except PermissionDenied:
        record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden", (), sys.exc_info())
    record.status_code = 403
    assert "Traceback" in logging.Formatter().format(record)
    record.exc_text = None
    OneLineRefusalFilter().filter(record)
    assert logging.Formatter().format(record) == "Forbidden"


def test_the_console_handler_drops_a_refusals_traceback_before_the_masker_formats_it():
    from django.conf import settings

    assert settings.LOGGING["handlers"]["console"]["filters"] == ["one_line_refusals", "no_personal_data"]
    # Django's own "django" handlers (a second copy of every record with DEBUG on) are gone.
    assert settings.LOGGING["loggers"]["django"] == {"level": "INFO", "propagate": True}
    assert not logging.getLogger("django").handlers


def test_a_server_error_keeps_its_traceback():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error", (), sys.exc_info()
        )
    record.status_code = 500
    OneLineRefusalFilter().filter(record)
    assert record.exc_info is not None


def test_a_permission_denied_from_djangos_security_logger_is_one_line_too():
    try:
        raise PermissionDenied
    except PermissionDenied:
        record = logging.LogRecord(
            "django.security.csrf", logging.WARNING, __file__, 1, "Forbidden", (), sys.exc_info()
        )
    record.status_code = 403
    OneLineRefusalFilter().filter(record)
    assert record.exc_info is None and "Traceback" not in logging.Formatter().format(record)


@pytest.mark.django_db
def test_the_500_page_is_the_portals(client, county_user):
    from django.test import RequestFactory

    from apps.core.views import server_error

    request = RequestFactory().get("/")
    request.user = county_user
    html = server_error(request).content.decode()
    assert "服务器错误" in html
    assert "县总工会工作平台" in html and 'rel="icon"' in html


@pytest.mark.django_db
def test_the_favicon_is_served_at_the_root_and_as_a_static_file(client):
    ico = client.get("/favicon.ico")
    assert ico.status_code == 200 and b"".join(ico.streaming_content)[:4] == b"\x00\x00\x01\x00"
    assert (ROOT / "static" / "favicon.svg").read_text().startswith("<svg")


def test_base_html_links_the_favicon():
    base = (ROOT / "templates" / "base.html").read_text()
    assert 'href="/favicon.ico"' in base and "{% static 'favicon.svg' %}" in base


def test_make_run_turns_debug_off_for_the_portal_but_not_for_the_demo_data():
    source = (ROOT / "scripts" / "devstack.py").read_text()
    run = source[source.index("def cmd_run") : source.index("def cmd_test")]
    assert run.index('"seed_demo"') < run.index('os.environ.setdefault("DJANGO_DEBUG", "false")') < run.index("honcho")


def test_the_development_settings_with_debug_off_serve_static_files_and_the_portals_error_pages():
    """manage.py's own settings (unionportal.settings.local) as `make run` starts them: DEBUG off,
    a missing page is the portal's 404 page and the stylesheet is served (WhiteNoise from the
    finders, no collectstatic)."""
    script = (
        "import django, os\n"
        "django.setup()\n"
        "from django.conf import settings\n"
        "from django.test import Client\n"
        "assert not settings.DEBUG\n"
        "c = Client(HTTP_HOST='127.0.0.1')\n"
        "r = c.get('/static/css/portal.css')\n"
        "print(r.status_code, b''.join(r.streaming_content)[:30])\n"
        "r = c.get('/static/favicon.svg')\n"
        "print(r.status_code)\n"
    )
    env = {
        **{k: v for k, v in __import__("os").environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "DJANGO_SETTINGS_MODULE": "unionportal.settings.local",
        "DJANGO_DEBUG": "false",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    assert re.match(r"200 b'/\* unionportal", lines[0]), lines
    assert lines[1] == "200"


@override_settings(DEBUG=False)
@pytest.mark.django_db
def test_with_debug_off_an_error_is_never_djangos_yellow_page(client, county_user):
    client.force_login(county_user)
    html = client.get("/members/999999999/").content.decode()
    assert "页面不存在" in html
    assert "Using the URLconf" not in html and "technical_404" not in html
