"""The complaint reminders on the core milestone engine: declared by the app, swept by the one
beat task in a real worker, and the reminders sent before the deploy never sent again."""

import datetime
import time

import pytest
from django.db import connection

from apps.complaints.models import Complaint, ComplaintReminder
from apps.complaints.services import complaint_deadline_sweep
from apps.core.models import MilestoneClaim, Notification

SH = datetime.timezone(datetime.timedelta(hours=8))


@pytest.mark.worker
def test_the_one_beat_task_sweeps_the_complaints_through_a_real_worker_exactly_once(
    celery_worker, register, chair_a, county_user
):
    from django.conf import settings

    from apps.core.tasks import sweep_milestones

    assert settings.CELERY_BEAT_SCHEDULE["core-sweep-milestones"]["task"] == sweep_milestones.name
    assert not any(
        entry["task"] == "apps.complaints.tasks.complaint_deadline_sweep"
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
    )
    complaint = register(datetime.datetime.now(tz=SH) - datetime.timedelta(days=10))
    first = sweep_milestones.delay().get(timeout=60)
    second = sweep_milestones.delay().get(timeout=60)
    assert {k: v for k, v in first.items() if k.startswith("complaints:")} == {
        "complaints:warning": 1,
        "complaints:overdue": 1,
        "complaints:escalation": 1,
    }
    assert not any(second.values())
    assert Complaint.objects.get(pk=complaint.pk).is_overdue
    assert sorted(
        MilestoneClaim.objects.filter(subject_id=complaint.pk, kind__startswith="complaints:").values_list(
            "kind", flat=True
        )
    ) == ["complaints:escalation", "complaints:overdue", "complaints:warning"]
    # The one task sends every app's milestones (today's compliance reminders too): these are the complaint's.
    notes = Notification.objects.filter(dedupe_key__startswith="complaints:")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and notes.count() < 3:
        time.sleep(0.2)
    assert notes.filter(recipient=chair_a).count() == 2  # warning and overdue, once each
    assert notes.filter(recipient=county_user).count() == 1
    assert set(notes.values_list("dedupe_key", flat=True)) == {
        f"complaints:{kind}:{complaint.pk}" for kind in ("warning", "overdue", "escalation")
    }


@pytest.mark.django_db
def test_the_reminders_read_as_before_through_the_view(register, chair_a):
    complaint = register(datetime.datetime.now(tz=SH) - datetime.timedelta(days=10))
    complaint_deadline_sweep()
    assert sorted(complaint.reminders.values_list("kind", flat=True)) == ["escalation", "overdue", "warning"]
    # A bulk load (the bench's generator) still writes reminders by inserting into the view.
    other = register(datetime.datetime.now(tz=SH) - datetime.timedelta(days=10))
    ComplaintReminder.objects.create(complaint=other, kind="warning", sent_at=other.received_at)
    assert MilestoneClaim.objects.filter(kind="complaints:warning", subject_id=other.pk).exists()
    assert complaint_deadline_sweep() == {"warning": 0, "overdue": 1, "escalation": 1}


@pytest.mark.django_db(transaction=True)
def test_reminders_sent_before_the_deploy_are_not_sent_again(register, chair_a, county_user):
    """Back to the old table, record two reminders there, migrate: they are the engine's claims."""
    from django.db.migrations.executor import MigrationExecutor

    complaint = register(datetime.datetime.now(tz=SH) - datetime.timedelta(days=10))
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate([("complaints", "0006_received_at_not_later_than_now")])
    sent_at = datetime.datetime.now(tz=SH) - datetime.timedelta(days=2)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO complaints_complaintreminder (complaint_id, kind, sent_at) VALUES (%s, 'warning', %s),"
            " (%s, 'overdue', %s)",
            [complaint.pk, sent_at, complaint.pk, sent_at],
        )
    executor = MigrationExecutor(connection)
    executor.migrate(leaves)

    claims = MilestoneClaim.objects.filter(subject_id=complaint.pk).order_by("kind")
    assert [(c.kind, c.sent_at, c.occurrence) for c in claims] == [
        ("complaints:overdue", sent_at, ""),
        ("complaints:warning", sent_at, ""),
    ]
    warning = claims.get(kind="complaints:warning")
    assert warning.due_at == complaint.due_at - datetime.timedelta(hours=48)
    assert complaint_deadline_sweep() == {"warning": 0, "overdue": 0, "escalation": 1}
    assert Notification.objects.filter(recipient=chair_a).count() == 0
    assert Notification.objects.filter(recipient=county_user).count() == 1
    assert ComplaintReminder.objects.filter(complaint=complaint).count() == 3


@pytest.mark.django_db
def test_a_backlog_costs_the_same_few_statements_for_3_or_30_complaints(register, chair_a, county_user):
    from django.test.utils import CaptureQueriesContext

    received = datetime.datetime.now(tz=SH) - datetime.timedelta(days=10)

    def statements_for(n):
        complaints = [register(received + datetime.timedelta(seconds=i)) for i in range(n)]
        with CaptureQueriesContext(connection) as queries:
            assert complaint_deadline_sweep() == {"warning": n, "overdue": n, "escalation": n}
        Complaint.objects.filter(pk__in=[c.pk for c in complaints]).update(status="closed")
        return len(queries)

    few, many = statements_for(3), statements_for(30)
    assert few == many <= 15, (few, many)
