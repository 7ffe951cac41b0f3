"""The contracts' reminders swept by a real Celery worker (the `contracts_sweep` task on Redis, in
another process, on the committed rows of the test database): a request whose answer is overdue
and a contract in its renewal window get exactly one reminder each, to the right people, however
often the sweep runs; a contract with nothing due gets none.

The worker runs on the machine's clock (it cannot be frozen from here), so the contracts are
placed around today's Shanghai date.
"""

import datetime
import time

import pytest

from apps.contracts import clock
from apps.contracts.milestones import MILESTONE_KINDS
from apps.core.models import MilestoneClaim, Notification
from tests.contracts.factories import make_contract, make_existing_contract

ANSWER_DAYS = 20  # the national profile (apps.contracts.rules.NATIONAL_RULES)


def shanghai_today() -> datetime.date:
    return clock.shanghai_date(datetime.datetime.now(tz=datetime.UTC))


def reminders(contract) -> list[tuple[str, str]]:
    """(recipient, dedupe key) of every contract reminder about `contract`."""
    return sorted(
        Notification.objects.filter(dedupe_key__startswith="contracts:", link=contract.get_absolute_url()).values_list(
            "recipient__username", "dedupe_key"
        )
    )


def wait_for_notifications(count: int, timeout: float = 10) -> None:
    """The worker commits the claims and the notifications together; give its commit a moment to
    be visible here before reading them."""
    deadline = time.monotonic() + timeout
    while (
        time.monotonic() < deadline and Notification.objects.filter(dedupe_key__startswith="contracts:").count() < count
    ):
        time.sleep(0.2)


@pytest.fixture
def due_and_not(contract_world):
    """Around today: union_a's request, its answer due 10 days ago; union_b's contract in force,
    its 12-month term ending in about two months (inside the 3-month renewal window, outside the
    30-day expiry reminder); union_a's three-year contract, signed 120 days ago, with nothing due."""
    w = contract_world
    today = shanghai_today()
    overdue = make_contract(
        user=w.chair,
        union=w.tree["union_a"],
        enterprise=w.ent_a,
        on=today - datetime.timedelta(days=ANSWER_DAYS + 10),
    )
    term_end = today + datetime.timedelta(days=60)
    renewal = make_existing_contract(
        user=w.chair_b,
        union=w.tree["union_b"],
        enterprise=w.ent_b,
        signed_on=clock.add_months(term_end + datetime.timedelta(days=1), -12),
        term_months=12,
    )
    quiet = make_existing_contract(
        user=w.chair,
        union=w.tree["union_a"],
        enterprise=w.ent_a,
        signed_on=today - datetime.timedelta(days=120),
        kind="wage",
    )
    assert overdue.answer_due_on == today - datetime.timedelta(days=10)
    assert renewal.term_end == term_end
    return {"overdue": overdue, "renewal": renewal, "quiet": quiet}


@pytest.mark.worker
def test_a_real_worker_sends_each_reminder_once_to_the_right_people(celery_worker, contract_world, due_and_not):
    from apps.contracts.tasks import contracts_sweep

    overdue, renewal, quiet = due_and_not["overdue"], due_and_not["renewal"], due_and_not["quiet"]

    first = contracts_sweep.delay().get(timeout=60)
    assert {kind: count for kind, count in first.items() if count} == {
        "contracts:answer_overdue": 1,
        "contracts:renewal_window": 1,
    }
    assert set(first) == set(MILESTONE_KINDS)  # the contracts' milestones, no other app's
    wait_for_notifications(3)

    def expected():
        # union_a's contract: township A's chair and union_a's officer; union_b's: township B's chair.
        # County staff and the other township are not told.
        return (
            [
                ("chair_a", f"contracts:answer_overdue:{overdue.pk}"),
                ("officer_a", f"contracts:answer_overdue:{overdue.pk}"),
            ],
            [("chair_b", f"contracts:renewal_window:{renewal.pk}:{renewal.term_end.isoformat()}")],
        )

    assert (reminders(overdue), reminders(renewal)) == expected()
    assert reminders(quiet) == []
    assert sorted(
        MilestoneClaim.objects.filter(kind__startswith="contracts:").values_list("kind", "subject_id")
    ) == sorted([("contracts:answer_overdue", overdue.pk), ("contracts:renewal_window", renewal.pk)])
    title = Notification.objects.get(recipient=contract_world.chair_b).title
    assert title == f"集体合同可以续订：{renewal.number}（平明石英制品厂） 将于 {renewal.term_end:%Y年%m月%d日} 期满"

    # Swept again: nothing reached, nobody told twice.
    second = contracts_sweep.delay().get(timeout=60)
    assert not any(second.values())
    # The task returns after its transaction committed: a second reminder would be here by now.
    assert (reminders(overdue), reminders(renewal)) == expected()
    assert reminders(quiet) == []
    assert Notification.objects.filter(dedupe_key__startswith="contracts:").count() == 3
