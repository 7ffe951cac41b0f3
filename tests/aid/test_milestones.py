"""The yearly-review reminder through the shared milestone engine: exactly once per file and due
date to the township's staff who review, never naming the member; once through a real worker."""

import datetime
import time

import pytest
import time_machine
from django.utils import timezone

from apps.aid.choices import ReviewOutcome
from apps.aid.milestones import KIND
from apps.aid.services import file_review
from apps.core.milestones import milestones_sweep
from apps.core.models import Notification

from .conftest import open_file

SH = datetime.timezone(datetime.timedelta(hours=8))


def sweep(now):
    return milestones_sweep(now=now, kinds=[KIND])[KIND]


def told():
    return sorted(
        Notification.objects.filter(dedupe_key__startswith=f"{KIND}:").values_list("recipient__username", "title")
    )


@pytest.mark.django_db
def test_a_review_due_is_reminded_once_per_due_date(aid_world):
    member = aid_world.members_a[0]
    file = open_file(member, opened_on=datetime.date(2025, 4, 1))  # due 2026-04-01
    open_file(aid_world.members_a[1], opened_on=datetime.date(2025, 9, 1))  # due 2026-09-01: not yet
    early = datetime.datetime(2026, 2, 20, 9, tzinfo=SH)  # 40 days before
    with time_machine.travel(early, tick=False):
        assert sweep(early) == 0
    now = datetime.datetime(2026, 3, 10, 9, tzinfo=SH)  # 22 days before
    with time_machine.travel(now, tick=False):
        assert sweep(now) == 1
        assert sweep(now) == 0
        assert sweep(now + datetime.timedelta(days=40)) == 0  # overdue now, but already told
    assert told() == [("chair_a", "困难职工档案将于 2026年04月01日 到期复核")]
    note = Notification.objects.get(dedupe_key__startswith=f"{KIND}:")
    assert member.real_name not in note.title + note.body
    assert "病" not in note.body and "收入" in note.body  # the task, not the member's hardship
    # Reviewed: the next year's due date is reminded again, in its time.
    with time_machine.travel(now, tick=False):
        file_review(user=None, file=file, reviewed_on=datetime.date(2026, 3, 10), outcome=ReviewOutcome.CONTINUED)
    next_year = datetime.datetime(2027, 2, 20, 9, tzinfo=SH)
    with time_machine.travel(next_year, tick=False):
        assert sweep(next_year) == 2  # the second file is overdue by now, and this one is due
    assert len(told()) == 3


@pytest.mark.django_db
def test_a_closed_file_is_not_reminded(aid_world):
    from apps.aid.services import file_close

    file = open_file(aid_world.members_a[0], opened_on=datetime.date(2025, 3, 1))
    file_close(user=None, file=file, closed_on=datetime.date(2025, 12, 1), close_reason="employment")
    now = datetime.datetime(2026, 3, 1, 9, tzinfo=SH)
    with time_machine.travel(now, tick=False):
        assert sweep(now) == 0


@pytest.mark.worker
def test_a_real_worker_sends_the_reminder_once(celery_worker, aid_world):
    """The worker runs on the machine's clock: a file whose review falls due in ten days."""
    from apps.aid.tasks import aid_sweep

    today = timezone.localdate()
    opened = today - datetime.timedelta(days=355)
    open_file(aid_world.members_a[0], opened_on=opened)
    first = aid_sweep.delay().get(timeout=60)
    assert first == {KIND: 1}
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not Notification.objects.filter(dedupe_key__startswith=f"{KIND}:").exists():
        time.sleep(0.2)
    second = aid_sweep.delay().get(timeout=60)
    assert second == {KIND: 0}
    assert list(
        Notification.objects.filter(dedupe_key__startswith=f"{KIND}:").values_list("recipient__username", flat=True)
    ) == ["chair_a"]
