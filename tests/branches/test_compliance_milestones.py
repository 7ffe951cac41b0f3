"""The compliance reminders as milestone declarations: the reminder day starts at 07:30 in
Shanghai, and the keys are those the notifications always had (so nothing is sent twice)."""

import datetime

import pytest

from apps.branches.services.reminders import compliance_reminders_send, reminder_day
from apps.core.milestones import milestones_sweep
from apps.core.models import MilestoneClaim, Notification

SH = datetime.timezone(datetime.timedelta(hours=8))


def test_the_reminder_day_starts_at_half_past_seven_in_shanghai():
    assert reminder_day(datetime.datetime(2026, 7, 1, 7, 29, tzinfo=SH)) == datetime.date(2026, 6, 30)
    assert reminder_day(datetime.datetime(2026, 7, 1, 7, 30, tzinfo=SH)) == datetime.date(2026, 7, 1)
    assert reminder_day(datetime.datetime(2026, 6, 30, 23, 45, tzinfo=datetime.UTC)) == datetime.date(2026, 7, 1)


@pytest.mark.django_db
def test_the_five_minute_sweep_waits_for_the_morning_and_keeps_the_old_keys(county_tree, chair_b):
    township = county_tree["b"]
    assert milestones_sweep(now=datetime.datetime(2026, 7, 1, 0, 5, tzinfo=SH))["branches:joint_meeting"] == 0
    assert milestones_sweep(now=datetime.datetime(2026, 7, 1, 7, 35, tzinfo=SH))["branches:joint_meeting"] == 2
    note = Notification.objects.get(recipient=chair_b)
    assert note.dedupe_key == f"branches:joint_meeting:{township.pk}:2026"
    claim = MilestoneClaim.objects.get(kind="branches:joint_meeting", subject_id=township.pk)
    assert claim.occurrence == "2026" and claim.due_at == datetime.datetime(2026, 7, 1, 7, 30, tzinfo=SH)


@pytest.mark.django_db
def test_a_reminder_sent_before_the_engine_is_not_sent_again(county_tree, chair_b):
    """Before the deploy the notification's key alone made it once: a claim made now adds no copy."""
    from apps.core.services import notification_send

    key = f"branches:joint_meeting:{county_tree['b'].pk}:2026"
    notification_send(recipient=chair_b, title="平明镇总工会尚未召开2026年党政工联席会议", dedupe_key=key, email=False)
    assert compliance_reminders_send(today=datetime.date(2026, 7, 1)) > 0
    assert Notification.objects.filter(recipient=chair_b).count() == 1
