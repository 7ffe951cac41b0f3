"""Contracts at each stage of the clock, made through the services, for the step-form tests.

Every date counts back from today (the Shanghai date), so a test may freeze time or not:
requested 40 days ago, answered 35, voted 20, signed 7 (sending due in 3 days), sent 3,
received 2, approved 1. `in_window` is a contract in force whose term ends in 30 days (the
renewal window is open).
"""

import datetime

from django.utils import timezone

from apps.branches.models import Enterprise
from apps.contracts import clock, services
from apps.contracts.choices import ContractKind, ContractScope, ContractStatus, Party, VoteBody
from tests.factories import EnterpriseFactory

DAY = datetime.timedelta(days=1)
STAGES = (
    ContractStatus.REQUESTED,
    ContractStatus.NEGOTIATING,
    ContractStatus.PASSED,
    ContractStatus.SIGNED,
    ContractStatus.SUBMITTED,
    ContractStatus.IN_FORCE,
)
# A PNG by its first bytes, and a "PDF" that is not one.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"0" * 100
FAKE_PDF = b"<html><script>alert(1)</script></html>"


def chair_of(world, where):
    return world.users["chair" if where == "a" else "chair_b"]


def enterprise_of(world, where, **fields):
    """The enterprise of township `where` covered by its enterprise union (an enterprise union
    covers one enterprise: made once, then found again)."""
    union = world.tree[f"union_{where}"]
    found = Enterprise.objects.filter(union=union).first()
    if found is not None and not fields:
        return found
    fields.setdefault("employee_count", 80)
    return EnterpriseFactory(township=world.tree[where], union=union if found is None else None, **fields)


def contract_at(world, where="a", stage=ContractStatus.REQUESTED, *, today=None, enterprise=None, received=True):
    """Township `where`'s enterprise contract (signed by its enterprise union) at `stage`."""
    today = today or timezone.localdate()
    user = chair_of(world, where)
    enterprise = enterprise or enterprise_of(world, where)
    contract = services.contract_request(
        user=user,
        union=world.tree[f"union_{where}"],
        kind=ContractKind.COMPREHENSIVE,
        scope=ContractScope.ENTERPRISE,
        requested_by=Party.WORKERS,
        requested_on=today - 40 * DAY,
        enterprise=enterprise,
        workers_negotiator="王建国",
        employer_negotiator="李总",
    )
    order = STAGES.index(stage)
    if order >= 1:
        contract = services.contract_answer(user=user, contract=contract, answered_on=today - 35 * DAY)
    if order >= 2:
        contract = services.contract_vote_record(
            user=user,
            contract=contract,
            voted_on=today - 20 * DAY,
            vote_body=VoteBody.CONGRESS,
            voters_total=60,
            voters_present=45,
            votes_in_favour=40,
        )
    if order >= 3:
        signed = today - 7 * DAY
        contract = services.contract_sign(
            user=user,
            contract=contract,
            signed_on=signed,
            term_start=signed,
            term_end=clock.add_months(signed, 24) - DAY,
        )
    if order >= 4:
        contract = services.contract_send(
            user=user, contract=contract, sent_on=today - 3 * DAY, received_on=(today - 2 * DAY) if received else None
        )
    if order >= 5:
        contract = services.contract_review_approval(user=user, contract=contract, approved_on=today - DAY)
    contract.refresh_from_db()
    assert contract.status == stage, (contract.status, stage)
    return contract


def in_window(world, where="a", *, today=None):
    """A contract in force (entered after the fact) whose term ends in 30 days: renewal may be asked."""
    today = today or timezone.localdate()
    return services.contract_record_existing(
        user=chair_of(world, where),
        union=world.tree[f"union_{where}"],
        kind=ContractKind.COMPREHENSIVE,
        scope=ContractScope.ENTERPRISE,
        enterprise=enterprise_of(world, where),
        signed_on=today - 700 * DAY,
        term_start=today - 700 * DAY,
        term_end=today + 30 * DAY,
        in_force_on=today - 680 * DAY,
    )


def document_of(contract, user, content=PNG, name="纪要.png"):
    return services.contract_document_upload(
        user=user, contract=contract, kind="minutes", file_name=name, content=content
    )
