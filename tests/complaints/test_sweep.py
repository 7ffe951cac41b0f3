"""The deadline sweep: warn before, overdue at the deadline, escalate; each exactly once."""

import datetime
import threading
import time

import pytest
from django.db import connection

from apps.complaints.models import Complaint, ComplaintReminder
from apps.complaints.services import complaint_deadline_sweep, complaint_transition
from apps.core.models import Notification

SH = datetime.timezone(datetime.timedelta(hours=8))
RECEIVED = datetime.datetime(2026, 3, 1, 10, 0, tzinfo=SH)  # due by the end of 8 March


def notes(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("title", flat=True))


@pytest.mark.django_db
class TestSweep:
    def test_nothing_before_the_warning_window(self, register, chair_a):
        register(RECEIVED)
        assert complaint_deadline_sweep(now=datetime.datetime(2026, 3, 6, 23, 0, tzinfo=SH)) == {
            "warning": 0,
            "overdue": 0,
            "escalation": 0,
        }
        assert notes(chair_a) == []

    def test_warning_two_days_before_then_overdue_and_escalation_each_once(self, register, chair_a, county_user):
        complaint = register(RECEIVED)
        warn_time = datetime.datetime(2026, 3, 7, 0, 0, tzinfo=SH)
        assert complaint_deadline_sweep(now=warn_time)["warning"] == 1
        assert complaint_deadline_sweep(now=warn_time)["warning"] == 0  # twice in a row: nothing new
        assert notes(chair_a) == [f"投诉即将到期：{complaint.tracking_number} 请于 03月08日 前答复"]
        complaint.refresh_from_db()
        assert not complaint.is_overdue

        still_in_time = datetime.datetime(2026, 3, 8, 23, 59, 59, tzinfo=SH)
        assert complaint_deadline_sweep(now=still_in_time)["overdue"] == 0
        at_deadline = datetime.datetime(2026, 3, 9, 0, 0, tzinfo=SH)
        assert complaint_deadline_sweep(now=at_deadline) == {"warning": 0, "overdue": 1, "escalation": 1}
        assert complaint_deadline_sweep(now=at_deadline + datetime.timedelta(hours=1)) == {
            "warning": 0,
            "overdue": 0,
            "escalation": 0,
        }
        complaint.refresh_from_db()
        assert complaint.is_overdue
        assert len(notes(chair_a)) == 2
        assert notes(county_user) == [f"投诉逾期未答复：{complaint.tracking_number}（白塔埠镇总工会）"]
        assert ComplaintReminder.objects.filter(complaint=complaint).count() == 3

    def test_a_sweep_that_was_down_for_days_catches_up_without_skipping(self, register, chair_a):
        register(RECEIVED)
        result = complaint_deadline_sweep(now=datetime.datetime(2026, 3, 20, tzinfo=SH))
        assert result == {"warning": 1, "overdue": 1, "escalation": 1}

    def test_answered_before_the_deadline_gets_no_more_reminders(self, register, chair_a, county_user):
        complaint = register(RECEIVED)
        complaint_deadline_sweep(now=datetime.datetime(2026, 3, 7, 9, 0, tzinfo=SH))
        complaint_transition(user=chair_a, complaint=complaint, to_status="investigating")
        complaint_transition(
            user=chair_a, complaint=complaint, to_status="answered", answer_method="phone", answer_text="已答复"
        )
        assert complaint_deadline_sweep(now=datetime.datetime(2026, 3, 10, tzinfo=SH)) == {
            "warning": 0,
            "overdue": 0,
            "escalation": 0,
        }
        assert notes(county_user) == []

    def test_other_townships_chair_is_not_told(self, register, chair_b):
        register(RECEIVED)
        complaint_deadline_sweep(now=datetime.datetime(2026, 3, 10, tzinfo=SH))
        assert notes(chair_b) == []

    def test_notifications_never_carry_the_complainant(self, register, chair_a):
        register(RECEIVED)
        complaint_deadline_sweep(now=datetime.datetime(2026, 3, 10, tzinfo=SH))
        texts = " ".join(t + b for t, b in Notification.objects.values_list("title", "body"))
        assert "王强" not in texts and "13912345678" not in texts


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_send_each_reminder_once(register, chair_a):
    for day in range(5):
        register(RECEIVED + datetime.timedelta(hours=day))
    barrier = threading.Barrier(2)
    results, errors = [], []

    def sweep():
        try:
            barrier.wait()
            results.append(complaint_deadline_sweep(now=datetime.datetime(2026, 3, 10, tzinfo=SH)))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(r["overdue"] for r in results) == 5 and sum(r["warning"] for r in results) == 5
    assert ComplaintReminder.objects.count() == 15
    assert Notification.objects.filter(recipient=chair_a).count() == 10


@pytest.mark.worker
def test_the_sweep_through_a_real_worker_is_exactly_once(celery_worker, register, chair_a):
    from apps.complaints.tasks import complaint_deadline_sweep as task

    complaint = register(datetime.datetime.now(tz=SH) - datetime.timedelta(days=10))
    first = task.delay().get(timeout=60)
    second = task.delay().get(timeout=60)
    assert first == {"warning": 1, "overdue": 1, "escalation": 1}
    assert second == {"warning": 0, "overdue": 0, "escalation": 0}
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not Complaint.objects.get(pk=complaint.pk).is_overdue:
        time.sleep(0.2)
    assert Complaint.objects.get(pk=complaint.pk).is_overdue
    assert ComplaintReminder.objects.filter(complaint=complaint).count() == 3


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_sweep_leaves_nothing_and_the_next_sweep_sends_once(register, chair_a):
    """Kill -9 the worker while its sweep transaction waits on a row lock; restart; exactly once."""
    import os
    import signal
    import subprocess
    import sys
    import uuid

    import psycopg2
    from django.conf import settings as django_settings

    from apps.complaints.tasks import complaint_deadline_sweep as task
    from tests.conftest import ROOT, _database_url_of_test_db
    from unionportal.celery import app

    complaint = register(datetime.datetime.now(tz=SH) - datetime.timedelta(days=10))
    db = connection.settings_dict
    locker = psycopg2.connect(
        dbname=db["NAME"],
        user=db["USER"] or "postgres",
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        password=db["PASSWORD"] or None,
    )
    queue = f"kill-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "unionportal.settings.test",
        "DATABASE_URL": _database_url_of_test_db(),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }

    def start_worker():
        name = f"{queue}-{uuid.uuid4().hex[:4]}@localhost"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "unionportal",
                "worker",
                "--pool=solo",
                "-Q",
                queue,
                "-n",
                name,
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not app.control.ping(destination=[name], timeout=0.5):
            pass
        return process

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    worker = start_worker()
    try:
        with locker.cursor() as cursor:  # hold the complaint's row: the sweep's UPDATE will wait on it
            cursor.execute("SELECT id FROM complaints_complaint WHERE id = %s FOR UPDATE", [complaint.pk])
            task.apply_async(queue=queue)
            deadline = time.monotonic() + 60
            waiting = False
            while time.monotonic() < deadline and not waiting:
                # Statistics views are snapshotted per transaction: refresh before each look.
                cursor.execute("SELECT pg_stat_clear_snapshot()")
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database()"
                )
                waiting = cursor.fetchone()[0] > 0
                time.sleep(0.1)
            cursor.execute(
                "SELECT pid, state, wait_event_type, left(query, 60) FROM pg_stat_activity "
                "WHERE datname = current_database()"
            )
            activity = cursor.fetchall()
            assert waiting, f"the sweep never reached the locked row: {activity}"
            # The sweep has claimed its reminders inside its open transaction: now kill it.
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
        locker.rollback()
        with locker.cursor() as cursor:  # the dead worker's backend goes away, rolling back its claims
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                cursor.execute("SELECT pg_stat_clear_snapshot()")
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND state = 'idle in transaction'"
                )
                if cursor.fetchone()[0] == 0:
                    break
                time.sleep(0.2)
            locker.rollback()
        assert ComplaintReminder.objects.filter(complaint=complaint).count() == 0
        assert Notification.objects.count() == 0

        worker = start_worker()  # restart; beat would send the sweep again
        first = task.apply_async(queue=queue).get(timeout=60)
        second = task.apply_async(queue=queue).get(timeout=60)
        assert first == {"warning": 1, "overdue": 1, "escalation": 1}
        assert second == {"warning": 0, "overdue": 0, "escalation": 0}
        assert ComplaintReminder.objects.filter(complaint=complaint).count() == 3
        assert Notification.objects.filter(recipient=chair_a).count() == 2
        assert django_settings.CELERY_TASK_ACKS_LATE and django_settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    finally:
        app.conf.task_always_eager = previous
        locker.close()
        if worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=20)
