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
