"""The sweep's side effects: deemed in force on the 16th day after receipt, expired at the term's
end (or renewed), each exactly once however often, and however concurrently, the sweep runs."""

import datetime
import threading

import pytest
from django.db import connection

from apps.contracts.choices import ContractStatus, StepKind
from apps.contracts.models import Contract, ContractStep
from apps.contracts.services import (
    contract_receipt_record,
    contract_renewal_request,
    contract_review_approval,
    contract_review_objection,
    contracts_deem_in_force,
    contracts_expire,
)
from apps.core.models import MilestoneClaim, Notification
from tests.contracts.factories import make_contract, make_existing_contract
from tests.contracts.sweep_helpers import at, notes, reached, sweep

REQUESTED = datetime.date(2026, 3, 1)  # sent on 31 March (factories.STEP_OFFSETS)


def steps(contract, kind):
    return list(ContractStep.objects.filter(contract=contract, kind=kind))


@pytest.fixture
def submitted(contract_world, time_machine):
    """An enterprise contract of union_a, sent on 31 March 2026, not yet received."""
    time_machine.move_to(at(2026, 4, 1, 9), tick=False)
    w = contract_world
    return make_contract(user=w.chair, union=w.tree["union_a"], enterprise=w.ent_a, step="submitted", on=REQUESTED)


@pytest.fixture
def received(submitted, contract_world, time_machine):
    """Received by the administration at 23:59 on 2 April (Shanghai): the review ends on 17 April."""
    time_machine.move_to(at(2026, 4, 3, 9), tick=False)
    return contract_receipt_record(user=contract_world.chair, contract=submitted, received_on=at(2026, 4, 2, 23, 59))


@pytest.mark.django_db
class TestDeemedInForce:
    @pytest.mark.parametrize(
        ("received_at", "first_day_in_force"),
        [
            (at(2026, 4, 2, 23, 59), datetime.date(2026, 4, 18)),  # a Shanghai 2 April: review to 17 April
            (at(2026, 4, 3, 0, 1), datetime.date(2026, 4, 19)),  # a minute later it is 3 April: a day on
        ],
    )
    def test_on_the_16th_day_after_receipt_not_the_15th(
        self, submitted, contract_world, time_machine, received_at, first_day_in_force
    ):
        time_machine.move_to(at(2026, 4, 3, 9), tick=False)
        contract = contract_receipt_record(user=contract_world.chair, contract=submitted, received_on=received_at)
        received_on = first_day_in_force - datetime.timedelta(days=16)
        assert contract.received_on == received_on
        last_review_day = first_day_in_force - datetime.timedelta(days=1)
        assert contract.review_ends_on == last_review_day

        # The 15th day after receipt, to its last second: still under review.
        end_of_review = datetime.datetime.combine(
            last_review_day, datetime.time(23, 59, 59), tzinfo=at(2026, 1, 1).tzinfo
        )
        time_machine.move_to(end_of_review, tick=False)
        assert reached(sweep(end_of_review)) == {}
        contract.refresh_from_db()
        assert contract.status == ContractStatus.SUBMITTED and contract.in_force_on is None

        # Midnight of the 16th day: in force, dated that day, by the system.
        midnight = end_of_review + datetime.timedelta(seconds=1)
        time_machine.move_to(midnight, tick=False)
        assert reached(sweep(midnight)) == {"in_force": 1}
        contract.refresh_from_db()
        assert contract.status == ContractStatus.IN_FORCE
        assert contract.in_force_on == first_day_in_force
        (step,) = steps(contract, StepKind.IN_FORCE)
        assert step.happened_on == first_day_in_force and step.actor is None
        assert "15日内未提出异议" in step.note and "自行生效" in step.note

    def test_sweeping_again_changes_nothing_and_tells_nobody_twice(self, received, contract_world, time_machine):
        w = contract_world
        time_machine.move_to(at(2026, 4, 18, 0, 5), tick=False)
        assert sweep()["in_force"] == 1
        for minutes in (5, 10, 60 * 24):
            time_machine.shift(datetime.timedelta(minutes=minutes))
            assert sweep()["in_force"] == 0
        contract = Contract.objects.get(pk=received.pk)
        assert contract.status == ContractStatus.IN_FORCE and contract.in_force_on == datetime.date(2026, 4, 18)
        assert len(steps(contract, StepKind.IN_FORCE)) == 1
        assert MilestoneClaim.objects.filter(kind="contracts:in_force", subject_id=contract.pk).count() == 1
        title = f"集体合同已生效：{contract.number}（白塔化工建材厂） 自 2026年04月18日 起生效"
        assert notes(w.chair, "in_force") == [title]  # the township's chair
        assert notes(w.officer, "in_force") == [title]  # the signing union's officer
        assert notes(w.chair_b) == [] and notes(w.county) == []

    def test_an_objection_within_the_review_means_never_deemed_in_force(self, received, contract_world, time_machine):
        time_machine.move_to(at(2026, 4, 17, 16), tick=False)  # the review's last day
        contract = contract_review_objection(
            user=contract_world.chair, contract=received, objected_on=at(2026, 4, 17, 16), objection="工资条款不明确"
        )
        assert contract.status == ContractStatus.NEGOTIATING
        for day in (18, 19, 30):
            time_machine.move_to(at(2026, 4, day, 1), tick=False)
            assert sweep()["in_force"] == 0
        contract.refresh_from_db()
        assert contract.status == ContractStatus.NEGOTIATING and contract.in_force_on is None
        assert steps(contract, StepKind.IN_FORCE) == []
        assert Notification.objects.filter(dedupe_key__startswith="contracts:in_force").count() == 0

    def test_approved_within_the_review_it_is_in_force_from_the_approval_not_deemed(
        self, received, contract_world, time_machine
    ):
        time_machine.move_to(at(2026, 4, 10, 10), tick=False)
        contract_review_approval(user=contract_world.chair, contract=received, approved_on=datetime.date(2026, 4, 10))
        time_machine.move_to(at(2026, 4, 20, 10), tick=False)
        assert sweep()["in_force"] == 0
        contract = Contract.objects.get(pk=received.pk)
        assert contract.in_force_on == datetime.date(2026, 4, 10)
        assert len(steps(contract, StepKind.IN_FORCE)) == 1

    def test_sent_but_not_received_the_review_has_not_started(self, submitted, time_machine):
        time_machine.move_to(at(2026, 6, 1, 10), tick=False)
        assert sweep()["in_force"] == 0
        assert Contract.objects.get(pk=submitted.pk).status == ContractStatus.SUBMITTED

    def test_the_service_rechecks_under_its_lock(self, received, contract_world, time_machine):
        """Given an id the sweep saw but that was approved meanwhile, it leaves the contract be."""
        time_machine.move_to(at(2026, 4, 10, 10), tick=False)
        contract_review_approval(user=contract_world.chair, contract=received, approved_on=datetime.date(2026, 4, 10))
        time_machine.move_to(at(2026, 4, 20, 10), tick=False)
        assert contracts_deem_in_force([received.pk], at(2026, 4, 20, 10)) == []
        assert len(steps(received, StepKind.IN_FORCE)) == 1


@pytest.fixture
def in_force(contract_world, time_machine):
    """An enterprise contract of union_a in force, its term 1 July 2026 – 30 June 2029."""
    time_machine.move_to(at(2026, 7, 25, 9), tick=False)  # in force from 22 July (factories)
    w = contract_world
    return make_existing_contract(
        user=w.chair, union=w.tree["union_a"], enterprise=w.ent_a, signed_on=datetime.date(2026, 7, 1)
    )


@pytest.mark.django_db
class TestExpiry:
    def test_expires_once_the_day_after_its_term_with_one_step(self, in_force, contract_world, time_machine):
        assert in_force.term_end == datetime.date(2029, 6, 30)
        time_machine.move_to(at(2029, 6, 30, 23, 59), tick=False)
        assert sweep()["expired"] == 0
        time_machine.move_to(at(2029, 7, 1, 0, 0), tick=False)
        assert sweep()["expired"] == 1
        time_machine.move_to(at(2029, 7, 2, 0, 0), tick=False)
        assert sweep()["expired"] == 0
        contract = Contract.objects.get(pk=in_force.pk)
        assert contract.status == ContractStatus.EXPIRED and contract.ended_on == datetime.date(2029, 6, 30)
        (step,) = steps(contract, StepKind.EXPIRE)
        assert step.happened_on == datetime.date(2029, 6, 30) and step.actor is None
        assert notes(contract_world.chair, "expired") == [
            f"集体合同已期满：{contract.number}（白塔化工建材厂） 已于 2029年06月30日 期满"
        ]

    def test_a_renewal_in_force_makes_it_renewed_not_expired(self, in_force, contract_world, time_machine):
        w = contract_world
        time_machine.move_to(at(2029, 4, 10, 9), tick=False)
        renewal = contract_renewal_request(
            user=w.chair, contract=in_force, requested_on=datetime.date(2029, 4, 10), requested_by="workers"
        )
        time_machine.move_to(at(2029, 7, 10, 9), tick=False)
        make_renewal_take_effect(renewal, w, on=datetime.date(2029, 4, 10))
        old = Contract.objects.get(pk=in_force.pk)
        assert old.status == ContractStatus.RENEWED
        time_machine.move_to(at(2029, 7, 11, 0, 0), tick=False)
        assert sweep()["expired"] == 0
        old.refresh_from_db()
        assert old.status == ContractStatus.RENEWED and steps(old, StepKind.EXPIRE) == []
        assert len(steps(old, StepKind.RENEW)) == 1

    def test_a_renewal_still_under_way_at_the_term_end_expires_it_and_renews_it_later(
        self, in_force, contract_world, time_machine
    ):
        w = contract_world
        time_machine.move_to(at(2029, 6, 1, 9), tick=False)
        renewal = contract_renewal_request(
            user=w.chair, contract=in_force, requested_on=datetime.date(2029, 6, 1), requested_by="employer"
        )
        time_machine.move_to(at(2029, 7, 1, 0, 30), tick=False)
        assert sweep()["expired"] == 1
        assert Contract.objects.get(pk=in_force.pk).status == ContractStatus.EXPIRED
        time_machine.move_to(at(2029, 8, 20, 9), tick=False)
        make_renewal_take_effect(renewal, w, on=datetime.date(2029, 6, 1))  # in force on 11 July
        old = Contract.objects.get(pk=in_force.pk)
        assert old.status == ContractStatus.RENEWED and old.ended_on == datetime.date(2029, 6, 30)
        assert len(steps(old, StepKind.EXPIRE)) == 1 and len(steps(old, StepKind.RENEW)) == 1

    def test_a_renewal_entered_in_force_without_ending_it_is_caught_at_expiry(
        self, in_force, contract_world, time_machine
    ):
        """A renewal that took effect but left the old contract in force (entered after the fact, or
        by a data fix): at the term's end the old one is RENEWED, not EXPIRED."""
        w = contract_world
        time_machine.move_to(at(2029, 7, 2, 9), tick=False)
        renewal = make_existing_contract(
            user=w.chair, union=w.tree["union_a"], enterprise=w.ent_a, signed_on=datetime.date(2029, 6, 1)
        )
        Contract.objects.filter(pk=renewal.pk).update(replaces=in_force)
        assert sweep(at(2029, 7, 2, 9))["expired"] == 1
        old = Contract.objects.get(pk=in_force.pk)
        assert old.status == ContractStatus.RENEWED
        assert old.ended_on == min(old.term_end, renewal.in_force_on - datetime.timedelta(days=1))
        assert steps(old, StepKind.EXPIRE) == [] and len(steps(old, StepKind.RENEW)) == 1
        assert notes(w.chair, "expired") == [f"集体合同已由续订合同接替：{old.number}（白塔化工建材厂）"]

    def test_the_service_leaves_a_contract_not_due(self, in_force, time_machine):
        time_machine.move_to(at(2027, 1, 1, 9), tick=False)
        assert contracts_expire([in_force.pk], at(2027, 1, 1, 9)) == []
        assert Contract.objects.get(pk=in_force.pk).status == ContractStatus.IN_FORCE


def make_renewal_take_effect(renewal, w, *, on):
    """Take a renewal requested on `on` through the clock to approval (40 days later)."""
    from apps.contracts.services import (
        contract_answer,
        contract_send,
        contract_sign,
        contract_vote_record,
    )
    from tests.contracts.factories import STEP_OFFSETS, default_term, step_date

    user = w.chair
    renewal = contract_answer(user=user, contract=renewal, answered_on=step_date(on, "negotiating"))
    renewal = contract_vote_record(
        user=user,
        contract=renewal,
        voted_on=step_date(on, "passed"),
        vote_body="congress",
        voters_total=30,
        voters_present=25,
        votes_in_favour=20,
    )
    signed_on = step_date(on, "signed")
    term_start, term_end = default_term(signed_on)
    renewal = contract_sign(user=user, contract=renewal, signed_on=signed_on, term_start=term_start, term_end=term_end)
    renewal = contract_send(
        user=user, contract=renewal, sent_on=step_date(on, "submitted"), received_on=step_date(on, "received")
    )
    assert STEP_OFFSETS["in_force"] == 40
    return contract_review_approval(user=user, contract=renewal, approved_on=step_date(on, "in_force"))


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_deem_it_in_force_once(contract_world, time_machine):
    """Two sweeps in two threads, each with its own connection, at the same moment: one step, one
    notification per recipient (the engine's claim decides; the loser finds the claim)."""
    w = contract_world
    time_machine.move_to(at(2026, 4, 3, 9), tick=False)
    contracts = [
        contract_receipt_record(
            user=w.chair,
            contract=make_contract(
                user=w.chair, union=w.tree["union_a"], enterprise=w.ent_a, step="submitted", on=REQUESTED
            ),
            received_on=datetime.date(2026, 4, 2),
        )
        for _ in range(3)
    ]
    moment = at(2026, 4, 18, 0, 5)
    time_machine.move_to(moment, tick=False)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(sweep(moment))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(result["in_force"] for result in results) == 3
    for contract in contracts:
        contract.refresh_from_db()
        assert contract.status == ContractStatus.IN_FORCE
        assert len(steps(contract, StepKind.IN_FORCE)) == 1
    assert Notification.objects.filter(recipient=w.chair, dedupe_key__startswith="contracts:in_force").count() == 3
    assert Notification.objects.filter(recipient=w.officer, dedupe_key__startswith="contracts:in_force").count() == 3
