"""The arrears reminders on the core milestone engine: an entry more than
DUES_ARREARS_REMINDER_DAYS past its period's end reminds the township's chair exactly once per
entry (enterprise and period) and stage; running deferrals and write-offs are not reminded; the
chair's to-do counts exactly the rows its link lists; and the one beat task does it in a real
Celery worker."""

import datetime
import time

import pytest
from django.urls import reverse

from apps.core.milestones import milestones_sweep
from apps.core.models import MilestoneClaim, Notification
from apps.core.todos import todo_list
from apps.dues.choices import ArrearsStage, Delivery
from apps.dues.rails.arrears import MILESTONE_KIND
from apps.dues.services import ledger
from apps.dues.services.arrears import arrears_stage_record
from tests.dues.conftest import make_entry

SH = datetime.timezone(datetime.timedelta(hours=8))


def at(*args):
    return datetime.datetime(*args, tzinfo=SH)


def sweep(now):
    return milestones_sweep(now=now, kinds=[MILESTONE_KIND])[MILESTONE_KIND]


def reminders(user):
    return Notification.objects.filter(recipient=user, dedupe_key__startswith=f"{MILESTONE_KIND}:")


@pytest.mark.django_db
def test_one_reminder_per_entry_and_stage_however_often_the_sweep_runs(dues_world, time_machine, settings):
    settings.DUES_ARREARS_REMINDER_DAYS = 90
    w = dues_world
    time_machine.move_to(at(2026, 10, 20, 9), tick=False)
    july = make_entry(w.tax_a)  # ended 31 July
    october = make_entry(w.direct_a, datetime.date(2026, 9, 1))  # ended 30 September: too recent
    # More than 90 days after 31 July: from 30 October (29 October is the 90th day).
    assert sweep(at(2026, 10, 29, 23, 59)) == 0
    time_machine.move_to(at(2026, 10, 30, 9), tick=False)
    assert sweep(at(2026, 10, 30, 9)) == 1
    assert sweep(at(2026, 10, 30, 9, 5)) == 0
    note = reminders(w.chair).get()
    assert note.dedupe_key == f"{MILESTONE_KIND}:{july.pk}"
    assert w.tax_a.name in note.title and "2026年7月" in note.title and "2000.00" in note.title
    assert "催缴通知书" in note.body
    assert not reminders(w.chair_b).exists() and not reminders(w.county).exists()
    # The chair sends the notice: no reminder until it is as old as the arrears had to be.
    time_machine.move_to(at(2026, 11, 3, 9), tick=False)
    arrears_stage_record(
        july, stage=ArrearsStage.NOTICE, done_on=datetime.date(2026, 11, 2), delivery=Delivery.POST, user=w.chair
    )
    time_machine.move_to(at(2027, 2, 1, 9), tick=False)
    assert sweep(at(2027, 1, 31, 9)) == 1  # only the September entry (due from 30 December)
    assert sweep(at(2027, 2, 1, 9)) == 1  # the July entry at its new stage (notice of 2 Nov + 90 days)
    assert sweep(at(2027, 2, 1, 10)) == 0
    keys = set(reminders(w.chair).values_list("dedupe_key", flat=True))
    assert keys == {
        f"{MILESTONE_KIND}:{july.pk}",
        f"{MILESTONE_KIND}:{july.pk}:notice",
        f"{MILESTONE_KIND}:{october.pk}",
    }
    assert "再次催缴" in reminders(w.chair).get(dedupe_key=f"{MILESTONE_KIND}:{july.pk}:notice").body
    assert MilestoneClaim.objects.filter(kind=MILESTONE_KIND).count() == 3


@pytest.mark.django_db
def test_running_deferrals_and_write_offs_are_not_reminded_a_passed_deferral_is(dues_world, time_machine):
    w = dues_world
    time_machine.move_to(at(2026, 8, 10, 9), tick=False)
    deferred = make_entry(w.tax_a)
    ledger.entry_defer(
        deferred, until=datetime.date(2026, 12, 31), reason="受灾", user=w.county, on=datetime.date(2026, 8, 10)
    )
    written_off = make_entry(w.direct_a)
    ledger.entry_write_off(written_off, reason="企业注销", user=w.county, on=datetime.date(2026, 8, 10))
    paid = make_entry(w.finance_a)
    ledger.payment_add(paid, amount=paid.due, paid_on=datetime.date(2026, 8, 10), user=w.finance)
    assert sweep(at(2026, 12, 31, 9)) == 0
    assert sweep(at(2027, 1, 1, 9)) == 1  # the deferral is over
    assert reminders(w.chair).get().dedupe_key == f"{MILESTONE_KIND}:{deferred.pk}"


@pytest.mark.django_db
def test_the_chairs_to_do_counts_exactly_what_its_link_lists(dues_world, client_for, time_machine):
    w = dues_world
    time_machine.move_to(at(2026, 12, 1, 9), tick=False)
    due = [make_entry(w.tax_a), make_entry(w.direct_a)]
    make_entry(w.finance_a, datetime.date(2026, 11, 1))  # too recent
    make_entry(w.tax_b)  # township B's
    noticed = make_entry(w.finance_a)
    arrears_stage_record(
        noticed, stage=ArrearsStage.NOTICE, done_on=datetime.date(2026, 11, 20), delivery="post", user=w.chair
    )
    (todo,) = [todo for todo in todo_list(w.chair) if todo.key == "dues.arrears_to_chase"]
    assert todo.count == 2 and todo.label == "欠缴经费待催缴"
    response = client_for(w.chair).get(todo.url)
    assert response.context["table"].paginator.count == 2
    listed = {row.record.pk for row in response.context["table"].page.object_list}
    assert listed == {entry.pk for entry in due}
    assert not [todo for todo in todo_list(w.officer) if todo.key == "dues.arrears_to_chase"]
    assert todo.url.startswith(reverse("dues:arrears_list"))


@pytest.mark.worker
def test_the_beat_task_sends_the_arrears_reminders_through_a_real_worker_exactly_once(celery_worker, dues_world):
    from apps.core.tasks import sweep_milestones

    entry = make_entry(dues_world.tax_a, datetime.date(2026, 1, 1))  # long past, whatever today is
    first = sweep_milestones.delay().get(timeout=60)
    second = sweep_milestones.delay().get(timeout=60)
    assert first[MILESTONE_KIND] == 1
    assert second[MILESTONE_KIND] == 0
    notes = reminders(dues_world.chair)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not notes.exists():
        time.sleep(0.2)
    assert list(notes.values_list("dedupe_key", flat=True)) == [f"{MILESTONE_KIND}:{entry.pk}"]
