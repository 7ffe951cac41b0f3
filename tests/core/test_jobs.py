"""Background jobs end done or failed: the sweep re-sends lost messages and fails dead jobs; "重试"."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from apps.core.jobs import LOST_MESSAGE, job_kinds, jobs_sweep
from apps.core.models import ExportJob
from apps.members.models import Member, RosterImport
from tests.members.conftest import add_members, make_id

pytestmark = pytest.mark.django_db


def _ago(seconds):
    return timezone.now() - datetime.timedelta(seconds=seconds)


def _roster(rows):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["姓名", "身份证号码", "用工形式", "入会时间"])
    for serial in range(rows):
        book.active.append([f"甲{serial}", make_id(serial=f"{serial + 100:03d}"), "合同工", "2020-01-01"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def small_limits(settings):
    settings.EXPORT_WAIT_MAX_ROWS = 2
    settings.EXPORT_MAX_ROWS = 10


def test_every_kind_of_job_is_registered_and_their_thresholds_come_from_the_task_limits():
    from apps.contracts.imports import run_contract_import
    from apps.core.tasks import run_export_job
    from apps.dues.imports import run_tax_statement_import
    from apps.members.tasks import run_roster_import
    from apps.overview.tasks import run_assessment_refresh
    from apps.training.imports import run_attendance_import

    kinds = {kind.task_name: kind for kind in job_kinds()}
    assert set(kinds) == {
        run_export_job.name,
        run_roster_import.name,
        run_contract_import.name,
        run_tax_statement_import.name,
        run_attendance_import.name,
        run_assessment_refresh.name,
    }
    for task in (
        run_export_job,
        run_roster_import,
        run_contract_import,
        run_tax_statement_import,
        run_attendance_import,
        run_assessment_refresh,
    ):
        assert task.acks_late and task.reject_on_worker_lost
        assert task.soft_time_limit < task.time_limit <= settings.CELERY_TASK_TIME_LIMIT
        lost_after = kinds[task.name].lost_after()
        assert lost_after == datetime.timedelta(seconds=task.time_limit + settings.JOB_LOST_GRACE)
        # Redis must not redeliver a message whose task may still be running.
        assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > lost_after.total_seconds()
    assert settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD > 0
    assert "core-sweep-background-jobs" in settings.CELERY_BEAT_SCHEDULE


def test_the_sweep_fails_jobs_that_ran_past_their_limit_and_leaves_running_ones(county_user, county_tree):
    export_lost = ExportJob.objects.create(requested_by=county_user, path="/members/export/", status="running")
    export_alive = ExportJob.objects.create(requested_by=county_user, path="/members/export/", status="running")
    import_lost = RosterImport.objects.create(
        union=county_tree["union_a"], uploaded_by=county_user, file_name="r.xlsx", content=b"", status="running"
    )
    ExportJob.objects.filter(pk=export_lost.pk).update(updated_at=_ago(settings.EXPORT_JOB_TIME_LIMIT + 61))
    ExportJob.objects.filter(pk=export_alive.pk).update(updated_at=_ago(settings.EXPORT_JOB_TIME_LIMIT - 10))
    RosterImport.objects.filter(pk=import_lost.pk).update(updated_at=_ago(settings.ROSTER_IMPORT_TIME_LIMIT + 61))

    assert jobs_sweep() == {"redispatched": 0, "failed": 2}
    for job in (export_lost, export_alive, import_lost):
        job.refresh_from_db()
    assert (export_lost.status, export_lost.error) == ("failed", LOST_MESSAGE)
    assert export_lost.finished_at is not None
    assert export_alive.status == "running"
    assert (import_lost.status, import_lost.error) == ("failed", LOST_MESSAGE)
    assert "重试" in LOST_MESSAGE
    assert jobs_sweep() == {"redispatched": 0, "failed": 0}


def test_the_sweep_sends_again_jobs_whose_message_was_lost(
    small_limits, county_user, county_tree, django_capture_on_commit_callbacks
):
    add_members(county_tree["union_a"], 3)
    job = ExportJob.objects.create(requested_by=county_user, path="/members/export/", total_rows=3)
    fresh = ExportJob.objects.create(requested_by=county_user, path="/members/export/", total_rows=3)
    roster = RosterImport.objects.create(
        union=county_tree["union_a"], uploaded_by=county_user, file_name="r.xlsx", content=_roster(2)
    )
    ExportJob.objects.filter(pk=job.pk).update(updated_at=_ago(settings.JOB_REDISPATCH_AFTER + 1))
    RosterImport.objects.filter(pk=roster.pk).update(updated_at=_ago(settings.JOB_REDISPATCH_AFTER + 1))

    with django_capture_on_commit_callbacks(execute=True):  # eager: the re-sent task runs here
        assert jobs_sweep() == {"redispatched": 2, "failed": 0}
    job.refresh_from_db()
    fresh.refresh_from_db()
    roster.refresh_from_db()
    assert job.status == "done" and fresh.status == "pending"
    assert roster.status == "checked" and roster.summary["create"] == 2


def test_a_failed_export_shows_its_message_and_a_retry_for_its_requester_only(
    small_limits, client_for, county_user, chair_a, county_tree, django_capture_on_commit_callbacks
):
    add_members(county_tree["union_a"], 3)
    job = ExportJob.objects.create(
        requested_by=county_user,
        path="/members/export/",
        total_rows=3,
        status="failed",
        error=LOST_MESSAGE,
        retryable=True,
    )
    retry = reverse("core:export_job_retry", args=[job.pk])
    assert client_for(chair_a).post(retry).status_code == 404
    client = client_for(county_user)
    page = client.get(job.get_absolute_url()).content.decode()
    assert LOST_MESSAGE.split("，")[0] in page and 'data-testid="export-retry"' in page and "重试" in page
    assert client.get(retry).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.status, job.error, job.processed_rows) == ("done", "", 3)
    # A done job is not retried.
    client.post(retry)
    job.refresh_from_db()
    assert job.status == "done"


def test_an_interrupted_import_can_be_retried_by_who_may_see_it_and_a_bad_file_cannot(
    client_for, chair_a, chair_b, county_tree, django_capture_on_commit_callbacks
):
    lost = RosterImport.objects.create(
        union=county_tree["union_a"],
        uploaded_by=chair_a,
        file_name="r.xlsx",
        content=_roster(3),
        commit=True,
        status="failed",
        error=LOST_MESSAGE,
        retryable=True,
        summary={"rows": 3, "create": 3},
    )
    bad_file = RosterImport.objects.create(
        union=county_tree["union_a"],
        uploaded_by=chair_a,
        file_name="bad.xlsx",
        content=b"PK",
        status="failed",
        error="文件无法读取",
        summary={"fatal": "文件无法读取", "rows": 0},
    )
    retry = reverse("members:import_retry", kwargs={"pk": lost.pk})
    assert client_for(chair_b).post(retry).status_code == 404
    client = client_for(chair_a)
    page = client.get(lost.get_absolute_url()).content.decode()
    assert 'data-testid="import-retry"' in page and LOST_MESSAGE.split("，")[0] in page
    assert 'data-testid="import-retry"' not in client.get(bad_file.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(retry).status_code == 302
    lost.refresh_from_db()
    assert (lost.status, lost.error) == ("imported", "")
    assert Member.objects.count() == 3
    # Only once: the imported roster is not retried, and nothing is written again.
    client.post(retry)
    response = client.post(reverse("members:import_retry", kwargs={"pk": bad_file.pk}), follow=True)
    assert "重新上传" in response.content.decode()
    assert Member.objects.count() == 3
    bad_file.refresh_from_db()
    assert bad_file.status == "failed"


def test_an_import_the_sweep_gave_up_on_writes_nothing(county_tree, chair_a, monkeypatch):
    """The final write re-checks, under a row lock, that the job is still running (not failed)."""
    from apps.members import imports

    record = RosterImport.objects.create(
        union=county_tree["union_a"], uploaded_by=chair_a, file_name="r.xlsx", content=_roster(2), commit=True
    )
    real_check = imports._check

    def check_then_lost(roster_import):
        result = real_check(roster_import)
        RosterImport.objects.filter(pk=roster_import.pk).update(status="failed", error=LOST_MESSAGE)
        return result

    monkeypatch.setattr(imports, "_check", check_then_lost)
    assert imports.roster_import_execute(import_id=record.pk).status == "failed"
    assert Member.objects.count() == 0


def test_a_redelivered_message_takes_a_running_job_over_and_a_duplicate_does_not(
    small_limits, county_tree, chair_a, county_user
):
    """Redis redelivers only when the first run is over (its worker died), so the job is taken over."""
    from apps.core.services import export_job_run
    from apps.members.imports import roster_import_execute

    roster = RosterImport.objects.create(
        union=county_tree["union_a"],
        uploaded_by=chair_a,
        file_name="r.xlsx",
        content=_roster(2),
        commit=True,
        status="running",
    )
    assert roster_import_execute(import_id=roster.pk).status == "running"  # a duplicate: left alone
    assert Member.objects.count() == 0
    assert roster_import_execute(import_id=roster.pk, redelivered=True).status == "imported"
    assert roster_import_execute(import_id=roster.pk, redelivered=True).status == "imported"
    assert Member.objects.count() == 2

    add_members(county_tree["union_b"], 3)
    job = ExportJob.objects.create(requested_by=county_user, path="/members/export/", total_rows=3, status="running")
    assert export_job_run(job_id=job.pk) is None
    assert export_job_run(job_id=job.pk, redelivered=True) == job.pk
    job.refresh_from_db()
    assert job.status == "done"
    assert export_job_run(job_id=job.pk, redelivered=True) is None  # done stays done


def test_a_failed_job_is_not_taken_over_by_a_late_redelivery(county_tree, chair_a):
    from apps.members.imports import roster_import_execute

    roster = RosterImport.objects.create(
        union=county_tree["union_a"],
        uploaded_by=chair_a,
        file_name="r.xlsx",
        content=_roster(2),
        commit=True,
        status="failed",
        error=LOST_MESSAGE,
    )
    assert roster_import_execute(import_id=roster.pk, redelivered=True).status == "failed"
    assert Member.objects.count() == 0


def test_a_pool_process_cannot_allocate_past_the_memory_cap():
    """The cap a worker's pool process sets on itself (unionportal.celery, worker_process_init)."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = (
        "import django; django.setup()\n"
        "from unionportal.celery import limit_memory_of_pool_process\n"
        "limit_memory_of_pool_process()\n"
        "try:\n"
        "    block = bytearray(600 * 1024 * 1024)\n"
        "except MemoryError:\n"
        "    print('refused')\n"
        "else:\n"
        "    print('allocated')\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "unionportal.settings.test", "WORKER_MEMORY_LIMIT_MB": "400"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "refused", result.stderr[-2000:]


def test_retry_needs_the_csrf_token(client, county_user, chair_a, county_tree):
    from django.test import Client

    job = ExportJob.objects.create(requested_by=county_user, path="/members/export/", status="failed")
    roster = RosterImport.objects.create(
        union=county_tree["union_a"], uploaded_by=chair_a, file_name="r.xlsx", content=b"", status="failed"
    )
    for user, url in (
        (county_user, reverse("core:export_job_retry", args=[job.pk])),
        (chair_a, reverse("members:import_retry", kwargs={"pk": roster.pk})),
    ):
        strict = Client(enforce_csrf_checks=True)
        strict.force_login(user)
        assert strict.post(url).status_code == 403
    job.refresh_from_db()
    roster.refresh_from_db()
    assert job.status == roster.status == "failed"


def test_a_job_whose_worker_dies_again_after_the_takeover_fails_instead_of_looping(county_tree, chair_a):
    """A file that kills every worker that reads it is redelivered once, then the job fails."""
    from apps.core.jobs import LOST_TWICE_MESSAGE, TAKEN_OVER_NOTE, job_claim

    roster = RosterImport.objects.create(
        union=county_tree["union_a"], uploaded_by=chair_a, file_name="r.xlsx", content=b"", status="queued"
    )
    assert job_claim(RosterImport, roster.pk)  # the first run, whose worker dies
    assert not job_claim(RosterImport, roster.pk)  # a duplicate message
    assert job_claim(RosterImport, roster.pk, redelivered=True)  # redelivered: taken over
    roster.refresh_from_db()
    assert (roster.status, roster.error) == ("running", TAKEN_OVER_NOTE)
    assert not job_claim(RosterImport, roster.pk, redelivered=True)  # that worker died too
    roster.refresh_from_db()
    assert (roster.status, roster.error) == ("failed", LOST_TWICE_MESSAGE)
    assert roster.can_retry and roster.finished_at is not None


def test_a_stale_redelivered_message_never_takes_over_the_retried_run(
    county_tree, chair_a, monkeypatch, django_capture_on_commit_callbacks
):
    """A message redelivered an hour after its worker died, when the sweep has failed the job and
    "重试" queued it again: it is not the message that claimed the running run (another task id),
    so it neither runs it a second time nor marks it failed; only the same message may take over."""
    from apps.core.jobs import job_claim
    from apps.members import imports

    roster = RosterImport.objects.create(
        union=county_tree["union_a"], uploaded_by=chair_a, file_name="r.xlsx", content=_roster(2), commit=True
    )
    assert job_claim(RosterImport, roster.pk, task_id="first")  # its worker is killed -9
    lost = timezone.now() + max(kind.lost_after() for kind in job_kinds()) + datetime.timedelta(seconds=1)
    assert jobs_sweep(now=lost)["failed"] == 1
    roster.refresh_from_db()
    assert roster.can_retry
    with django_capture_on_commit_callbacks(execute=False):  # the retry's message is "second"
        imports.roster_import_retry(roster_import=roster, user=chair_a)
    assert job_claim(RosterImport, roster.pk, task_id="second")
    # Two stale copies of the first message come back: nothing happens to the second run.
    assert imports.roster_import_execute(import_id=roster.pk, task_id="first", redelivered=True).status == "running"
    assert not job_claim(RosterImport, roster.pk, task_id="first", redelivered=True)
    roster.refresh_from_db()
    assert (roster.status, roster.error, roster.task_id) == ("running", "", "second")
    assert Member.objects.count() == 0
    # The second message itself, redelivered after its own worker died, takes over.
    assert imports.roster_import_execute(import_id=roster.pk, task_id="second", redelivered=True).status == "imported"
    assert Member.objects.count() == 2


def test_a_run_writes_nothing_once_another_message_owns_the_job(county_tree, chair_a, monkeypatch):
    """The final write is filtered on the claiming task id, not only on the status."""
    from apps.members import imports

    record = RosterImport.objects.create(
        union=county_tree["union_a"], uploaded_by=chair_a, file_name="r.xlsx", content=_roster(2), commit=True
    )
    real_check = imports._check

    def check_then_owned_by_another(roster_import):
        result = real_check(roster_import)
        RosterImport.objects.filter(pk=roster_import.pk).update(task_id="another")
        return result

    monkeypatch.setattr(imports, "_check", check_then_owned_by_another)
    assert imports.roster_import_execute(import_id=record.pk, task_id="mine").status == "running"
    assert Member.objects.count() == 0

    from apps.core.services import export_job_run

    add_members(county_tree["union_b"], 2)
    job = ExportJob.objects.create(requested_by=chair_a, path="/members/export/", total_rows=2, status="running")
    ExportJob.objects.filter(pk=job.pk).update(task_id="another")
    assert export_job_run(job_id=job.pk, task_id="stale", redelivered=True) is None
    job.refresh_from_db()
    assert (job.status, job.error) == ("running", "")


def test_the_tasks_claim_with_their_celery_task_id(county_tree, chair_a, settings):
    from apps.members.tasks import run_roster_import

    roster = RosterImport.objects.create(
        union=county_tree["union_a"], uploaded_by=chair_a, file_name="r.xlsx", content=_roster(1)
    )
    run_roster_import.apply(args=(roster.pk,), task_id="the-task-id")
    roster.refresh_from_db()
    assert (roster.status, roster.task_id) == ("checked", "the-task-id")


@pytest.mark.parametrize(
    ("raised", "retryable", "says"),
    [
        (AttributeError("'NoneType' object has no attribute 'year'"), False, "重新上传"),
        (MemoryError(), False, "拆分"),
        ("integrity", False, "重新上传"),
        ("database gone", True, "重试"),
        ("time limit", True, "重试"),
    ],
)
def test_only_an_interrupted_import_offers_a_retry(
    raised, retryable, says, client_for, chair_a, county_tree, monkeypatch, django_capture_on_commit_callbacks
):
    """A failure caused by the file or its data fails the same way again: the page says what to do."""
    from celery.exceptions import SoftTimeLimitExceeded
    from django.db import IntegrityError, OperationalError

    from apps.members import imports

    exception = {
        "integrity": IntegrityError("duplicate key value violates unique constraint"),
        "database gone": OperationalError("server closed the connection unexpectedly"),
        "time limit": SoftTimeLimitExceeded(),
    }.get(raised, raised)
    record = RosterImport.objects.create(
        union=county_tree["union_a"], uploaded_by=chair_a, file_name="r.xlsx", content=_roster(2), commit=True
    )

    def fails(_roster_import):
        raise exception

    monkeypatch.setattr(imports, "_check", fails)
    with pytest.raises(type(exception)):
        imports.roster_import_execute(import_id=record.pk)
    record.refresh_from_db()
    assert (record.status, record.retryable, record.can_retry) == ("failed", retryable, retryable)
    assert says in record.error
    client = client_for(chair_a)
    page = client.get(record.get_absolute_url()).content.decode()
    assert ('data-testid="import-retry"' in page) == retryable
    if not retryable:
        response = client.post(reverse("members:import_retry", kwargs={"pk": record.pk}), follow=True)
        assert "重新上传" in response.content.decode()
        record.refresh_from_db()
        assert record.status == "failed"


def test_an_export_whose_filter_no_longer_validates_offers_no_retry(
    client_for, county_user, county_tree, django_capture_on_commit_callbacks
):
    from apps.core.errors import ApplicationError
    from apps.core.services import export_job_run

    job = ExportJob.objects.create(requested_by=county_user, path="/members/export/", query="union=abc", total_rows=3)
    with pytest.raises(ApplicationError):
        export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.retryable, job.can_retry) == ("failed", False, False)
    assert "修改筛选条件后重新导出" in job.error
    client = client_for(county_user)
    assert 'data-testid="export-retry"' not in client.get(job.get_absolute_url()).content.decode()
    response = client.post(reverse("core:export_job_retry", args=[job.pk]), follow=True)
    assert "重新导出" in response.content.decode()
    job.refresh_from_db()
    assert job.status == "failed"


def test_the_purge_clears_the_filters_of_every_old_export_and_then_it_cannot_be_retried(
    county_user, client_for, django_capture_on_commit_callbacks
):
    from apps.core.services import EXPORT_PURGED_MESSAGE, export_jobs_purge

    search = "q=陈桂+320722198503151234"
    old, fresh = _ago(settings.EXPORT_KEEP_HOURS * 3600 + 60), _ago(60)
    failed = ExportJob.objects.create(
        requested_by=county_user, path="/members/export/", query=search, status="failed", retryable=True
    )
    pending = ExportJob.objects.create(requested_by=county_user, path="/members/export/", query=search)
    done = ExportJob.objects.create(
        requested_by=county_user, path="/members/export/", query=search, status="done", content=b"xlsx"
    )
    recent = ExportJob.objects.create(
        requested_by=county_user, path="/members/export/", query=search, status="failed", retryable=True
    )
    ExportJob.objects.filter(pk__in=[failed.pk, pending.pk, done.pk]).update(created_at=old)
    ExportJob.objects.filter(pk=recent.pk).update(created_at=fresh)
    assert export_jobs_purge() == 3
    for job in (failed, pending, done):
        job.refresh_from_db()
        assert (job.query, job.content) == ("", None)
        assert job.status in ("failed", "done") and not job.can_retry
    assert pending.error == EXPORT_PURGED_MESSAGE  # it would otherwise run later, without its filters
    recent.refresh_from_db()
    assert recent.query == search and recent.can_retry
    client = client_for(county_user)
    assert 'data-testid="export-retry"' not in client.get(failed.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:export_job_retry", args=[failed.pk]), follow=True)
    assert EXPORT_PURGED_MESSAGE in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == "failed"
    assert export_jobs_purge() == 0  # nothing left to clear


def test_a_failing_import_logs_its_id_and_error_class_but_no_personal_data(county_tree, chair_a, monkeypatch, caplog):
    """PostgreSQL's DETAIL names the failing row's values; Celery logs what a task raises."""
    import logging

    from django.db import IntegrityError

    from apps.members import imports
    from apps.members.tasks import run_roster_import

    record = RosterImport.objects.create(
        union=county_tree["union_a"], uploaded_by=chair_a, file_name="r.xlsx", content=_roster(2), commit=True
    )

    def violates(*_args):
        raise IntegrityError(
            'new row for relation "members_member" violates check constraint "members_member_plausible_birth_date"\n'
            "DETAIL:  Failing row contains (7, 甲0, 1985-03-15, 320722198503151001)."
        )

    monkeypatch.setattr(imports, "_write", violates)
    with caplog.at_level(logging.DEBUG):
        result = run_roster_import.apply(args=(record.pk,), task_id="task-1", throw=False)
    assert result.failed()
    record.refresh_from_db()
    assert record.status == "failed" and not record.can_retry
    logged = caplog.text + "".join(
        logging.Formatter().formatException(r.exc_info) for r in caplog.records if r.exc_info
    )
    assert f"roster import {record.pk} failed: IntegrityError" in logged
    assert "raised unexpected: JobFailed" in logged  # Celery's own line, about the sanitized exception
    for secret in ("甲0", "1985-03-15", "320722198503151001", "Failing row"):
        assert secret not in logged
        assert secret not in repr(result.result) and secret not in (result.traceback or "")
