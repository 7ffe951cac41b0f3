"""Celery runs for real: a worker process on Redis executes tasks; beat's schedule is in the DB."""

import time

import pytest
from django.core import mail
from django_celery_beat.models import PeriodicTask

from apps.core.models import Notification
from apps.core.services import notification_send
from apps.core.tasks import ping

pytestmark = pytest.mark.worker


def test_worker_runs_a_task_and_its_result_comes_back(celery_worker):
    result = ping.delay()
    assert result.get(timeout=30) == "pong"


def test_worker_emails_a_notification_and_marks_it_sent(celery_worker, chair_a):
    chair_a.email = "chair@example.org"
    chair_a.save()
    # Autocommit here, so the on-commit hook queues the email at once, through the broker.
    notification = notification_send(recipient=chair_a, title="测试提醒", body="请处理")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        notification.refresh_from_db()
        if notification.emailed_at is not None:
            break
        time.sleep(0.2)
    assert notification.emailed_at is not None, "the worker did not email the notification within 30 s"
    # The email was sent in the worker's process, not this one.
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_beat_schedule_is_stored_in_the_database():
    from django_celery_beat.schedulers import DatabaseScheduler

    from apps.core.beat import ResilientDatabaseScheduler
    from unionportal.celery import app

    assert app.conf.beat_scheduler == "apps.core.beat:ResilientDatabaseScheduler"
    assert issubclass(ResilientDatabaseScheduler, DatabaseScheduler)
    ResilientDatabaseScheduler(app=app, lazy=False)  # beat does this when it starts
    task = PeriodicTask.objects.get(name="clear-expired-sessions")
    assert task.task == "apps.core.tasks.clear_expired_sessions"
    assert task.enabled


@pytest.mark.django_db
def test_notification_with_the_same_dedupe_key_is_stored_once(chair_a, django_capture_on_commit_callbacks):
    chair_a.email = "chair@example.org"
    chair_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        first = notification_send(recipient=chair_a, title="提醒", dedupe_key="complaint:1:warning")
        second = notification_send(recipient=chair_a, title="提醒", dedupe_key="complaint:1:warning")
    assert first is not None
    assert second is None
    assert Notification.objects.filter(recipient=chair_a).count() == 1
    # Eager in unit tests: the email went out exactly once.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["chair@example.org"]


@pytest.mark.django_db
def test_many_notifications_in_one_insert_skip_duplicates_and_email_once(
    chair_a, chair_b, django_capture_on_commit_callbacks
):
    from apps.core.services import notification_send_many

    chair_a.email = "a@example.org"
    chair_a.save()

    def batch():
        return [Notification(recipient=user, title="提醒", dedupe_key=f"k:{user.pk}") for user in (chair_a, chair_b)]

    with django_capture_on_commit_callbacks(execute=True):
        assert notification_send_many(notifications=batch()) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_send_many(notifications=batch()) == 0
    assert Notification.objects.count() == 2
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    with pytest.raises(ValueError, match="dedupe_key"):
        notification_send_many(notifications=[Notification(recipient=chair_a, title="x")])


@pytest.mark.django_db
def test_one_transactions_emails_go_to_the_broker_as_one_message(
    chair_a, chair_b, county_user, django_capture_on_commit_callbacks
):
    """A transfer notifies every staff member of a township: one message, not one per recipient;
    a part of the transaction that rolled back sends nothing, and the next transaction its own."""
    from django.db import transaction

    for user in (chair_a, chair_b, county_user):
        user.email = f"{user.username}@example.org"
        user.save()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    notification_send(recipient=county_user, title="撤回的提醒")
                    raise RuntimeError("rolled back")
            except RuntimeError:
                pass
            for user in (chair_a, chair_b):
                notification_send(recipient=user, title="会籍接转待办理")
    assert len(callbacks) == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["chair_a@example.org", "chair_b@example.org"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification_send(recipient=county_user, title="下一次")
    assert len(callbacks) == 1 and mail.outbox[-1].to == ["county@example.org"]
