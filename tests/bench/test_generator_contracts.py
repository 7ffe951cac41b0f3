"""The generator's collective contracts: on the statutory clock, every status, coverage, renewal chains."""

import datetime
import re
from collections import Counter

import pytest

from apps.bench.generator import DatasetRefused, _event_model, generate_dataset
from apps.branches.models import Enterprise
from apps.contracts import clock
from apps.contracts.choices import ContractKind, ContractScope, ContractStatus, StepKind
from apps.contracts.models import Contract, ContractStep
from apps.contracts.rules import rule_profile_default
from apps.members.idnumbers import china_today

TODAY = china_today()
# Big enough for every status and scope (about 300 contracts), small enough for a test (2 s).
SCALE = 0.1


@pytest.fixture
def contracts(db):
    generate_dataset(scale=SCALE, seed=11, today=TODAY)
    return list(
        Contract.objects.select_related("rule_profile", "enterprise", "replaces").prefetch_related(
            "steps", "covered_enterprises"
        )
    )


def test_every_status_scope_and_kind_is_generated(contracts):
    statuses = Counter(c.status for c in contracts)
    assert set(statuses) == set(ContractStatus.values)
    assert statuses[ContractStatus.IN_FORCE] > len(contracts) / 2
    assert {c.scope for c in contracts} == set(ContractScope.values)
    assert {ContractKind.COMPREHENSIVE, ContractKind.WAGE, ContractKind.WOMEN} <= {c.kind for c in contracts}
    regional_townships = {c.township_id for c in contracts if c.scope == ContractScope.REGIONAL}
    assert len(regional_townships) == 2  # one per township (scale 0.1: 2 townships)
    # Findings the sweep and the lists show: answers overdue, signed contracts overdue for sending.
    assert any(c.status == ContractStatus.REQUESTED and c.answer_due_on < TODAY for c in contracts)
    assert any(c.status == ContractStatus.REQUESTED and c.answer_due_on >= TODAY for c in contracts)
    assert any(c.status == ContractStatus.SIGNED and c.send_due_on < TODAY for c in contracts)


def test_the_shares_of_unionised_enterprises_are_about_right(contracts):
    unionised = Enterprise.objects.filter(union__status="approved", archived_at__isnull=True).count()
    enterprise_contracts = Counter(c.kind for c in contracts if c.scope == ContractScope.ENTERPRISE and not c.replaces)
    assert 0.6 < enterprise_contracts[ContractKind.COMPREHENSIVE] / unionised < 0.8
    assert 0.25 < enterprise_contracts[ContractKind.WAGE] / unionised < 0.45
    assert 0.15 < enterprise_contracts[ContractKind.WOMEN] / unionised < 0.35
    in_force = Contract.objects.in_force_on(TODAY)
    covered = Enterprise.objects.filter(contract_coverage__contract__in=in_force).distinct().count()
    assert 0.5 < covered / unionised < 1


def test_every_contract_follows_the_clock(contracts):
    profile = rule_profile_default()
    for c in contracts:
        assert c.rule_profile_id == profile.pk
        assert re.fullmatch(rf"JTHT-{c.requested_on.year}-1\d{{6}}", c.number)
        assert c.answer_due_on == clock.answer_due_on(c.requested_on, profile)
        if c.signed_on:
            assert c.send_due_on == clock.send_due_on(c.signed_on, profile)
            assert not c.term_flagged
        if c.received_on:
            assert c.review_ends_on == clock.review_ends_on(c.received_on, profile)
        steps = list(c.steps.all())
        days = [s.happened_on for s in steps]
        assert days == sorted(days) and days[0] == c.requested_on and days[-1] <= TODAY
        kinds = [s.kind for s in steps]
        assert kinds[0] == StepKind.REQUEST
        if c.answered_on:
            assert StepKind.ANSWER in kinds
        if c.status == ContractStatus.REQUESTED:
            assert kinds == [StepKind.REQUEST]
        if c.status == ContractStatus.SUBMITTED:
            assert c.review_ends_on >= TODAY  # under review, not yet due to take effect
        if c.status == ContractStatus.IN_FORCE:
            assert c.in_force_on <= TODAY <= c.term_end
            assert kinds[-1] == StepKind.IN_FORCE
            if c.in_force_on > c.review_ends_on:
                assert c.in_force_on == clock.deemed_in_force_on(c.received_on, profile)
            else:
                assert StepKind.APPROVAL in kinds
        if c.status == ContractStatus.EXPIRED:
            assert c.term_end < TODAY and c.ended_on == c.term_end
        if c.status == ContractStatus.CLOSED:
            assert c.closed_reason and kinds[-1] == StepKind.CLOSE
        for vote in (s for s in steps if s.kind == StepKind.VOTE):
            assert vote.vote_passed is True
            assert clock.vote_passes(
                total=vote.voters_total, present=vote.voters_present, in_favour=vote.votes_in_favour, profile=profile
            )
        covered = list(c.covered_enterprises.all())
        assert c.workers_covered == sum(e.employee_count for e in covered) > 0
        if c.scope == ContractScope.ENTERPRISE:
            assert covered == [c.enterprise]
        else:
            assert c.enterprise_id is None and c.employer_representative and covered


def test_renewals_form_chains(contracts):
    renewed = [c for c in contracts if c.status == ContractStatus.RENEWED]
    assert renewed
    for old in renewed:
        new = old.renewal
        assert (new.kind, new.scope, new.union_id, new.enterprise_id) == (
            old.kind,
            old.scope,
            old.union_id,
            old.enterprise_id,
        )
        window = clock.renewal_window_opens_on(old.term_end, old.rule_profile)
        assert window <= old.renewal_requested_on == new.requested_on <= old.term_end
        assert old.ended_on == min(old.term_end, new.in_force_on - datetime.timedelta(days=1))
        assert new.status == ContractStatus.IN_FORCE
        assert ContractStep.objects.filter(contract=old, kind=StepKind.RENEW, happened_on=new.in_force_on).exists()
        # Never both in force on one day.
        assert not Contract.objects.in_force_on(new.in_force_on).filter(pk=old.pk).exists()


def test_a_sample_passes_full_clean_and_history_is_backfilled(contracts):
    for c in contracts[::7]:
        c.full_clean()
        for step in c.steps.all():
            step.full_clean()
    assert _event_model(Contract).objects.count() == len(contracts)
    assert _event_model(ContractStep).objects.count() == ContractStep.objects.count()


def test_a_contract_the_generator_did_not_write_is_real_data(contracts):
    Contract.objects.filter(pk=contracts[0].pk).update(number="JTHT-2026-0001")
    with pytest.raises(DatasetRefused, match="1 contracts"):
        generate_dataset(scale=SCALE, seed=11, today=TODAY)
