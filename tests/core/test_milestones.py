"""The milestone engine: declarations, a frozen clock, exactly once under repeats and concurrency,
a bad subject skipped while the others proceed, a few statements however many are due."""

import datetime
import logging
import threading

import pytest
from django.db import OperationalError, connection
from django.db.models import F, Value
from django.test.utils import CaptureQueriesContext

from apps.accounts.services import user_create
from apps.core import milestones
from apps.core.milestones import Message, Milestone, milestones_sweep, register_milestone
from apps.core.models import ExportJob, ExportStatus, MilestoneClaim, Notification, NotificationLevel

SH = datetime.timezone(datetime.timedelta(hours=8))
START = datetime.datetime(2026, 5, 4, 9, 0, tzinfo=SH)
WAIT = datetime.timedelta(hours=1)


def waiting_jobs(run):
    """Exports still waiting an hour after they were asked for."""
    return ExportJob.objects.filter(status=ExportStatus.PENDING, created_at__lte=run.now - WAIT).annotate(
        milestone_due_at=F("created_at") + WAIT
    )


def stale(**overrides) -> Milestone:
    values = {
        "kind": "tests:export_waiting",
        "due": waiting_jobs,
        # The requester twice and a None: each recipient is told once.
        "recipients": lambda job, run: [job.requested_by, job.requested_by, None, *run.memo(auditors)],
        "message": lambda job, run: Message(
            title=f"导出 {job.pk} 等待超过一小时", link=job.get_absolute_url(), level=NotificationLevel.WARNING
        ),
        "select_related": ("requested_by",),
    }
    return Milestone(**{**values, **overrides})


AUDITOR_READS = []


def auditors():
    from django.contrib.auth import get_user_model

    AUDITOR_READS.append(1)
    return list(get_user_model().objects.filter(username="auditor"))


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for this test (the apps' own declarations are put back afterwards)."""
    monkeypatch.setattr(milestones, "_REGISTRY", {})
    AUDITOR_READS.clear()
    return milestones._REGISTRY


@pytest.fixture
def people(db):
    return {
        "alice": user_create(user=None, username="alice", password="x-pass-2026"),
        "auditor": user_create(user=None, username="auditor", password="x-pass-2026"),
    }


@pytest.fixture
def jobs(people, time_machine):
    time_machine.move_to(START, tick=False)
    return [ExportJob.objects.create(requested_by=people["alice"], path=f"/list/{i}/") for i in range(3)]


def titles(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("title", flat=True))


class TestRegistration:
    def test_the_apps_declare_theirs_in_ready(self):
        kinds = {m.kind for m in milestones.milestones()}
        assert {"complaints:warning", "complaints:overdue", "complaints:escalation"} <= kinds

    def test_a_kind_is_app_colon_name_and_declared_once(self, registry):
        register_milestone(stale())
        register_milestone(registry["tests:export_waiting"])  # the same declaration again (ready() twice)
        with pytest.raises(ValueError, match="declared twice"):
            register_milestone(stale())
        for bad in ("waiting", "Tests:Waiting", "tests:", "tests:a:b", "t:" + "x" * 60):
            with pytest.raises(ValueError, match="kind"):
                register_milestone(stale(kind=bad))

    def test_the_key_carries_the_occurrence_only_when_there_is_one(self):
        assert stale().dedupe_key(7, "") == "tests:export_waiting:7"
        assert stale().dedupe_key(7, "2026") == "tests:export_waiting:7:2026"


@pytest.mark.django_db
class TestSweep:
    def test_nothing_before_the_due_time_then_each_recipient_once(self, registry, jobs, people, time_machine):
        register_milestone(stale())
        time_machine.move_to(START + WAIT - datetime.timedelta(seconds=1), tick=False)
        assert milestones_sweep() == {"tests:export_waiting": 0}
        time_machine.move_to(START + WAIT, tick=False)
        assert milestones_sweep() == {"tests:export_waiting": 3}
        assert milestones_sweep() == {"tests:export_waiting": 0}
        time_machine.move_to(START + 10 * WAIT, tick=False)
        assert milestones_sweep() == {"tests:export_waiting": 0}
        expected = sorted(f"导出 {job.pk} 等待超过一小时" for job in jobs)
        assert titles(people["alice"]) == expected and titles(people["auditor"]) == expected
        claims = MilestoneClaim.objects.order_by("subject_id")
        assert [(c.kind, c.subject_id, c.occurrence) for c in claims] == [
            ("tests:export_waiting", job.pk, "") for job in jobs
        ]
        assert {c.due_at for c in claims} == {START + WAIT} and {c.sent_at for c in claims} == {START + WAIT}
        assert set(Notification.objects.values_list("level", flat=True)) == {"warning"}
        assert set(Notification.objects.values_list("link", flat=True)) == {job.get_absolute_url() for job in jobs}
        assert set(Notification.objects.values_list("dedupe_key", flat=True)) == {
            f"tests:export_waiting:{job.pk}" for job in jobs
        }
        assert AUDITOR_READS == [1]  # once in the one sweep that had something due, not once per subject

    def test_a_subject_that_leaves_the_due_set_is_not_reminded(self, registry, jobs, people):
        register_milestone(stale())
        ExportJob.objects.filter(pk=jobs[0].pk).update(status=ExportStatus.DONE)
        assert milestones_sweep(now=START + WAIT) == {"tests:export_waiting": 2}
        assert f"导出 {jobs[0].pk} 等待超过一小时" not in titles(people["alice"])

    def test_a_recurring_milestone_comes_round_once_per_occurrence(self, registry, jobs, people):
        def yearly(run):
            return waiting_jobs(run).annotate(milestone_occurrence=Value(str(run.now.astimezone(SH).year)))

        register_milestone(stale(due=yearly))
        assert milestones_sweep(now=START + WAIT)["tests:export_waiting"] == 3
        assert milestones_sweep(now=START + 2 * WAIT)["tests:export_waiting"] == 0
        assert milestones_sweep(now=START.replace(year=2027))["tests:export_waiting"] == 3
        assert set(MilestoneClaim.objects.values_list("occurrence", flat=True)) == {"2026", "2027"}
        assert len(titles(people["alice"])) == 6

    def test_side_effects_commit_with_the_claim(self, registry, jobs, people):
        def reached(ids, now):
            ExportJob.objects.filter(pk__in=ids).update(error="等待超时", updated_at=now)

        register_milestone(stale(reached=reached))
        milestones_sweep(now=START + WAIT)
        assert set(ExportJob.objects.values_list("error", flat=True)) == {"等待超时"}

    def test_milestones_on_one_model_cost_the_same_few_statements_for_3_or_30(self, registry, people, time_machine):
        register_milestone(stale())
        register_milestone(stale(kind="tests:export_waiting_again"))
        time_machine.move_to(START, tick=False)

        def count_for(n):
            ExportJob.objects.all().delete()
            for i in range(n):
                ExportJob.objects.create(requested_by=people["alice"], path=f"/list/{i}/")
            with CaptureQueriesContext(connection) as queries:
                done = milestones_sweep(now=START + WAIT + datetime.timedelta(seconds=n))
            assert done == {"tests:export_waiting": n, "tests:export_waiting_again": n}
            return len(queries)

        few, many = count_for(3), count_for(30)
        assert few == many <= 12, (few, many)


@pytest.mark.django_db
class TestABadSubject:
    def test_is_skipped_and_logged_by_id_while_the_others_proceed(self, registry, jobs, people, caplog):
        bad = jobs[1]
        broken = {"on": True}

        def message(job, run):
            if job.pk == bad.pk and broken["on"]:
                raise OverflowError("date value out of range: alice@example.org")
            return Message(title=f"导出 {job.pk} 等待超过一小时")

        register_milestone(stale(message=message))
        with caplog.at_level(logging.WARNING, logger="apps.core.milestones"):
            assert milestones_sweep(now=START + WAIT) == {"tests:export_waiting": 2}
        assert f"exportjob {bad.pk} (OverflowError)" in caplog.text
        assert "alice@example.org" not in caplog.text
        assert not MilestoneClaim.objects.filter(subject_id=bad.pk).exists()
        assert len(titles(people["alice"])) == 2

        assert milestones_sweep(now=START + WAIT) == {"tests:export_waiting": 0}  # still broken: retried, skipped
        broken["on"] = False
        assert milestones_sweep(now=START + WAIT) == {"tests:export_waiting": 1}
        assert len(titles(people["alice"])) == 3

    def test_a_failing_side_effect_rolls_back_that_subjects_claim(self, registry, jobs):
        def reached(ids, now):
            if jobs[0].pk in ids:
                raise ValueError("refused")

        register_milestone(stale(reached=reached))
        assert milestones_sweep(now=START + WAIT) == {"tests:export_waiting": 2}
        assert not MilestoneClaim.objects.filter(subject_id=jobs[0].pk).exists()
        assert not Notification.objects.filter(title__startswith=f"导出 {jobs[0].pk} ").exists()

    def test_a_lost_connection_is_raised_not_taken_for_a_bad_subject(self, registry, jobs):
        def message(job, run):
            raise OperationalError("server closed the connection unexpectedly")

        register_milestone(stale(message=message))
        with pytest.raises(OperationalError):
            milestones_sweep(now=START + WAIT)
        assert not MilestoneClaim.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_claim_each_subject_once(registry, people):
    """The first sweep holds its transaction open (claims made, not committed) while the second
    runs: the second must wait on the unique index, then claim nothing."""
    jobs = [ExportJob.objects.create(requested_by=people["alice"], path=f"/list/{i}/") for i in range(20)]
    now = jobs[-1].created_at + WAIT
    claimed, release = threading.Event(), threading.Event()
    reached_calls = []

    def reached(ids, when):
        reached_calls.append(len(ids))
        if len(reached_calls) == 1:  # the first sweep: claims inserted, transaction still open
            claimed.set()
            assert release.wait(30), "never released"

    register_milestone(stale(reached=reached))
    results, errors = {}, []

    def sweep(name):
        try:
            results[name] = milestones_sweep(now=now)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    first = threading.Thread(target=sweep, args=("first",))
    second = threading.Thread(target=sweep, args=("second",))
    first.start()
    assert claimed.wait(30)
    second.start()
    try:
        # The second sweep's INSERT … ON CONFLICT waits for the first's uncommitted claims.
        waited = False
        for _attempt in range(200):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND query LIKE '%core_milestoneclaim%'"
                )
                if cursor.fetchone()[0]:
                    waited = True
                    break
            second.join(0.05)
        assert waited, "the second sweep did not wait for the first"
        assert second.is_alive() and "second" not in results
    finally:
        release.set()
        first.join(30)
        second.join(30)
    assert errors == []
    assert results == {"first": {"tests:export_waiting": 20}, "second": {"tests:export_waiting": 0}}
    assert reached_calls == [20]
    assert MilestoneClaim.objects.count() == 20
    assert MilestoneClaim.objects.values("subject_id").distinct().count() == 20
    assert Notification.objects.filter(recipient=people["alice"]).count() == 20
    assert Notification.objects.filter(recipient=people["auditor"]).count() == 20


@pytest.mark.django_db
def test_nothing_due_by_construction_and_no_due_time_are_fine(registry, jobs, people):
    register_milestone(stale(due=lambda run: ExportJob.objects.none()))
    register_milestone(stale(kind="tests:empty_list", due=lambda run: ExportJob.objects.filter(pk__in=[])))
    register_milestone(stale(kind="tests:no_due_time", due=lambda run: ExportJob.objects.filter(pk=jobs[0].pk)))
    assert milestones_sweep(now=START) == {"tests:export_waiting": 0, "tests:empty_list": 0, "tests:no_due_time": 1}
    assert MilestoneClaim.objects.get().due_at is None


@pytest.mark.django_db
def test_the_replaced_sweeps_are_disabled_in_beat():
    import importlib

    from django.apps import apps as django_apps
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    migration = importlib.import_module("apps.core.migrations.0005_one_milestone_sweep")
    every = IntervalSchedule.objects.create(every=5, period="minutes")
    old = PeriodicTask.objects.create(
        name="complaints-deadline-sweep", task="apps.complaints.tasks.complaint_deadline_sweep", interval=every
    )
    other = PeriodicTask.objects.create(name="core-ping", task="apps.core.tasks.ping", interval=every)
    migration.disable_the_replaced_sweeps(django_apps, None)
    old.refresh_from_db()
    other.refresh_from_db()
    assert not old.enabled and other.enabled


@pytest.mark.django_db
def test_a_declaration_that_cannot_list_its_subjects_does_not_stop_the_others(registry, jobs, people, caplog):
    def broken(run):
        raise KeyError("a bug in one app")

    register_milestone(stale(kind="tests:broken", due=broken))
    register_milestone(stale())
    with caplog.at_level(logging.ERROR, logger="apps.core.milestones"):
        assert milestones_sweep(now=START + WAIT) == {"tests:broken": 0, "tests:export_waiting": 3}
    assert "tests:broken could not list its due subjects (KeyError)" in caplog.text


@pytest.mark.django_db
def test_a_claim_is_stamped_when_it_was_sent_not_with_the_sweeps_clock(registry, jobs, time_machine):
    register_milestone(stale())
    time_machine.move_to(START + 3 * WAIT, tick=False)
    assert milestones_sweep(now=START + WAIT) == {"tests:export_waiting": 3}
    claims = MilestoneClaim.objects.all()
    assert {c.sent_at for c in claims} == {START + 3 * WAIT} and {c.due_at for c in claims} == {START + WAIT}
