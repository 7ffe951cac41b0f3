"""The demo county's contracts: loaded through the services, every status of the clock, idempotent."""

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from apps.branches.models import Enterprise
from apps.contracts.choices import ContractKind, ContractScope, ContractStatus, StepKind
from apps.contracts.models import Contract, ContractCoverage, ContractDocument, ContractStep, MinimumWage, WageArea
from apps.contracts.rules import minimum_wage_for
from apps.contracts.services import contract_warnings

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """The demo loaded once for the module (seed_demo takes ~30 s), rolled back at its end."""
    from apps.accounts.roles import sync_role_permissions
    from apps.contracts.rules import rule_profile_default

    with django_db_blocker.unblock(), transaction.atomic():
        sync_role_permissions()
        rule_profile_default()
        call_command("seed_demo", force=True)
        yield timezone.localdate()
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_loaded, db):
    return demo_loaded


def _counts():
    return [
        model.objects.count()
        for model in (Contract, ContractStep, ContractCoverage, ContractDocument, MinimumWage, WageArea, Enterprise)
    ]


def test_the_demo_has_every_status_scope_and_kind(demo):
    assert set(Contract.objects.values_list("status", flat=True)) == set(ContractStatus.values)
    assert set(Contract.objects.values_list("scope", flat=True)) == set(ContractScope.values)
    assert {ContractKind.COMPREHENSIVE, ContractKind.WAGE, ContractKind.WOMEN} <= set(
        Contract.objects.values_list("kind", flat=True)
    )
    assert Contract.objects.values("township").distinct().count() >= 6


def test_the_clock_is_live_today(demo):
    today = demo
    requested = Contract.objects.filter(status=ContractStatus.REQUESTED)
    assert requested.filter(answer_due_on__gte=today).exists()  # awaiting an answer, within the 20 days
    assert requested.filter(answer_due_on__lt=today).exists()  # the answer overdue
    assert Contract.objects.filter(status=ContractStatus.SIGNED, send_due_on__lt=today).exists()
    negotiating = Contract.objects.get(status=ContractStatus.NEGOTIATING)
    assert negotiating.steps.filter(kind=StepKind.MEETING).count() == 2
    under_review = Contract.objects.get(status=ContractStatus.SUBMITTED)
    assert under_review.received_on == today - datetime.timedelta(days=10)
    # Received 18 days ago without an objection: the demo's sweep made it in force on the 16th day.
    deemed = Contract.objects.get(received_on=today - datetime.timedelta(days=18))
    assert deemed.status == ContractStatus.IN_FORCE
    assert deemed.in_force_on == today - datetime.timedelta(days=2)
    assert deemed.steps.filter(kind=StepKind.IN_FORCE, actor__isnull=True).exists()
    # In its renewal window: the term ends in two months.
    assert Contract.objects.filter(
        status=ContractStatus.IN_FORCE, term_end__gt=today, term_end__lte=today + datetime.timedelta(days=92)
    ).exists()


def test_the_renewal_chain_is_visible(demo):
    old = Contract.objects.get(status=ContractStatus.RENEWED)
    renewal = old.renewal
    assert renewal.status == ContractStatus.IN_FORCE and renewal.replaces == old
    assert old.ended_on == old.term_end < renewal.in_force_on  # expired, then renewed
    assert old.steps.filter(kind=StepKind.RENEW).exists() and old.steps.filter(kind=StepKind.RENEWAL_REQUEST).exists()


def test_regional_contract_of_baitabu_covers_several_small_enterprises(demo):
    regional = Contract.objects.get(scope=ContractScope.REGIONAL)
    assert regional.union.name == "白塔埠镇总工会" and regional.status == ContractStatus.IN_FORCE
    covered = list(regional.covered_enterprises.all())
    assert len(covered) >= 4 and sum(e.employee_count < 100 for e in covered) >= 3
    assert regional.workers_covered == sum(e.employee_count for e in covered)


def test_minimum_wage_table_and_the_warning(demo):
    assert MinimumWage.objects.filter(source__contains="演示数据").count() == 3
    industry = Contract.objects.get(scope=ContractScope.INDUSTRY)
    local = minimum_wage_for(industry.union, demo.year)
    assert local is not None and industry.minimum_wage < local.monthly
    assert any("低于" in warning for warning in contract_warnings(industry, today=demo))
    wage = Contract.objects.filter(kind=ContractKind.WAGE, status=ContractStatus.IN_FORCE)
    assert wage.filter(wage_increase_percent__gt=0, minimum_wage__gte=local.monthly).exists()
    assert (
        Contract.objects.filter(kind=ContractKind.WOMEN, status=ContractStatus.IN_FORCE)
        .exclude(women_protections="")
        .exists()
    )


def test_documents_are_recognised_files(demo):
    kinds = set(ContractDocument.objects.values_list("content_type", flat=True))
    assert kinds == {"application/pdf", "image/png"}
    for document in ContractDocument.objects.all():
        assert document.size == len(bytes(document.content)) > 100


def test_the_coverage_rate_is_plausible(demo):
    unionised = Enterprise.objects.filter(union__status="approved", archived_at__isnull=True)
    in_force = Contract.objects.in_force_on(demo)
    covered = unionised.filter(contract_coverage__contract__in=in_force).distinct().count()
    assert 0.3 < covered / unionised.count() < 1


def test_running_the_demo_again_adds_nothing(demo):
    before = _counts()
    call_command("seed_demo", force=True)
    assert _counts() == before
