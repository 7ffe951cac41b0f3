"""Shared fixtures: a small county tree, one user per role, and a real Celery worker."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from apps.accounts.roles import COUNTY_STAFF, GRASSROOTS_OFFICER, TOWNSHIP_STAFF, sync_role_permissions
from apps.accounts.services import user_create
from apps.branches.choices import OrgUnitKind
from apps.branches.services import orgunit_create

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "test-pass-2026"


@pytest.fixture
def roles(db):
    # Transactional tests flush the tables the data migration filled; make sure the groups exist.
    sync_role_permissions()


@pytest.fixture
def county_tree(db):
    """东海县总工会 with two townships, each with one enterprise union."""
    county = orgunit_create(user=None, parent=None, name="东海县总工会", kind=OrgUnitKind.COUNTY)
    township_a = orgunit_create(user=None, parent=county, name="白塔埠镇总工会", kind=OrgUnitKind.TOWNSHIP)
    township_b = orgunit_create(user=None, parent=county, name="平明镇总工会", kind=OrgUnitKind.TOWNSHIP)
    union_a = orgunit_create(user=None, parent=township_a, name="白塔化工建材厂工会", kind=OrgUnitKind.ENTERPRISE)
    union_b = orgunit_create(user=None, parent=township_b, name="平明太平洋石英制品工会", kind=OrgUnitKind.ENTERPRISE)
    return {"county": county, "a": township_a, "b": township_b, "union_a": union_a, "union_b": union_b}


@pytest.fixture
def county_user(roles, county_tree):
    return user_create(
        user=None,
        username="county",
        password=PASSWORD,
        real_name="县总工会工作人员",
        org_unit=county_tree["county"],
        role=COUNTY_STAFF,
    )


@pytest.fixture
def chair_a(roles, county_tree):
    return user_create(
        user=None,
        username="chair_a",
        password=PASSWORD,
        real_name="白塔埠镇工会主席",
        org_unit=county_tree["a"],
        role=TOWNSHIP_STAFF,
    )


@pytest.fixture
def chair_b(roles, county_tree):
    return user_create(
        user=None,
        username="chair_b",
        password=PASSWORD,
        real_name="平明镇工会主席",
        org_unit=county_tree["b"],
        role=TOWNSHIP_STAFF,
    )


@pytest.fixture
def officer_a(roles, county_tree):
    return user_create(
        user=None, username="officer_a", password=PASSWORD, org_unit=county_tree["union_a"], role=GRASSROOTS_OFFICER
    )


@pytest.fixture
def client_for(client):
    """`client_for(user)`: the test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login


def _database_url_of_test_db() -> str:
    settings = connection.settings_dict
    auth = settings["USER"] or "postgres"
    if settings["PASSWORD"]:
        auth = f"{auth}:{settings['PASSWORD']}"
    return f"postgres://{auth}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real `celery worker` process on Redis, using the test database and its own queue."""
    from django.conf import settings

    from unionportal.celery import app

    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    node = f"test-{uuid.uuid4().hex[:8]}@localhost"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "unionportal.settings.test",
        "DATABASE_URL": _database_url_of_test_db(),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "unionportal",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "-Q",
            queue,
            "-n",
            node,
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"celery worker exited with {process.returncode}")
        if app.control.ping(destination=[node], timeout=0.5):
            break
    else:
        process.kill()
        pytest.fail("celery worker did not answer a ping within 60 s")
    yield {"process": process, "queue": queue, "node": node}
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def celery_worker(celery_worker_process, transactional_db):
    """Send this test's tasks to the real worker (not eagerly) and let it see committed rows."""
    from unionportal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield celery_worker_process
    app.conf.task_always_eager = previous


# --- the view-check base (tests/viewchecks.py) --------------------------------------------------


@pytest.fixture
def world(county_tree, county_user, chair_a, chair_b, officer_a):
    """Townships A and B and one user per role (and one of A with no role), for the view checks."""
    from types import SimpleNamespace

    from tests.factories import UserFactory

    norole = UserFactory(username="norole_a", org_unit=county_tree["a"])
    return SimpleNamespace(
        tree=county_tree,
        users={"county": county_user, "chair": chair_a, "officer": officer_a, "norole": norole, "chair_b": chair_b},
    )


# --- a self-contained suite: under E2E_REQUIRED or CI, a skipped test fails the run ---------------


def skips_fail() -> bool:
    """`.ci/run` sets E2E_REQUIRED=1; CI systems set CI. Then nothing may be skipped (a missing
    program, browser or sample file would otherwise pass unnoticed)."""
    return bool(os.environ.get("E2E_REQUIRED") or os.environ.get("CI"))


def _as_failure(report):
    if skips_fail() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under E2E_REQUIRED/CI, where every test must run: {reason}"
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    return _as_failure((yield))


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    return _as_failure((yield))
