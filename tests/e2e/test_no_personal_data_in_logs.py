"""No log the portal writes carries the personal data it was given.

The real processes, each logging to its own file: gunicorn with the project's gunicorn.conf.py,
the development server (runserver, as `make run` starts it; here under the test settings, for
their password hasher), a Celery worker and Celery beat. County staff search members by name,
ID number, mobile and card number in the browser, open a member, export the search (written by
the worker), and a few requests carry personal data in the query string and the Referer (an old
bookmark, an attacker). Then every log file is searched for each of those values, as typed and
as percent-encoded in a URL: none may appear.
"""

import datetime
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from urllib.parse import quote, quote_plus, urlencode

import pytest

from apps.members.services import member_create
from tests.conftest import PASSWORD, ROOT, _database_url_of_test_db
from tests.members.conftest import make_id

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PEOPLE = [
    {"real_name": "欧阳明珠", "id_number": make_id(birth="19790612", serial="217"), "mobile": "13912345671"},
    {"real_name": "诸葛青云", "id_number": make_id(birth="19881130", serial="358"), "mobile": "15098765432"},
    {"real_name": "司马文静", "id_number": make_id(birth="19920229", serial="046"), "mobile": "18655501234"},
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, process, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args[:4]} exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (127.0.0.1 only)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer")


def _stop(process) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def portal(tmp_path, county_user, county_tree):
    """gunicorn, runserver, a worker and beat on the test database, each logging to a file."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    members = [
        member_create(
            user=None,
            union=county_tree["union_a"],
            join_date=datetime.date(2021, 3, 1),
            employment_form="regular",
            **person,
        )
        for person in PEOPLE
    ]
    # Something beat sends every second, so its log and the worker's show real scheduling.
    every_second = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name="logs-test-ping", task="apps.core.tasks.ping", interval=every_second)
    queue = f"logs-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "unionportal.settings.test",
        "DATABASE_URL": _database_url_of_test_db(),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "EXPORT_WAIT_MAX_ROWS": "0",  # every export goes to the worker
        "LOG_LEVEL": "INFO",
        "HEALTHZ_CELERY_TIMEOUT": "0.2",
        "PYTHONUNBUFFERED": "1",
    }
    web_port, dev_port = _free_port(), _free_port()
    commands = {
        "web": [
            sys.executable, "-m", "gunicorn", "unionportal.wsgi:application", "--config", "gunicorn.conf.py",
            "--bind", f"127.0.0.1:{web_port}", "--workers", "2", "--access-logfile", "-",
            "--control-socket", str(tmp_path / "gunicorn.ctl"),
        ],
        "dev": [
            sys.executable, "manage.py", "runserver", f"127.0.0.1:{dev_port}", "--noreload",
        ],
        "worker": [
            sys.executable, "-m", "celery", "-A", "unionportal", "worker", "--pool=solo", "--loglevel=INFO",
            "-Q", queue, "-n", f"{queue}@localhost", "--without-gossip", "--without-mingle",
        ],
        "beat": [
            sys.executable, "-m", "celery", "-A", "unionportal", "beat", "--loglevel=INFO",
            "--schedule", str(tmp_path / "celerybeat-schedule"),
        ],
    }  # fmt: skip
    logs, processes = {}, {}
    for name, command in commands.items():
        logs[name] = tmp_path / f"{name}.log"
        with open(logs[name], "wb") as out:
            processes[name] = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        _wait_for(f"http://127.0.0.1:{web_port}/accounts/login/", processes["web"], deadline)
        _wait_for(f"http://127.0.0.1:{dev_port}/accounts/login/", processes["dev"], deadline)
        from unionportal.celery import app

        while not app.control.ping(destination=[f"{queue}@localhost"], timeout=0.5):
            if time.monotonic() > deadline or processes["worker"].poll() is not None:
                pytest.fail("the celery worker did not answer a ping")
        yield {
            "web": f"http://127.0.0.1:{web_port}",
            "dev": f"http://127.0.0.1:{dev_port}",
            "logs": logs,
            "members": members,
            "processes": processes,
        }
    finally:
        for process in processes.values():
            _stop(process)


def _search(page, term):
    page.fill("#id_q", term)
    page.click("button:has-text('查询')")
    page.wait_for_selector("[data-testid=row-count]")


def _browser_journey(browser, base_url, members):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{base_url}/accounts/login/")
        page.fill("input[name=username]", "county")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("[data-testid=own-unit]")
        page.goto(f"{base_url}/members/")
        first, second, third = members
        _search(page, first.id_number)
        assert first.real_name in page.inner_text("table")
        assert first.id_number not in page.url
        page.click(f"table >> text={first.real_name}")
        page.wait_for_selector("[data-testid=card-number]")
        page.go_back()
        _search(page, second.real_name)
        assert second.real_name in page.inner_text("table")
        _search(page, third.mobile)
        assert third.real_name in page.inner_text("table")
        _search(page, first.card_number)
        # The export of this search is written by the worker behind a progress page.
        page.click("text=导出 Excel")
        page.wait_for_url("**/exports/**")
        deadline = time.monotonic() + 30
        while not page.query_selector("[data-testid=export-download]"):
            assert time.monotonic() < deadline, page.inner_text("[data-testid=export-status]")
            time.sleep(0.5)
            page.reload()
        with page.expect_download():
            page.click("[data-testid=export-download]")
        assert all(m.id_number not in page.url and m.real_name not in page.url for m in members)
    finally:
        context.close()


def _get(url, headers=None, cookie=None):
    request = urllib.request.Request(url, headers={**(headers or {}), **({"Cookie": cookie} if cookie else {})})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (127.0.0.1 only)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _hostile_requests(base_url, members):
    """An old bookmark, a typed URL, an attacker: personal data in query strings and Referers."""
    for member in members:
        for value in (member.id_number, member.real_name):
            query = urlencode({"q": value, "id_number": member.id_number.lower(), "mobile": member.mobile})
            for path in ("/members/", "/members/export/", "/members/transfers/in/", "/no-such-page/", "/healthz/"):
                _get(f"{base_url}{path}?{query}", headers={"Referer": f"{base_url}/members/?q={quote(value)}"})


def _forms_of(value: str) -> set[str]:
    return {value, quote(value), quote_plus(value), quote(value).lower(), quote(value, safe="")}


def test_no_log_carries_the_names_id_numbers_or_mobiles_used(browser, portal):
    members = portal["members"]
    _browser_journey(browser, portal["web"], members)
    _browser_journey(browser, portal["dev"], members)
    _hostile_requests(portal["web"], members)
    _hostile_requests(portal["dev"], members)
    time.sleep(1)  # the last access-log lines
    for process in portal["processes"].values():
        _stop(process)

    texts = {name: path.read_text(errors="replace") for name, path in portal["logs"].items()}
    # The logs are the real ones: requests, the worker's export task, beat's schedule.
    assert "GET /members/" in texts["web"] and "POST /members/" in texts["web"]
    assert "GET /members/" in texts["dev"] and "POST /members/" in texts["dev"]
    assert "run_export_job" in texts["worker"] and "succeeded" in texts["worker"]
    assert "Sending due task logs-test-ping" in texts["beat"]
    assert "apps.core.tasks.ping" in texts["worker"]
    values = [
        (what, value)
        for member in members
        for what, value in (
            ("name", member.real_name),
            ("ID number", member.id_number),
            ("mobile", member.mobile),
            ("card number", member.card_number),
        )
    ]
    leaks = [
        f"{what} {value!r} as {form!r} in the {name} log"
        for what, value in values
        for form in _forms_of(value)
        for name, text in texts.items()
        if form in text
    ]
    assert not leaks, "\n".join(leaks)
