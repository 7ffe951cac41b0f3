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


@pytest.fixture
def findings_calls(monkeypatch):
    """Counts the yearly check's runs (the real check runs; only its calls are counted)."""
    from apps.branches.services import reminders

    calls, real = [], reminders.compliance_findings

    def counted(**kwargs):
        calls.append(kwargs["today"])
        if len(calls) in fail_on:
            raise RuntimeError("the check failed")
        return real(**kwargs)

    fail_on = set()
    monkeypatch.setattr(reminders, "compliance_findings", counted)
    return calls, fail_on


@pytest.mark.django_db
def test_the_yearly_check_runs_once_per_reminder_day_however_often_beat_sweeps(
    county_tree, findings_calls, time_machine
):
    calls, _fail_on = findings_calls
    start = datetime.datetime(2026, 7, 1, 7, 30, tzinfo=SH)
    sent = 0
    for step in range(0, 24 * 60, 15):  # a whole reminder day, every 15 minutes
        time_machine.move_to(start + datetime.timedelta(minutes=step), tick=False)
        sent += milestones_sweep()["branches:joint_meeting"]
    assert calls == [datetime.date(2026, 7, 1)]
    assert sent == 2
    time_machine.move_to(start + datetime.timedelta(days=1, minutes=5), tick=False)
    milestones_sweep()
    milestones_sweep()
    assert calls == [datetime.date(2026, 7, 1), datetime.date(2026, 7, 2)]


@pytest.mark.django_db
def test_a_failed_check_is_tried_again_by_the_next_sweep_of_the_day(county_tree, chair_b, findings_calls):
    calls, fail_on = findings_calls
    fail_on.add(1)
    first = milestones_sweep(now=datetime.datetime(2026, 7, 1, 7, 35, tzinfo=SH))
    assert first["branches:joint_meeting"] == 0
    after_first = len(calls)
    second = milestones_sweep(now=datetime.datetime(2026, 7, 1, 7, 40, tzinfo=SH))
    assert second["branches:joint_meeting"] == 2 and len(calls) > after_first
    after_second = len(calls)
    milestones_sweep(now=datetime.datetime(2026, 7, 1, 7, 45, tzinfo=SH))
    assert len(calls) == after_second


@pytest.mark.django_db
def test_an_explicit_send_runs_even_after_todays_sweep(county_tree, findings_calls):
    calls, _fail_on = findings_calls
    milestones_sweep(now=datetime.datetime(2026, 7, 1, 7, 35, tzinfo=SH))
    compliance_reminders_send(today=datetime.date(2026, 7, 1))
    assert len(calls) == 2


@pytest.mark.django_db
def test_the_task_refuses_a_day_in_the_future(county_tree, time_machine):
    from django.core.exceptions import ValidationError

    from apps.branches.tasks import send_compliance_reminders

    time_machine.move_to(datetime.datetime(2026, 7, 1, 9, 0, tzinfo=SH), tick=False)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        send_compliance_reminders("2026-07-02")
    assert not MilestoneClaim.objects.exists()
    assert send_compliance_reminders("2026-07-01") > 0
