"""The clock's steps (apps.contracts.services.steps): the status flow, the dates, the parties'
rules, the vote, the term, renewal, the refusals in Chinese, and nothing half-written."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from apps.branches.services import enterprise_archive
from apps.contracts import clock
from apps.contracts.choices import ContractKind, ContractScope, ContractStatus, Party, StepKind, VoteBody
from apps.contracts.models import Contract, ContractCoverage, ContractStep, MinimumWage, RuleProfile, WageArea
from apps.contracts.services import (
    contract_answer,
    contract_close,
    contract_coverage_set,
    contract_meeting_record,
    contract_receipt_record,
    contract_record_existing,
    contract_renewal_request,
    contract_request,
    contract_review_approval,
    contract_review_objection,
    contract_send,
    contract_sign,
    contract_step_refusal,
    contract_steps_allowed,
    contract_take_effect,
    contract_update,
    contract_update_refusal,
    contract_vote_record,
    contract_warnings,
)
from apps.core.errors import ApplicationError
from apps.core.models import Notification
from tests.contracts.factories import STEPS, default_term, make_contract, make_existing_contract, step_date
from tests.factories import UserFactory

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=SH)
TODAY = NOW.date()
D = datetime.date

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def w(contract_world):
    return contract_world


def enterprise_contract(w, step="requested", **kwargs):
    return make_contract(user=w.chair, union=w.tree["union_a"], enterprise=w.ent_a, step=step, **kwargs)


def steps_of(contract):
    return list(ContractStep.objects.filter(contract=contract).values_list("kind", flat=True))


def record_vote(w, contract, total, present, in_favour, *, body=VoteBody.CONGRESS, on=TODAY):
    """The vote on the draft by township A's chair: (delegates or workers in all, present, in favour)."""
    return contract_vote_record(
        user=w.chair,
        contract=contract,
        voted_on=on,
        vote_body=body,
        voters_total=total,
        voters_present=present,
        votes_in_favour=in_favour,
    )


# --- the request ---------------------------------------------------------------------------------


def test_a_request_makes_a_contract_with_its_number_clock_and_coverage(w):
    contract = contract_request(
        user=w.chair,
        union=w.tree["union_a"],
        kind=ContractKind.COMPREHENSIVE,
        scope=ContractScope.ENTERPRISE,
        enterprise=w.ent_a,
        requested_by=Party.EMPLOYER,
        requested_on=datetime.datetime(2026, 11, 2, 23, 59, tzinfo=SH),
        workers_negotiator=" 王强 ",
        note="企业方书面提出",
    )
    assert contract.number.startswith("JTHT-2026-") and len(contract.number) == len("JTHT-2026-0001")
    assert contract.status == ContractStatus.REQUESTED
    assert contract.requested_on == D(2026, 11, 2)
    assert contract.answer_due_on == D(2026, 11, 22)
    assert contract.township == w.tree["a"]
    assert contract.rule_profile.is_default
    assert contract.workers_covered == 80
    assert contract.workers_negotiator == "王强"
    assert contract.recorded_by == w.chair
    assert list(contract.covered_enterprises.all()) == [w.ent_a]
    step = contract.steps.get()
    assert (step.kind, step.happened_on, step.party, step.actor, step.note) == (
        StepKind.REQUEST,
        D(2026, 11, 2),
        Party.EMPLOYER,
        w.chair,
        "企业方书面提出",
    )


def test_numbers_run_on_within_a_year(w):
    first = enterprise_contract(w)
    second = enterprise_contract(w)
    assert int(second.number[-4:]) == int(first.number[-4:]) + 1


def test_a_request_received_at_0001_is_due_a_day_later_than_one_at_2359(w):
    def requested_at(when):
        return contract_request(
            user=w.chair,
            union=w.tree["union_a"],
            kind=ContractKind.WAGE,
            scope=ContractScope.ENTERPRISE,
            enterprise=w.ent_a,
            requested_by=Party.WORKERS,
            requested_on=when,
        )

    at_2359 = requested_at(datetime.datetime(2026, 10, 9, 23, 59, tzinfo=SH))
    at_0001 = requested_at(datetime.datetime(2026, 10, 10, 0, 1, tzinfo=SH))
    assert (at_2359.requested_on, at_2359.answer_due_on) == (D(2026, 10, 9), D(2026, 10, 29))
    assert (at_0001.requested_on, at_0001.answer_due_on) == (D(2026, 10, 10), D(2026, 10, 30))


def test_a_regional_contract_covers_its_enterprises_and_counts_their_workers(w):
    contract = make_contract(
        user=w.chair,
        union=w.tree["a"],
        scope=ContractScope.REGIONAL,
        covered=[w.small_a1, w.small_a2, w.small_a1],
        employer_representative="白塔埠镇企业联合会",
    )
    assert contract.enterprise is None
    assert contract.workers_covered == 20
    assert set(contract.covered_enterprises.all()) == {w.small_a1, w.small_a2}
    for union in (w.joint_a, w.regional_a):
        assert make_contract(user=w.chair, union=union, scope=ContractScope.REGIONAL, covered=[w.small_a1]).pk


def test_an_industry_contract_of_a_county_industry_union_covers_several_townships(w):
    contract = make_contract(
        user=w.county,
        union=w.industry,
        scope=ContractScope.INDUSTRY,
        covered=[w.ent_a, w.ent_b],
        employer_representative="东海县水晶行业协会",
    )
    assert contract.township is None
    assert contract.workers_covered == 140


@pytest.mark.parametrize(
    ("case", "field", "words"),
    [
        ("enterprise of another union", "enterprise", "企业集体合同应由覆盖该企业的工会签订"),
        ("township union signs for one enterprise", "enterprise", "企业集体合同应由覆盖该企业的工会签订"),
        ("enterprise union signs a regional contract", "union", "区域性"),
        ("regional contract names one enterprise", "enterprise", "不填单个企业"),
        ("regional contract without representative", "employer_representative", "企业方代表"),
        ("regional covers another township", "covered_enterprises", "不在“白塔埠镇总工会”所在的区域内"),
        ("enterprise contract without enterprise", "enterprise", "请选择签订合同的企业"),
        ("union out of scope", "union", "不在您的管辖范围内"),
        ("future request", "requested_on", ""),
    ],
)
def test_a_request_is_refused_with_a_reason(w, case, field, words):
    tree = w.tree
    values = {
        "user": w.chair,
        "union": tree["union_a"],
        "kind": ContractKind.COMPREHENSIVE,
        "scope": ContractScope.ENTERPRISE,
        "enterprise": w.ent_a,
        "requested_by": Party.WORKERS,
        "requested_on": D(2026, 11, 1),
    }
    regional = {"union": tree["a"], "scope": ContractScope.REGIONAL, "enterprise": None}
    changes = {
        "enterprise of another union": {"enterprise": w.small_a1},
        "township union signs for one enterprise": {"union": tree["a"]},
        "enterprise union signs a regional contract": {
            "scope": ContractScope.REGIONAL,
            "enterprise": None,
            "employer_representative": "企业联合会",
        },
        "regional contract names one enterprise": {
            **regional,
            "enterprise": w.small_a1,
            "employer_representative": "x",
        },
        "regional contract without representative": {**regional, "covered_enterprises": [w.small_a1]},
        "regional covers another township": {
            **regional,
            "employer_representative": "企业联合会",
            "covered_enterprises": [w.small_a1, w.ent_b],
            "user": w.county,
        },
        "enterprise contract without enterprise": {"enterprise": None},
        "union out of scope": {"user": w.chair_b},
        "future request": {"requested_on": TODAY + datetime.timedelta(days=1)},
    }[case]
    with pytest.raises(ValidationError) as caught:
        contract_request(**{**values, **changes})
    assert field in caught.value.message_dict, caught.value.message_dict
    assert words in " ".join(caught.value.message_dict[field])
    assert not Contract.objects.exists() and not ContractStep.objects.exists()


def test_an_archived_enterprise_takes_no_contract(w):
    enterprise_archive(user=w.chair, enterprise=w.small_a1, reason="注销")
    with pytest.raises(ValidationError) as caught:
        make_contract(user=w.chair, union=w.tree["a"], scope=ContractScope.REGIONAL, covered=[w.small_a1])
    assert "已归档" in caught.value.message_dict["covered_enterprises"][0]


def test_a_user_without_the_permission_records_no_request(w):
    with pytest.raises(ApplicationError, match="没有办理集体合同的权限"):
        make_contract(user=w.users["norole"], union=w.tree["union_a"], enterprise=w.ent_a)


@pytest.mark.urls("tests.contracts.urls_detail_only")
def test_an_officer_records_their_own_unions_request_and_the_township_chair_is_told(w):
    contract = make_contract(user=w.officer, union=w.tree["union_a"], enterprise=w.ent_a)
    told = Notification.objects.filter(recipient=w.chair)
    assert told.count() == 1
    assert contract.number in told.get().title and told.get().link == contract.get_absolute_url()
    assert not Notification.objects.filter(recipient=w.chair_b).exists()
    # A chair's own request is not news to the chair.
    enterprise_contract(w)
    assert told.count() == 1


@pytest.mark.urls("tests.contracts.urls_detail_only")
def test_an_officers_signing_is_told_to_the_chair_once(w):
    contract = make_contract(user=w.officer, union=w.tree["union_a"], enterprise=w.ent_a, step="signed")
    titles = list(Notification.objects.filter(recipient=w.chair).values_list("title", flat=True))
    assert titles == [f"集体合同已签字：{contract.number}", f"新的集体协商要约：{contract.number}"]


# --- the flow, step by step ------------------------------------------------------------------------


def test_the_whole_clock_from_request_to_in_force(w):
    on = D(2026, 8, 1)
    contract = enterprise_contract(w, step="in_force", on=on)
    assert contract.status == ContractStatus.IN_FORCE
    assert contract.answered_on == step_date(on, "negotiating")
    assert contract.signed_on == step_date(on, "signed")
    assert contract.send_due_on == step_date(on, "signed") + datetime.timedelta(days=10)
    assert contract.sent_on == step_date(on, "submitted")
    assert contract.received_on == step_date(on, "received")
    assert contract.review_ends_on == step_date(on, "received") + datetime.timedelta(days=15)
    assert contract.in_force_on == step_date(on, "in_force")
    assert steps_of(contract) == [
        StepKind.REQUEST,
        StepKind.ANSWER,
        StepKind.MEETING,
        StepKind.VOTE,
        StepKind.SIGN,
        StepKind.SEND,
        StepKind.RECEIVE,
        StepKind.APPROVAL,
        StepKind.IN_FORCE,
    ]
    assert Contract.objects.in_force_on(TODAY).get() == contract


@pytest.mark.parametrize(
    ("step", "status"),
    [
        ("requested", ContractStatus.REQUESTED),
        ("negotiating", ContractStatus.NEGOTIATING),
        ("meeting", ContractStatus.NEGOTIATING),
        ("passed", ContractStatus.PASSED),
        ("signed", ContractStatus.SIGNED),
        ("submitted", ContractStatus.SUBMITTED),
        ("received", ContractStatus.SUBMITTED),
        ("in_force", ContractStatus.IN_FORCE),
    ],
)
def test_each_step_leaves_the_status(w, step, status):
    assert enterprise_contract(w, step=step).status == status


def test_the_answer_is_given_by_the_other_side(w):
    contract = enterprise_contract(w, step="negotiating")
    assert contract.steps.get(kind=StepKind.ANSWER).party == Party.EMPLOYER


def test_a_meeting_needs_a_place_and_may_follow_the_passed_vote(w):
    contract = enterprise_contract(w, step="negotiating")
    with pytest.raises(ValidationError) as caught:
        contract_meeting_record(user=w.chair, contract=contract, held_on=TODAY, place=" ")
    assert "place" in caught.value.message_dict
    passed = enterprise_contract(w, step="passed")
    contract_meeting_record(user=w.chair, contract=passed, held_on=TODAY, place="会议室", note="文字修改")
    assert passed.steps.filter(kind=StepKind.MEETING).count() == 2


def test_a_failed_vote_stays_negotiating_and_keeps_the_counts(w):
    contract = enterprise_contract(w, step="negotiating")
    contract = record_vote(w, contract, 30, 19, 19)
    assert contract.status == ContractStatus.NEGOTIATING
    vote = contract.steps.get(kind=StepKind.VOTE)
    assert (vote.voters_total, vote.voters_present, vote.votes_in_favour, vote.vote_passed) == (30, 19, 19, False)
    # Voted again, with 20 of 30 present and 15 in favour (exactly two thirds, exactly half): passed.
    contract = record_vote(w, contract, 30, 20, 15)
    assert contract.status == ContractStatus.PASSED


@pytest.mark.parametrize(
    ("total", "present", "in_favour", "passed"),
    [
        (30, 19, 16, False),
        (30, 20, 16, True),
        (30, 21, 16, True),
        (30, 25, 14, False),
        (30, 25, 15, True),
        (30, 25, 16, True),
        (31, 20, 16, False),
        (31, 21, 15, False),
        (31, 21, 16, True),
    ],
)
def test_the_vote_verdict_around_two_thirds_and_half(w, total, present, in_favour, passed):
    contract = enterprise_contract(w, step="negotiating")
    contract = record_vote(w, contract, total, present, in_favour)
    assert contract.steps.get(kind=StepKind.VOTE).vote_passed is passed
    assert (contract.status == ContractStatus.PASSED) is passed


def test_an_all_workers_vote_uses_the_same_thresholds_over_all_workers(w):
    contract = enterprise_contract(w, step="negotiating")
    contract = record_vote(w, contract, 80, 54, 40, body=VoteBody.ALL_WORKERS)
    assert contract.status == ContractStatus.PASSED
    assert contract.steps.get(kind=StepKind.VOTE).vote_body == VoteBody.ALL_WORKERS


def test_a_profile_that_is_not_inclusive_fails_exactly_two_thirds(w):
    strict = RuleProfile.objects.create(
        name="某省集体协商条例",
        document_number="省人大常委会公告",
        effective_from=D(2023, 5, 1),
        thresholds_inclusive=False,
    )
    strict.units.add(w.tree["county"])
    contract = enterprise_contract(w, step="negotiating")
    assert contract.rule_profile == strict
    contract = record_vote(w, contract, 30, 20, 16)
    assert contract.status == ContractStatus.NEGOTIATING


@pytest.mark.parametrize(
    ("counts", "field"),
    [((30, 31, 20), "voters_present"), ((30, 20, 21), "votes_in_favour"), ((0, 0, 0), "voters_total")],
)
def test_illegal_counts_are_refused_and_nothing_is_written(w, counts, field):
    contract = enterprise_contract(w, step="negotiating")
    total, present, in_favour = counts
    with pytest.raises(ValidationError) as caught:
        record_vote(w, contract, total, present, in_favour)
    assert field in caught.value.message_dict
    assert not contract.steps.filter(kind=StepKind.VOTE).exists()
    contract.refresh_from_db()
    assert contract.status == ContractStatus.NEGOTIATING


# --- the term ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("months", "flagged"), [(11, True), (12, False), (36, False), (37, True)])
def test_terms_of_11_and_37_months_need_a_reason(w, months, flagged):
    contract = enterprise_contract(w, step="passed")
    signed_on = TODAY - datetime.timedelta(days=3)
    term_start, term_end = default_term(signed_on, months)
    if flagged:
        with pytest.raises(ValidationError) as caught:
            contract_sign(
                user=w.chair, contract=contract, signed_on=signed_on, term_start=term_start, term_end=term_end
            )
        message = caught.value.message_dict["term_reason"][0]
        assert f"{months} 个月" in message and "请写明理由" in message
        contract.refresh_from_db()
        assert contract.status == ContractStatus.PASSED and contract.signed_on is None
        assert not contract.steps.filter(kind=StepKind.SIGN).exists()
        contract = contract_sign(
            user=w.chair,
            contract=contract,
            signed_on=signed_on,
            term_start=term_start,
            term_end=term_end,
            term_reason="企业改制过渡期",
        )
        assert contract.term_flagged
        assert any("企业改制过渡期" in warning for warning in contract_warnings(contract))
    else:
        contract = contract_sign(
            user=w.chair, contract=contract, signed_on=signed_on, term_start=term_start, term_end=term_end
        )
        assert not contract.term_flagged
    assert contract.status == ContractStatus.SIGNED
    assert contract.term_months == months


def test_signing_needs_the_term(w):
    contract = enterprise_contract(w, step="passed")
    with pytest.raises(ValidationError) as caught:
        contract_sign(user=w.chair, contract=contract, signed_on=TODAY, term_start=None, term_end=None)
    assert set(caught.value.message_dict) == {"term_start", "term_end"}


def test_a_regional_contract_lists_its_enterprises_before_signing(w):
    contract = make_contract(user=w.chair, union=w.tree["a"], scope=ContractScope.REGIONAL, step="passed")
    with pytest.raises(ApplicationError, match="覆盖的企业"):
        contract_sign(user=w.chair, contract=contract, signed_on=TODAY, term_start=TODAY, term_end=D(2029, 11, 15))
    contract_coverage_set(user=w.chair, contract=contract, enterprises=[w.small_a1])
    contract = contract_sign(
        user=w.chair, contract=contract, signed_on=TODAY, term_start=TODAY, term_end=D(2029, 11, 15)
    )
    assert contract.status == ContractStatus.SIGNED


# --- sending, receipt, review ------------------------------------------------------------------------


def test_sent_and_received_at_once_starts_the_review(w):
    contract = enterprise_contract(w, step="signed", on=D(2026, 10, 1))
    contract = contract_send(user=w.chair, contract=contract, sent_on=D(2026, 10, 28), received_on=D(2026, 10, 30))
    assert contract.status == ContractStatus.SUBMITTED
    assert (contract.received_on, contract.review_ends_on) == (D(2026, 10, 30), D(2026, 11, 14))
    assert steps_of(contract)[-2:] == [StepKind.SEND, StepKind.RECEIVE]


def test_the_receipt_is_recorded_once(w):
    contract = enterprise_contract(w, step="received")
    with pytest.raises(ApplicationError, match="只记录一次"):
        contract_receipt_record(user=w.chair, contract=contract, received_on=TODAY)


def test_an_approval_needs_the_receipt_first(w):
    contract = enterprise_contract(w, step="submitted")
    assert contract_step_refusal(user=w.chair, contract=contract, step=StepKind.APPROVAL).startswith("请先记录")
    with pytest.raises(ApplicationError, match="收到合同文本的日期"):
        contract_review_approval(user=w.chair, contract=contract, approved_on=TODAY)


def test_an_approval_after_the_review_period_keeps_the_laws_date(w):
    contract = enterprise_contract(w, step="received", on=D(2026, 8, 1))
    review_ends = contract.review_ends_on
    contract = contract_review_approval(user=w.chair, contract=contract, approved_on=TODAY)
    assert contract.in_force_on == review_ends + datetime.timedelta(days=1)
    assert "自行生效" in contract.steps.get(kind=StepKind.IN_FORCE).note


def test_an_objection_sends_it_back_to_negotiation_and_the_timeline_keeps_the_dates(w):
    contract = enterprise_contract(w, step="received", on=D(2026, 10, 1))
    signed_on = contract.signed_on
    contract = contract_review_objection(
        user=w.chair, contract=contract, objected_on=D(2026, 11, 5), objection="第十条工资条款低于最低工资标准"
    )
    assert contract.status == ContractStatus.NEGOTIATING
    for name in ("signed_on", "send_due_on", "sent_on", "received_on", "review_ends_on"):
        assert getattr(contract, name) is None, name
    assert contract.term_start is not None  # the content stays
    assert contract.steps.get(kind=StepKind.SIGN).happened_on == signed_on
    assert contract.steps.get(kind=StepKind.OBJECTION).note == "第十条工资条款低于最低工资标准"
    # Negotiated again: a new vote, a new signing, sent again.
    contract_meeting_record(user=w.chair, contract=contract, held_on=D(2026, 11, 8), place="镇工会")
    contract = record_vote(w, contract, 30, 28, 27, on=D(2026, 11, 10))
    contract = contract_sign(
        user=w.chair, contract=contract, signed_on=D(2026, 11, 12), term_start=D(2026, 12, 1), term_end=D(2029, 11, 30)
    )
    contract = contract_send(user=w.chair, contract=contract, sent_on=D(2026, 11, 13), received_on=D(2026, 11, 14))
    assert contract.status == ContractStatus.SUBMITTED
    assert contract.steps.filter(kind=StepKind.SIGN).count() == 2


def test_an_objection_needs_its_text_and_cannot_come_after_the_review(w):
    contract = enterprise_contract(w, step="received", on=D(2026, 8, 1))
    with pytest.raises(ValidationError) as caught:
        contract_review_objection(user=w.chair, contract=contract, objected_on=TODAY, objection="  ")
    assert "objection" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        contract_review_objection(user=w.chair, contract=contract, objected_on=TODAY, objection="有异议")
    assert "审查期已于" in caught.value.message_dict["objected_on"][0]
    contract.refresh_from_db()
    assert contract.status == ContractStatus.SUBMITTED


def test_take_effect_by_the_sweep_records_its_note(w):
    contract = enterprise_contract(w, step="received", on=D(2026, 8, 1))
    deemed = clock.deemed_in_force_on(contract.received_on, contract.rule_profile)
    note = "劳动保障行政部门自收到文本之日起15日内未提出异议，合同自行生效"
    contract = contract_take_effect(contract=contract, in_force_on=deemed, note=note)
    assert (contract.status, contract.in_force_on) == (ContractStatus.IN_FORCE, deemed)
    step = contract.steps.get(kind=StepKind.IN_FORCE)
    assert (step.note, step.actor, step.happened_on) == (note, None, deemed)
    with pytest.raises(ApplicationError, match=str(ContractStatus.IN_FORCE.label)):
        contract_take_effect(contract=contract, in_force_on=deemed)


# --- wrong status, dates out of order ---------------------------------------------------------------


def _attempt(kind, user, contract):
    calls = {
        StepKind.ANSWER: lambda: contract_answer(user=user, contract=contract, answered_on=TODAY),
        StepKind.MEETING: lambda: contract_meeting_record(user=user, contract=contract, held_on=TODAY, place="x"),
        StepKind.VOTE: lambda: contract_vote_record(
            user=user,
            contract=contract,
            voted_on=TODAY,
            vote_body=VoteBody.CONGRESS,
            voters_total=3,
            voters_present=3,
            votes_in_favour=3,
        ),
        StepKind.SIGN: lambda: contract_sign(
            user=user, contract=contract, signed_on=TODAY, term_start=TODAY, term_end=D(2028, 11, 15)
        ),
        StepKind.SEND: lambda: contract_send(user=user, contract=contract, sent_on=TODAY),
        StepKind.RECEIVE: lambda: contract_receipt_record(user=user, contract=contract, received_on=TODAY),
        StepKind.OBJECTION: lambda: contract_review_objection(
            user=user, contract=contract, objected_on=TODAY, objection="x"
        ),
        StepKind.APPROVAL: lambda: contract_review_approval(user=user, contract=contract, approved_on=TODAY),
        StepKind.RENEWAL_REQUEST: lambda: contract_renewal_request(
            user=user, contract=contract, requested_on=TODAY, requested_by=Party.WORKERS
        ),
        StepKind.CLOSE: lambda: contract_close(user=user, contract=contract, closed_on=TODAY, reason="x"),
        StepKind.COVERAGE: lambda: contract_coverage_set(
            user=user, contract=contract, workers_covered=70, workers_covered_reason="x"
        ),
    }
    return calls[kind]()


ALLOWED_AT = {
    "requested": {StepKind.ANSWER, StepKind.CLOSE, StepKind.COVERAGE},
    "negotiating": {StepKind.MEETING, StepKind.VOTE, StepKind.CLOSE, StepKind.COVERAGE},
    "passed": {StepKind.MEETING, StepKind.SIGN, StepKind.CLOSE, StepKind.COVERAGE},
    "signed": {StepKind.SEND, StepKind.CLOSE, StepKind.COVERAGE},
    "submitted": {StepKind.RECEIVE, StepKind.OBJECTION, StepKind.CLOSE, StepKind.COVERAGE},
    "received": {StepKind.OBJECTION, StepKind.APPROVAL, StepKind.CLOSE, StepKind.COVERAGE},
    "in_force": set(),  # the renewal window is not open yet (a 36-month term signed this year)
}


@pytest.mark.parametrize("step", [s for s in STEPS if s != "meeting"])
def test_the_steps_allowed_at_each_status(w, step):
    contract = enterprise_contract(w, step=step, on=D(2026, 9, 1))
    assert set(contract_steps_allowed(user=w.chair, contract=contract)) == ALLOWED_AT[step]
    assert contract_steps_allowed(user=w.chair_b, contract=contract) == []
    assert contract_steps_allowed(user=w.users["norole"], contract=contract) == []


@pytest.mark.parametrize("step", [s for s in STEPS if s != "meeting"])
def test_each_step_is_refused_from_a_wrong_status_naming_the_status(w, step):
    contract = enterprise_contract(w, step=step, on=D(2026, 9, 1))
    before = (contract.status, contract.steps.count(), contract.updated_at)
    refused = [kind for kind in _attempt_kinds() if kind not in ALLOWED_AT[step]]
    for kind in refused:
        with pytest.raises(ApplicationError) as caught:
            _attempt(kind, w.chair, contract)
        message = caught.value.message
        if contract.status not in {"submitted"} or kind not in {StepKind.RECEIVE, StepKind.APPROVAL}:
            if kind != StepKind.RENEWAL_REQUEST or step != "in_force":
                assert str(ContractStatus(contract.status).label) in message, (kind, message)
                assert "现在可以办理" in message
    contract.refresh_from_db()
    assert (contract.status, contract.steps.count(), contract.updated_at) == before


def _attempt_kinds():
    return [k for k in StepKind if k not in {StepKind.REQUEST, StepKind.IN_FORCE, StepKind.EXPIRE, StepKind.RENEW}]


def test_a_closed_contract_takes_no_step(w):
    contract = enterprise_contract(w, step="negotiating", closed=True)
    assert contract.status == ContractStatus.CLOSED
    assert contract.closed_reason == "协商终止"
    assert contract_steps_allowed(user=w.chair, contract=contract) == []
    with pytest.raises(ApplicationError, match="无（合同已结束）"):
        contract_answer(user=w.chair, contract=contract, answered_on=TODAY)


def test_closing_needs_a_reason_and_is_refused_once_in_force(w):
    contract = enterprise_contract(w, step="passed")
    with pytest.raises(ValidationError) as caught:
        contract_close(user=w.chair, contract=contract, closed_on=TODAY, reason=" ")
    assert "reason" in caught.value.message_dict
    in_force = enterprise_contract(w, step="in_force")
    with pytest.raises(ApplicationError, match=str(ContractStatus.IN_FORCE.label)):
        contract_close(user=w.chair, contract=in_force, closed_on=TODAY, reason="作废")


@pytest.mark.parametrize(
    ("step", "call", "field"),
    [
        ("requested", lambda u, c, day: contract_answer(user=u, contract=c, answered_on=day), "answered_on"),
        (
            "negotiating",
            lambda u, c, day: contract_meeting_record(user=u, contract=c, held_on=day, place="x"),
            "held_on",
        ),
        (
            "meeting",
            lambda u, c, day: contract_vote_record(
                user=u,
                contract=c,
                voted_on=day,
                vote_body=VoteBody.CONGRESS,
                voters_total=3,
                voters_present=3,
                votes_in_favour=3,
            ),
            "voted_on",
        ),
        (
            "passed",
            lambda u, c, day: contract_sign(
                user=u, contract=c, signed_on=day, term_start=day, term_end=D(2028, 12, 31)
            ),
            "signed_on",
        ),
        ("signed", lambda u, c, day: contract_send(user=u, contract=c, sent_on=day), "sent_on"),
        ("submitted", lambda u, c, day: contract_receipt_record(user=u, contract=c, received_on=day), "received_on"),
        ("received", lambda u, c, day: contract_review_approval(user=u, contract=c, approved_on=day), "approved_on"),
        (
            "received",
            lambda u, c, day: contract_review_objection(user=u, contract=c, objected_on=day, objection="x"),
            "objected_on",
        ),
        ("passed", lambda u, c, day: contract_close(user=u, contract=c, closed_on=day, reason="x"), "closed_on"),
    ],
)
def test_a_step_dated_before_the_previous_one_is_refused_naming_both_dates(w, step, call, field):
    on = D(2026, 9, 1)
    contract = enterprise_contract(w, step=step, on=on)
    previous = contract.steps.order_by("-happened_on", "-id").first()
    early = previous.happened_on - datetime.timedelta(days=1)
    before = (contract.status, contract.steps.count())
    with pytest.raises(ValidationError) as caught:
        call(w.chair, contract, early)
    message = caught.value.message_dict[field][0]
    assert f"{early:%Y-%m-%d}" in message and f"{previous.happened_on:%Y-%m-%d}" in message
    contract.refresh_from_db()
    assert (contract.status, contract.steps.count()) == before
    # On the same day as the previous step, it is accepted.
    call(w.chair, contract, previous.happened_on)


def test_a_step_in_the_future_is_refused(w):
    contract = enterprise_contract(w)
    with pytest.raises(ValidationError) as caught:
        contract_answer(user=w.chair, contract=contract, answered_on=TODAY + datetime.timedelta(days=1))
    assert "answered_on" in caught.value.message_dict
    # 23:59 tonight in Shanghai is today; 00:01 tomorrow is not.
    with pytest.raises(ValidationError):
        contract_answer(user=w.chair, contract=contract, answered_on=datetime.datetime(2026, 11, 17, 0, 1, tzinfo=SH))
    contract = contract_answer(
        user=w.chair, contract=contract, answered_on=datetime.datetime(2026, 11, 16, 9, 59, tzinfo=SH)
    )
    assert contract.answered_on == TODAY


# --- renewal -----------------------------------------------------------------------------------------


def test_a_renewal_from_its_window_replaces_the_old_contract_when_it_takes_effect(w):
    old = make_existing_contract(user=w.chair, union=w.tree["union_a"], enterprise=w.ent_a, signed_on=D(2024, 1, 5))
    assert old.term_end == D(2027, 1, 4)
    opens = clock.renewal_window_opens_on(old.term_end, old.rule_profile)
    assert opens == D(2026, 10, 5)
    assert StepKind.RENEWAL_REQUEST in contract_steps_allowed(user=w.chair, contract=old)
    renewal = contract_renewal_request(
        user=w.chair, contract=old, requested_on=D(2026, 10, 5), requested_by=Party.WORKERS
    )
    assert renewal.replaces == old and renewal.status == ContractStatus.REQUESTED
    assert (renewal.union, renewal.kind, renewal.enterprise) == (old.union, old.kind, old.enterprise)
    old.refresh_from_db()
    assert old.renewal_requested_on == D(2026, 10, 5)
    assert old.steps.filter(kind=StepKind.RENEWAL_REQUEST).count() == 1
    assert StepKind.RENEWAL_REQUEST not in contract_steps_allowed(user=w.chair, contract=old)
    with pytest.raises(ApplicationError, match="只续订一次"):
        contract_renewal_request(user=w.chair, contract=old, requested_on=TODAY, requested_by=Party.WORKERS)

    # The renewal runs its own clock; when it takes effect, the old one is RENEWED.
    contract_answer(user=w.chair, contract=renewal, answered_on=D(2026, 10, 10))
    contract_vote_record(
        user=w.chair,
        contract=renewal,
        voted_on=D(2026, 10, 20),
        vote_body=VoteBody.CONGRESS,
        voters_total=30,
        voters_present=30,
        votes_in_favour=30,
    )
    contract_sign(
        user=w.chair, contract=renewal, signed_on=D(2026, 10, 25), term_start=D(2027, 1, 5), term_end=D(2030, 1, 4)
    )
    contract_send(user=w.chair, contract=renewal, sent_on=D(2026, 10, 26), received_on=D(2026, 10, 27))
    renewal = contract_review_approval(user=w.chair, contract=renewal, approved_on=D(2026, 11, 2))
    old.refresh_from_db()
    assert old.status == ContractStatus.RENEWED
    assert old.ended_on == D(2026, 11, 1)
    assert old.steps.get(kind=StepKind.RENEW).happened_on == D(2026, 11, 2)
    assert renewal.number in old.steps.get(kind=StepKind.RENEW).note
    assert list(Contract.objects.in_force_on(TODAY)) == [renewal]


def test_a_renewal_before_its_window_is_refused_saying_when_it_opens(w):
    old = make_existing_contract(user=w.chair, union=w.tree["union_a"], enterprise=w.ent_a, signed_on=D(2025, 3, 1))
    refusal = contract_step_refusal(user=w.chair, contract=old, step=StepKind.RENEWAL_REQUEST)
    assert "2027-11-30" in refusal and "2028-02-29" in refusal
    with pytest.raises(ApplicationError, match="2027-11-30"):
        contract_renewal_request(user=w.chair, contract=old, requested_on=TODAY, requested_by=Party.WORKERS)
    assert Contract.objects.count() == 1


def test_an_expired_contract_may_be_renewed_and_ends_on_its_term(w):
    old = make_existing_contract(user=w.chair, union=w.tree["union_a"], enterprise=w.ent_a, signed_on=D(2023, 6, 1))
    assert old.status == ContractStatus.EXPIRED and old.ended_on == D(2026, 5, 31)
    renewal = contract_renewal_request(
        user=w.chair, contract=old, requested_on=D(2026, 9, 1), requested_by=Party.EMPLOYER
    )
    for name, call in (
        ("answer", lambda: contract_answer(user=w.chair, contract=renewal, answered_on=D(2026, 9, 2))),
        (
            "vote",
            lambda: contract_vote_record(
                user=w.chair,
                contract=renewal,
                voted_on=D(2026, 9, 3),
                vote_body=VoteBody.CONGRESS,
                voters_total=10,
                voters_present=10,
                votes_in_favour=10,
            ),
        ),
        (
            "sign",
            lambda: contract_sign(
                user=w.chair,
                contract=renewal,
                signed_on=D(2026, 9, 4),
                term_start=D(2026, 9, 4),
                term_end=D(2029, 9, 3),
            ),
        ),
        (
            "send",
            lambda: contract_send(user=w.chair, contract=renewal, sent_on=D(2026, 9, 5), received_on=D(2026, 9, 6)),
        ),
    ):
        assert call(), name
    contract_take_effect(contract=renewal, in_force_on=D(2026, 9, 22), note="自行生效")
    old.refresh_from_db()
    assert old.status == ContractStatus.RENEWED and old.ended_on == D(2026, 5, 31)


# --- content, coverage, warnings ----------------------------------------------------------------------


def test_content_is_edited_until_it_takes_effect(w):
    contract = enterprise_contract(w, step="signed")
    contract = contract_update(
        user=w.chair, contract=contract, wage_increase_percent=Decimal("5.50"), main_terms=" 工资、工时 "
    )
    assert (contract.wage_increase_percent, contract.main_terms) == (Decimal("5.50"), "工资、工时")
    with pytest.raises(TypeError):
        contract_update(user=w.chair, contract=contract, status=ContractStatus.IN_FORCE)
    with pytest.raises(ValidationError) as caught:
        contract_update(user=w.chair, contract=contract, wage_increase_percent=Decimal("120"))
    assert caught.value.messages
    in_force = enterprise_contract(w, step="in_force")
    assert "生效或结束后" in contract_update_refusal(user=w.chair, contract=in_force)
    with pytest.raises(ApplicationError):
        contract_update(user=w.chair, contract=in_force, main_terms="改")


def test_workers_covered_overridden_with_a_reason_and_counted_again_without(w):
    contract = make_contract(user=w.chair, union=w.tree["a"], scope=ContractScope.REGIONAL, covered=[w.small_a1])
    with pytest.raises(ValidationError) as caught:
        contract_coverage_set(user=w.chair, contract=contract, workers_covered=50)
    assert "workers_covered_reason" in caught.value.message_dict
    contract = contract_coverage_set(
        user=w.chair,
        contract=contract,
        enterprises=[w.small_a1, w.small_a2],
        workers_covered=50,
        workers_covered_reason="含劳务派遣人员",
    )
    assert (contract.workers_covered, contract.workers_covered_overridden) == (50, True)
    assert set(contract.covered_enterprises.all()) == {w.small_a1, w.small_a2}
    assert any("手工填写" in warning for warning in contract_warnings(contract))
    contract = contract_coverage_set(user=w.chair, contract=contract, enterprises=[w.small_a2])
    assert (contract.workers_covered, contract.workers_covered_reason) == (8, "")
    assert list(contract.covered_enterprises.all()) == [w.small_a2]
    notes = list(contract.steps.filter(kind=StepKind.COVERAGE).values_list("note", flat=True))
    assert len(notes) == 2 and "移出：白塔埠镇小五金厂" in notes[1]
    with pytest.raises(ValidationError):
        contract_coverage_set(user=w.chair, contract=contract, enterprises=[w.ent_b])


def test_an_enterprise_contract_covers_only_its_enterprise(w):
    contract = enterprise_contract(w)
    with pytest.raises(ValidationError) as caught:
        contract_coverage_set(user=w.chair, contract=contract, enterprises=[w.small_a1])
    assert "只覆盖签订合同的企业本身" in caught.value.message_dict["enterprises"][0]
    assert list(ContractCoverage.objects.filter(contract=contract).values_list("enterprise", flat=True)) == [w.ent_a.pk]


def test_warnings_minimum_wage_and_overdue_steps(w):
    WageArea.objects.create(unit=w.tree["county"], area_class="2")
    MinimumWage.objects.create(year=2026, area_class="2", monthly=Decimal("2280.00"))
    contract = enterprise_contract(w, on=D(2026, 10, 1))
    assert any("已逾期 26 天" in warning for warning in contract_warnings(contract))
    contract = contract_answer(user=w.chair, contract=contract, answered_on=D(2026, 10, 2))
    assert contract_warnings(contract) == []
    contract = contract_update(user=w.chair, contract=contract, minimum_wage=Decimal("2100"))
    assert any("低于 2026 年当地最低工资标准 2,280.00 元/月" in warning for warning in contract_warnings(contract))
    signed = enterprise_contract(w, step="signed", on=D(2026, 9, 1))
    assert any("报送" in warning and "已逾期" in warning for warning in contract_warnings(signed))


# --- rules are data ------------------------------------------------------------------------------------


def test_a_rule_profile_with_other_numbers_changes_the_clock(w):
    jiangsu = RuleProfile.objects.create(
        name="江苏省集体协商条例",
        document_number="江苏省人大常委会公告",
        effective_from=D(2023, 5, 1),
        answer_days=15,
        send_days=7,
        review_days=30,
        renewal_window_months=2,
    )
    jiangsu.units.add(w.tree["county"])
    contract = enterprise_contract(w, on=D(2026, 9, 1))
    assert contract.rule_profile == jiangsu
    assert contract.answer_due_on == D(2026, 9, 16)
    contract = enterprise_contract(w, step="received", on=D(2026, 9, 1))
    assert contract.send_due_on == step_date(D(2026, 9, 1), "signed") + datetime.timedelta(days=7)
    assert contract.review_ends_on == step_date(D(2026, 9, 1), "received") + datetime.timedelta(days=30)
    # A contract keeps the profile it was bargained under when the county's changes.
    jiangsu.units.remove(w.tree["county"])
    contract = contract_review_approval(user=w.chair, contract=contract, approved_on=TODAY)
    assert contract.rule_profile == jiangsu


# --- contracts entered after the fact -------------------------------------------------------------------


def test_an_existing_contract_is_entered_in_force_with_its_steps(w):
    contract = contract_record_existing(
        user=w.chair,
        union=w.tree["a"],
        kind=ContractKind.WAGE,
        scope=ContractScope.REGIONAL,
        employer_representative="白塔埠镇企业联合会",
        covered_enterprises=[w.small_a1, w.small_a2],
        signed_on=D(2025, 3, 1),
        sent_on=D(2025, 3, 5),
        received_on=D(2025, 3, 6),
        in_force_on=D(2025, 3, 22),
        term_start=D(2025, 4, 1),
        term_end=D(2027, 3, 31),
        wage_increase_percent=Decimal("4"),
    )
    assert contract.status == ContractStatus.IN_FORCE
    assert (contract.requested_on, contract.review_ends_on, contract.workers_covered) == (
        D(2025, 3, 1),
        D(2025, 3, 21),
        20,
    )
    assert steps_of(contract) == [
        StepKind.REQUEST,
        StepKind.SIGN,
        StepKind.SEND,
        StepKind.RECEIVE,
        StepKind.IN_FORCE,
    ]
    assert "要约日期不详" in contract.steps.get(kind=StepKind.REQUEST).note


def test_an_existing_contract_whose_term_is_over_is_expired(w):
    contract = make_existing_contract(
        user=w.chair, union=w.tree["union_a"], enterprise=w.ent_a, signed_on=D(2020, 1, 1)
    )
    assert (contract.status, contract.ended_on) == (ContractStatus.EXPIRED, D(2022, 12, 31))
    assert contract.steps.get(kind=StepKind.EXPIRE).happened_on == D(2023, 1, 1)
    assert not Contract.objects.in_force_on(TODAY).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sent_on": D(2024, 12, 1)}, "sent_on"),
        ({"in_force_on": D(2025, 3, 3)}, "in_force_on"),
        ({"term_end": D(2025, 12, 31)}, "term_reason"),
        ({"enterprise": None}, "enterprise"),
        ({"in_force_on": TODAY + datetime.timedelta(days=1)}, "in_force_on"),
        ({"workers_covered": 99}, "workers_covered_reason"),
    ],
)
def test_an_existing_contract_follows_the_same_rules(w, changes, field):
    values = {
        "user": w.chair,
        "union": w.tree["union_a"],
        "kind": ContractKind.COMPREHENSIVE,
        "scope": ContractScope.ENTERPRISE,
        "enterprise": w.ent_a,
        "signed_on": D(2025, 3, 1),
        "sent_on": D(2025, 3, 5),
        "received_on": D(2025, 3, 6),
        "in_force_on": D(2025, 3, 22),
        "term_start": D(2025, 4, 1),
        "term_end": D(2028, 3, 31),
    }
    with pytest.raises(ValidationError) as caught:
        contract_record_existing(**{**values, **changes})
    assert field in caught.value.message_dict, caught.value.message_dict
    assert not Contract.objects.exists() and not ContractStep.objects.exists()


def test_the_system_records_no_request(w):
    with pytest.raises(ApplicationError):
        make_contract(user=None, union=w.tree["union_a"], enterprise=w.ent_a)


def test_a_county_user_records_any_townships_contract_and_a_superuser_too(w):
    assert make_contract(user=w.county, union=w.tree["union_b"], enterprise=w.ent_b, step="signed").pk
    admin = UserFactory(username="admin2")
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    assert make_contract(user=admin, union=w.tree["union_b"], enterprise=w.ent_b).pk
