"""Large exports are written by a worker behind a progress page, for their requester only."""

import datetime
import io
import time

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.core.models import ExportJob, Notification
from apps.core.services import export_jobs_purge
from tests.members.conftest import add_members


def _members(county_tree, count):
    add_members(county_tree["union_a"], count, surname="钱", join_date=datetime.date(2022, 5, 1))


def _rows_in(content: bytes) -> int:
    return sum(1 for _row in load_workbook(io.BytesIO(content), read_only=True).active.iter_rows()) - 1  # no header


@pytest.fixture
def small_limits(settings):
    settings.EXPORT_WAIT_MAX_ROWS = 2
    settings.EXPORT_MAX_ROWS = 10


def test_a_large_export_is_written_in_the_background_and_downloaded_by_its_requester(
    small_limits, client_for, county_user, county_tree, django_capture_on_commit_callbacks
):
    _members(county_tree, 4)
    client = client_for(county_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("members:member_export"), {"status": "active"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.status, job.total_rows, job.processed_rows, job.query) == ("done", 4, 4, "status=active")
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'data-testid="export-download"' in page and "data-refresh-seconds" not in page
    download = client.get(reverse("core:export_job_download", args=[job.pk]))
    assert download["Content-Disposition"].startswith('attachment; filename="members-')
    assert _rows_in(download.content) == 4
    assert Notification.objects.filter(recipient=county_user, link=job.get_absolute_url()).exists()


def test_nobody_else_sees_or_downloads_an_export(small_limits, client_for, county_user, chair_a, county_tree):
    job = ExportJob.objects.create(
        requested_by=county_user,
        path="/members/export/",
        total_rows=3,
        status="done",
        content=b"PK",
        file_name="m.xlsx",
    )
    client = client_for(chair_a)
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(reverse("core:export_job_download", args=[job.pk])).status_code == 404


def test_a_running_export_page_refreshes_itself_and_shows_progress(client_for, county_user):
    job = ExportJob.objects.create(
        requested_by=county_user, path="/members/export/", total_rows=4000, processed_rows=1000, status="running"
    )
    page = client_for(county_user).get(job.get_absolute_url()).content.decode()
    assert 'data-refresh-seconds="2"' in page
    assert 'value="25"' in page and "1,000" in page and "4,000" in page


def test_the_file_is_removed_after_a_day(client_for, county_user):
    job = ExportJob.objects.create(
        requested_by=county_user,
        path="/members/export/",
        total_rows=3,
        status="done",
        content=b"PK",
        file_name="m.xlsx",
        query="q=32072219800101123X",
    )
    assert export_jobs_purge(now=timezone.now() + datetime.timedelta(hours=1)) == 0
    assert export_jobs_purge(now=timezone.now() + datetime.timedelta(hours=25)) == 1
    job.refresh_from_db()
    assert job.content is None and job.query == ""  # the search terms go with the file
    client = client_for(county_user)
    response = client.get(reverse("core:export_job_download", args=[job.pk]))
    assert response.status_code == 302
    assert "保留一天" in client.get(response["Location"]).content.decode()


def test_a_second_delivery_of_the_task_writes_nothing_twice(small_limits, county_user, county_tree):
    from apps.core.services import export_job_run

    _members(county_tree, 3)
    job = ExportJob.objects.create(requested_by=county_user, path="/members/export/", total_rows=3)
    assert export_job_run(job_id=job.pk) == job.pk
    assert export_job_run(job_id=job.pk) is None
    assert Notification.objects.filter(recipient=county_user).count() == 1


@pytest.mark.worker
def test_a_large_export_through_a_real_worker(small_limits, celery_worker, county_tree, county_user, client):
    _members(county_tree, 5)
    client.force_login(county_user)
    client.get(reverse("members:member_export"))
    job = ExportJob.objects.get()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status not in ("pending", "running"):
            break
        time.sleep(0.3)
    assert job.status == "done"
    assert _rows_in(bytes(job.content)) == 5
