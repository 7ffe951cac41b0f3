"""The contracts' reminders on the milestone engine: each on its day (Shanghai), exactly once per
contract however often the sweep runs, to the township's staff and the signing union's officers,
and with nothing due the sweep costs the same few statements at any size."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.db.models import Value
from django.test.utils import CaptureQueriesContext

from apps.contracts import clock
from apps.contracts.deadlines import _MonthsBefore
from apps.contracts.milestones import KINDS, MILESTONE_KINDS
from apps.contracts.models import RuleProfile
from apps.contracts.rules import NATIONAL_RULES
from apps.contracts.services import (
    contract_answer,
    contract_receipt_record,
    contract_renewal_request,
    contract_review_objection,
    contract_send,
    contract_sign,
    contract_vote_record,
)
from apps.core.milestones import milestones
from apps.core.models import MilestoneClaim, Notification
from tests.contracts.factories import make_contract, make_existing_contract
from tests.contracts.sweep_helpers import SH, at, notes, reached, sweep

REQUESTED = datetime.date(2026, 3, 1)  # answer due by 21 March; signed 26 March, to be sent by 5 April


def test_the_eight_milestones_are_declared_on_the_engine():
    declared = {m.kind for m in milestones()}
    assert set(MILESTONE_KINDS) <= declared
    assert MILESTONE_KINDS == (
        "contracts:answer_due_soon",
        "contracts:answer_overdue",
        "contracts:send_due_soon",
        "contracts:send_overdue",
        "contracts:in_force",
        "contracts:renewal_window",
        "contracts:expiry_soon",
        "contracts:expired",
    )


@pytest.fixture
def requested(contract_world, time_machine):
    """A bargaining request of union_a received on 1 March 2026: to be answered by 21 March."""
    time_machine.move_to(at(2026, 3, 2, 9), tick=False)
    w = contract_world
    return make_contract(
        user=w.chair,
        union=w.tree["union_a"],
        enterprise=w.ent_a,
        on=REQUESTED,
        workers_negotiator="张建国",
        employer_negotiator="李红梅",
    )


@pytest.mark.django_db
class TestAnswer:
    def test_due_soon_five_days_before_then_overdue_each_once(self, requested, contract_world, time_machine):
        w = contract_world
        assert requested.answer_due_on == datetime.date(2026, 3, 21)
        time_machine.move_to(at(2026, 3, 15, 23, 59), tick=False)
        assert reached(sweep()) == {}
        time_machine.move_to(at(2026, 3, 16, 0, 0), tick=False)
        assert reached(sweep()) == {"answer_due_soon": 1}
        assert reached(sweep()) == {}
        time_machine.move_to(at(2026, 3, 21, 23, 59), tick=False)  # the last day to answer
        assert reached(sweep()) == {}
        time_machine.move_to(at(2026, 3, 22, 0, 0), tick=False)
        assert reached(sweep()) == {"answer_overdue": 1}
        time_machine.move_to(at(2026, 3, 30, 0, 0), tick=False)
        assert reached(sweep()) == {}
        label = f"{requested.number}（白塔化工建材厂）"
        expected = [
            f"协商要约待回应：{label} 应于 03月21日 前书面回应",
            f"协商要约逾期未回应：{label} 回应期限已于 03月21日 届满",
        ]
        assert notes(w.chair) == sorted(expected)
        assert notes(w.officer) == sorted(expected)
        assert notes(w.chair_b) == [] and notes(w.county) == []
        claim = MilestoneClaim.objects.get(kind=KINDS["answer_overdue"], subject_id=requested.pk)
        assert claim.due_at == at(2026, 3, 22, 0, 0)  # the first day overdue, Shanghai midnight

    def test_answered_in_time_there_is_no_overdue_reminder(self, requested, contract_world, time_machine):
        time_machine.move_to(at(2026, 3, 17, 10), tick=False)
        assert reached(sweep()) == {"answer_due_soon": 1}
        contract_answer(user=contract_world.chair, contract=requested, answered_on=datetime.date(2026, 3, 17))
        time_machine.move_to(at(2026, 4, 1, 10), tick=False)
        assert reached(sweep()) == {}

    def test_a_sweep_that_was_down_sends_only_what_is_still_true(self, requested, time_machine):
        """Down from before the reminder until after the deadline: the overdue reminder only (a
        "due in 5 days" after the last day would be wrong)."""
        time_machine.move_to(at(2026, 4, 2, 10), tick=False)
        assert reached(sweep()) == {"answer_overdue": 1}

    def test_the_reminders_carry_a_link_and_no_ones_name(self, requested, contract_world, time_machine):
        time_machine.move_to(at(2026, 3, 25, 10), tick=False)
        sweep()
        for note in Notification.objects.filter(dedupe_key__startswith="contracts:"):
            assert note.link == requested.get_absolute_url()
            assert "张建国" not in note.title + note.body and "李红梅" not in note.title + note.body
            assert note.dedupe_key == f"contracts:answer_overdue:{requested.pk}"

    def test_each_recipient_is_emailed_once(
        self, requested, contract_world, time_machine, django_capture_on_commit_callbacks
    ):
        w = contract_world
        type(w.chair).objects.filter(pk=w.chair.pk).update(email="chair@example.org")
        time_machine.move_to(at(2026, 3, 25, 10), tick=False)
        with django_capture_on_commit_callbacks(execute=True):
            sweep()
        with django_capture_on_commit_callbacks(execute=True):
            sweep()
        assert [(m.to, m.subject) for m in mail.outbox] == [
            (
                ["chair@example.org"],
                f"协商要约逾期未回应：{requested.number}（白塔化工建材厂） 回应期限已于 03月21日 届满",
            )
        ]


@pytest.mark.django_db
class TestSending:
    def test_due_soon_three_days_before_then_overdue_and_again_after_a_new_signing(self, contract_world, time_machine):
        w = contract_world
        time_machine.move_to(at(2026, 3, 27, 9), tick=False)
        contract = make_contract(user=w.chair, union=w.tree["union_a"], enterprise=w.ent_a, step="signed", on=REQUESTED)
        assert contract.send_due_on == datetime.date(2026, 4, 5)
        time_machine.move_to(at(2026, 4, 1, 23, 59), tick=False)
        assert reached(sweep()) == {}
        time_machine.move_to(at(2026, 4, 2, 0, 0), tick=False)
        assert reached(sweep()) == {"send_due_soon": 1}
        time_machine.move_to(at(2026, 4, 6, 0, 0), tick=False)
        assert reached(sweep()) == {"send_overdue": 1}
        assert reached(sweep()) == {}

        # Sent late, objected to, voted and signed again: the new last day to send is reminded too.
        time_machine.move_to(at(2026, 4, 20, 10), tick=False)
        contract = contract_send(user=w.chair, contract=contract, sent_on=datetime.date(2026, 4, 8))
        contract = contract_receipt_record(user=w.chair, contract=contract, received_on=datetime.date(2026, 4, 9))
        contract = contract_review_objection(
            user=w.chair, contract=contract, objected_on=datetime.date(2026, 4, 15), objection="试用期条款违法"
        )
        contract = contract_vote_record(
            user=w.chair,
            contract=contract,
            voted_on=datetime.date(2026, 4, 18),
            vote_body="congress",
            voters_total=30,
            voters_present=24,
            votes_in_favour=20,
        )
        contract = contract_sign(
            user=w.chair,
            contract=contract,
            signed_on=datetime.date(2026, 4, 20),
            term_start=datetime.date(2026, 5, 1),
            term_end=datetime.date(2029, 4, 30),
        )
        assert contract.send_due_on == datetime.date(2026, 4, 30)
        assert reached(sweep()) == {}
        time_machine.move_to(at(2026, 4, 27, 8), tick=False)
        assert reached(sweep()) == {"send_due_soon": 1}
        time_machine.move_to(at(2026, 5, 1, 8), tick=False)
        assert reached(sweep()) == {"send_overdue": 1}
        assert len(notes(w.chair, "send_due_soon")) == 2 and len(notes(w.chair, "send_overdue")) == 2
        assert notes(w.chair, "send_overdue")[0].endswith("应于 04月05日 前报送")


# Term ends at month ends (and a leap day), each with the day its renewal window opens (3 months).
MONTH_ENDS = [
    (datetime.date(2026, 6, 1), datetime.date(2029, 5, 31), datetime.date(2029, 3, 1)),  # 28 Feb + 1
    (datetime.date(2025, 3, 1), datetime.date(2028, 2, 29), datetime.date(2027, 11, 30)),
    (datetime.date(2025, 12, 1), datetime.date(2028, 11, 30), datetime.date(2028, 8, 31)),
    (datetime.date(2025, 1, 1), datetime.date(2027, 12, 31), datetime.date(2027, 10, 1)),
    (datetime.date(2025, 9, 1), datetime.date(2028, 8, 31), datetime.date(2028, 6, 1)),
]


@pytest.mark.django_db
class TestTerm:
    @pytest.mark.parametrize(("signed_on", "term_end", "opens_on"), MONTH_ENDS)
    def test_the_renewal_window_reminder_on_the_day_the_window_opens(
        self, contract_world, time_machine, signed_on, term_end, opens_on
    ):
        w = contract_world
        time_machine.move_to(
            at(signed_on.year, signed_on.month, signed_on.day, 9) + datetime.timedelta(days=30), tick=False
        )
        contract = make_existing_contract(
            user=w.chair, union=w.tree["union_a"], enterprise=w.ent_a, signed_on=signed_on
        )
        assert contract.term_end == term_end
        assert clock.renewal_window_opens_on(term_end, contract.rule_profile) == opens_on
        day_before = opens_on - datetime.timedelta(days=1)
        time_machine.move_to(datetime.datetime.combine(day_before, datetime.time(23, 59), tzinfo=SH), tick=False)
        assert sweep()["renewal_window"] == 0
        time_machine.move_to(datetime.datetime.combine(opens_on, datetime.time(0, 0), tzinfo=SH), tick=False)
        assert sweep()["renewal_window"] == 1
        assert sweep()["renewal_window"] == 0
        claim = MilestoneClaim.objects.get(kind=KINDS["renewal_window"], subject_id=contract.pk)
        assert claim.due_at == datetime.datetime.combine(opens_on, datetime.time(0, 0), tzinfo=SH)
        assert claim.occurrence == term_end.isoformat()

    def test_the_sql_month_arithmetic_is_the_clocks(self):
        """PostgreSQL's date - interval clamps at month ends as clock.add_months does."""
        profile = RuleProfile.objects.get(is_default=True)
        days = [datetime.date(2027, 1, 1) + datetime.timedelta(days=n) for n in range(0, 800, 7)]
        days += [
            datetime.date(2028, 2, 29),
            datetime.date(2027, 2, 28),
            datetime.date(2026, 12, 31),
            datetime.date(2027, 3, 31),
            datetime.date(2027, 5, 31),
            datetime.date(2027, 7, 31),
            datetime.date(2027, 10, 31),
        ]
        for months in (1, 3, 6, 12):
            annotations = {f"d{i}": _MonthsBefore(Value(day), Value(months)) for i, day in enumerate(days)}
            row = RuleProfile.objects.filter(pk=profile.pk).annotate(**annotations).values(*annotations).get()
            for i, day in enumerate(days):
                assert row[f"d{i}"] == clock.add_months(day, -months), (day, months)

    def test_a_profile_with_a_longer_window_is_data_not_code(self, contract_world, time_machine):
        w = contract_world
        RuleProfile.objects.create(
            **{**NATIONAL_RULES, "name": "某省集体协商条例", "renewal_window_months": 6}
        ).units.add(w.tree["county"])
        time_machine.move_to(at(2026, 7, 25, 9), tick=False)
        contract = make_existing_contract(
            user=w.chair, union=w.tree["union_a"], enterprise=w.ent_a, signed_on=datetime.date(2026, 7, 1)
        )
        assert contract.rule_profile.renewal_window_months == 6 and contract.term_end == datetime.date(2029, 6, 30)
        time_machine.move_to(at(2028, 12, 30, 23), tick=False)
        assert sweep()["renewal_window"] == 0
        time_machine.move_to(at(2028, 12, 31, 0), tick=False)  # 30 June - 6 months = 30 Dec, + 1 day
        assert sweep()["renewal_window"] == 1

    def test_renewal_asked_for_no_window_reminder_then_expiry_soon_and_expired_once(self, contract_world, time_machine):
        w = contract_world
        time_machine.move_to(at(2026, 7, 25, 9), tick=False)
        contract = make_existing_contract(
            user=w.chair, union=w.tree["union_a"], enterprise=w.ent_a, signed_on=datetime.date(2026, 7, 1)
        )
        other = make_existing_contract(
            user=w.chair, union=w.tree["union_a"], enterprise=w.ent_a, signed_on=datetime.date(2026, 7, 1)
        )
        time_machine.move_to(at(2029, 3, 31, 10), tick=False)
        renewal = contract_renewal_request(
            user=w.chair, contract=contract, requested_on=datetime.date(2029, 3, 31), requested_by="workers"
        )
        contract_answer(user=w.chair, contract=renewal, answered_on=datetime.date(2029, 3, 31))
        assert reached(sweep()) == {"renewal_window": 1}  # the other one only
        assert MilestoneClaim.objects.get(kind=KINDS["renewal_window"]).subject_id == other.pk
        time_machine.move_to(at(2029, 5, 31, 8), tick=False)  # 30 June - 30 days
        assert reached(sweep()) == {"expiry_soon": 2}
        assert reached(sweep()) == {}
        time_machine.move_to(at(2029, 7, 1, 8), tick=False)
        assert reached(sweep()) == {"expired": 2}
        assert reached(sweep()) == {}
        title = f"集体合同即将期满：{contract.number}（白塔化工建材厂） 于 2029年06月30日 期满"
        assert title in notes(w.chair, "expiry_soon") and title in notes(w.officer, "expiry_soon")


@pytest.mark.django_db
def test_a_regional_contract_of_the_township_union_tells_its_staff_once(contract_world, time_machine):
    """The township union signs: its staff are both the township's and the union's, told once."""
    w = contract_world
    time_machine.move_to(at(2026, 3, 2, 9), tick=False)
    contract = make_contract(user=w.chair, union=w.tree["a"], covered=[w.small_a1, w.small_a2], on=REQUESTED)
    time_machine.move_to(at(2026, 3, 25, 9), tick=False)
    assert reached(sweep()) == {"answer_overdue": 1}
    assert notes(w.chair) == [
        f"协商要约逾期未回应：{contract.number}（白塔埠镇总工会企业方代表） 回应期限已于 03月21日 届满"
    ]
    assert notes(w.officer) == [] and notes(w.chair_b) == []


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 6])
def test_with_nothing_due_the_sweep_costs_the_same_few_statements_at_any_size(
    contract_world, time_machine, size, django_assert_num_queries
):
    """Contracts at every quiet step (awaiting an answer far off, signed with days to send, under
    review, in force far from the term's end): nothing is due, one claim statement per milestone."""
    w = contract_world
    time_machine.move_to(at(2026, 8, 1, 9), tick=False)
    for _ in range(size):
        make_existing_contract(
            user=w.chair, union=w.tree["union_a"], enterprise=w.ent_a, signed_on=datetime.date(2026, 7, 1)
        )
        make_contract(user=w.chair, union=w.tree["union_a"], enterprise=w.ent_a, on=datetime.date(2026, 7, 31))
        make_contract(
            user=w.chair, union=w.tree["a"], covered=[w.small_a1], step="received", on=datetime.date(2026, 6, 25)
        )
    time_machine.move_to(at(2026, 8, 1, 10), tick=False)
    with CaptureQueriesContext(connection) as queries:
        assert reached(sweep()) == {}
    claims = [q["sql"] for q in queries.captured_queries if "INSERT INTO core_milestoneclaim" in q["sql"]]
    assert len(claims) == len(MILESTONE_KINDS)
    # A savepoint around the batch, one claim per milestone, its release: the same at both sizes.
    with django_assert_num_queries(len(MILESTONE_KINDS) + 2):
        sweep()


@pytest.mark.django_db
def test_the_contracts_task_sweeps_only_the_contracts(contract_world, time_machine):
    from apps.contracts.tasks import contracts_sweep

    w = contract_world
    time_machine.move_to(at(2026, 3, 2, 9), tick=False)
    make_contract(user=w.chair, union=w.tree["union_a"], enterprise=w.ent_a, on=REQUESTED)
    time_machine.move_to(at(2026, 3, 25, 9), tick=False)
    result = contracts_sweep.delay().get()
    assert set(result) == set(MILESTONE_KINDS)
    assert result[KINDS["answer_overdue"]] == 1 and sum(result.values()) == 1
