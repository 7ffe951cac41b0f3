"""The training reminders through the shared milestone engine: each exactly once, to the right
people, however often the sweep runs; and once through a real Celery worker."""

import datetime
import time

import pytest
import time_machine
from django.utils import timezone

from apps.core.milestones import milestones_sweep
from apps.core.models import Notification
from apps.training.milestones import KINDS, MILESTONE_KINDS
from apps.training.services import attendance_record, nomination_create, quota_set

from .conftest import NOW, add_sessions, make_programme

SH = NOW.tzinfo


def sweep(now):
    done = milestones_sweep(now=now, kinds=MILESTONE_KINDS)
    return {name: done[kind] for name, kind in KINDS.items() if done[kind]}


def told(kind):
    return sorted(
        Notification.objects.filter(dedupe_key__startswith=f"training:{kind}:").values_list(
            "recipient__username", "title"
        )
    )


@pytest.fixture
def due(training_world):
    """As of NOW (2026-03-02): batch 1's sign-up closes on 03-08 (in 6 days), township A has 2 of
    its 3 places left, B's 1 place is taken; batch 2 starts on 03-05 (in 3 days) with one of A's
    cadres; batch 3 had a session on 02-26 (4 days ago) with nothing entered, and one on 02-27
    entered."""
    w = training_world
    closing = make_programme(w.tree["county"], opens=NOW.date() - datetime.timedelta(days=4), user=w.county_user)
    quota_set(user=w.county_user, programme=closing, township=w.tree["a"], places=3)
    quota_set(user=w.county_user, programme=closing, township=w.tree["b"], places=1)
    nomination_create(user=w.chair, programme=closing, officer=w.officers_a[0], now=NOW)
    nomination_create(user=w.chair_b, programme=closing, officer=w.officers_b[0], now=NOW)
    starting = make_programme(
        w.tree["county"],
        opens=datetime.date(2026, 2, 20),
        closes=datetime.date(2026, 3, 3),
        starts=datetime.date(2026, 3, 5),
        user=w.county_user,
        title="第二期培训班",
    )
    nomination_create(user=w.chair, programme=starting, officer=w.officers_a[1], now=NOW)
    held = make_programme(
        w.tree["county"],
        opens=datetime.date(2026, 2, 1),
        closes=datetime.date(2026, 2, 20),
        starts=datetime.date(2026, 2, 26),
        user=w.county_user,
        title="第三期培训班",
    )
    missing, entered = add_sessions(held, "4", "4")
    attendance_record(user=w.county_user, session=entered, entries=[], now=NOW)
    return {"closing": closing, "starting": starting, "missing": missing}


@pytest.mark.django_db
def test_each_reminder_goes_once_to_the_right_people(due, training_world):
    with time_machine.travel(NOW, tick=False):
        assert sweep(NOW) == {"signup_closing": 1, "starts_soon": 1, "attendance_missing": 1}
        assert sweep(NOW) == {}
        later = NOW + datetime.timedelta(hours=5)
        assert sweep(later) == {}
    assert told("signup_closing") == [("chair_a", "培训报名即将截止：2026年第1期 乡镇工会干部培训班 还有 2 个名额")]
    assert told("starts_soon") == [("chair_a", "培训班即将开班：2026年第2期 第二期培训班 于 03月05日 开班")]
    assert told("attendance_missing") == [("county", "培训签到未登记：2026年第3期 第三期培训班 02月26日“第1讲”")]
    assert Notification.objects.filter(dedupe_key__startswith="training:").count() == 3


@pytest.mark.django_db
def test_nothing_is_due_outside_the_windows(due):
    early = datetime.datetime(2026, 2, 20, 9, tzinfo=SH)  # 16 days before sign-up closes
    with time_machine.travel(early, tick=False):
        assert sweep(early) == {}


@pytest.mark.worker
def test_a_real_worker_sends_the_reminder_once(celery_worker, training_world):
    """The worker runs on the machine's clock: sign-up closing in five days from today."""
    from apps.training.tasks import training_sweep

    w = training_world
    now = timezone.now()
    today = timezone.localdate(now)
    programme = make_programme(
        w.tree["county"],
        opens=today - datetime.timedelta(days=5),
        closes=today + datetime.timedelta(days=5),
        starts=today + datetime.timedelta(days=20),
        user=w.county_user,
    )
    quota_set(user=w.county_user, programme=programme, township=w.tree["a"], places=2)

    first = training_sweep.delay().get(timeout=60)
    assert {kind: count for kind, count in first.items() if count} == {"training:signup_closing": 1}
    assert set(first) == set(MILESTONE_KINDS)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not Notification.objects.filter(dedupe_key__startswith="training:").exists():
        time.sleep(0.2)
    second = training_sweep.delay().get(timeout=60)
    assert not any(second.values())
    assert list(
        Notification.objects.filter(dedupe_key__startswith="training:").values_list("recipient__username", flat=True)
    ) == ["chair_a"]
