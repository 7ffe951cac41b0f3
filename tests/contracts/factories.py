"""Contracts at each step of the clock, made through the services (apps.contracts.services).

    make_contract(user=w.chair, union=w.tree["union_a"], enterprise=w.ent_a, step="in_force")
    make_contract(user=w.chair, union=w.tree["a"], scope="regional", covered=[w.small_a1], step="signed")
    make_contract(..., step="submitted", on=date(2026, 9, 1))   # requested on 1 Sep, then the steps below

`on` is the request's date (default: 120 days before today); each later step follows on a fixed
offset (STEP_OFFSETS, in days after the request), so a step's date is predictable in a test. Every
date must not lie in the future: with the default `on`, all steps up to "in_force" are in the past.
"""

import datetime

from django.utils import timezone

from apps.contracts import clock
from apps.contracts.choices import ContractKind, ContractScope, Party, VoteBody
from apps.contracts.services import (
    contract_answer,
    contract_close,
    contract_meeting_record,
    contract_receipt_record,
    contract_record_existing,
    contract_request,
    contract_review_approval,
    contract_send,
    contract_sign,
    contract_vote_record,
)

# Where each step stands, in days after the request.
STEP_OFFSETS = {
    "requested": 0,
    "negotiating": 5,  # answered
    "meeting": 10,
    "passed": 20,  # the congress vote
    "signed": 25,
    "submitted": 30,  # sent
    "received": 32,
    "in_force": 40,  # approved
}
STEPS = ("requested", "negotiating", "meeting", "passed", "signed", "submitted", "received", "in_force")


def step_date(on: datetime.date, step: str) -> datetime.date:
    """The date `make_contract` gives `step` of a contract requested on `on`."""
    return on + datetime.timedelta(days=STEP_OFFSETS[step])


def default_term(signed_on: datetime.date, months: int = 36) -> tuple[datetime.date, datetime.date]:
    """A term starting on the signing day and lasting `months` whole months."""
    return signed_on, clock.add_months(signed_on, months) - datetime.timedelta(days=1)


def _scope_and_representative(union, enterprise, scope, employer_representative) -> tuple[str, str]:
    """An enterprise contract when an enterprise is given, else regional; a contract without an
    enterprise is signed by "<union> 企业方代表" unless a representative is given."""
    scope = scope or (ContractScope.ENTERPRISE if enterprise is not None else ContractScope.REGIONAL)
    if scope != ContractScope.ENTERPRISE and not employer_representative:
        employer_representative = f"{union.name}企业方代表"
    return scope, employer_representative


def make_contract(
    *,
    user,
    union,
    enterprise=None,
    step: str = "requested",
    on: datetime.date | None = None,
    kind: str = ContractKind.COMPREHENSIVE,
    scope: str | None = None,
    covered=(),
    employer_representative: str = "",
    term_months: int = 36,
    term_reason: str = "",
    vote=(30, 25, 20),
    closed: bool = False,
    **request_fields,
):
    """A contract of `union` taken through the clock's steps up to `step` (STEPS), by `user`.

    `scope` defaults to an enterprise contract when `enterprise` is given, else regional (with the
    employers' representative "<union> 企业方代表" unless given). `vote` is (total, present, in
    favour): a passing vote by default. `closed=True` then closes it (only before it takes effect).
    """
    if step not in STEP_OFFSETS:
        raise ValueError(f"unknown step {step!r}; one of {', '.join(STEPS)}")
    on = on or timezone.localdate() - datetime.timedelta(days=120)
    scope, employer_representative = _scope_and_representative(union, enterprise, scope, employer_representative)
    contract = contract_request(
        user=user,
        union=union,
        kind=kind,
        scope=scope,
        enterprise=enterprise,
        employer_representative=employer_representative,
        covered_enterprises=covered,
        requested_by=request_fields.pop("requested_by", Party.WORKERS),
        requested_on=on,
        **request_fields,
    )
    reached = STEPS.index(step)

    def at(name):
        return step_date(on, name)

    if reached >= STEPS.index("negotiating"):
        contract = contract_answer(user=user, contract=contract, answered_on=at("negotiating"))
    if reached >= STEPS.index("meeting"):
        contract = contract_meeting_record(user=user, contract=contract, held_on=at("meeting"), place="镇工会会议室")
    if reached >= STEPS.index("passed"):
        total, present, in_favour = vote
        contract = contract_vote_record(
            user=user,
            contract=contract,
            voted_on=at("passed"),
            vote_body=VoteBody.CONGRESS,
            voters_total=total,
            voters_present=present,
            votes_in_favour=in_favour,
        )
    if reached >= STEPS.index("signed"):
        term_start, term_end = default_term(at("signed"), term_months)
        contract = contract_sign(
            user=user,
            contract=contract,
            signed_on=at("signed"),
            term_start=term_start,
            term_end=term_end,
            term_reason=term_reason,
        )
    if reached >= STEPS.index("submitted"):
        contract = contract_send(user=user, contract=contract, sent_on=at("submitted"))
    if reached >= STEPS.index("received"):
        contract = contract_receipt_record(user=user, contract=contract, received_on=at("received"))
    if reached >= STEPS.index("in_force"):
        contract = contract_review_approval(user=user, contract=contract, approved_on=at("in_force"))
    if closed:
        contract = contract_close(user=user, contract=contract, closed_on=at(step), reason="协商终止")
    contract.refresh_from_db()
    return contract


def make_existing_contract(
    *,
    user,
    union,
    enterprise=None,
    signed_on: datetime.date,
    term_months: int = 36,
    kind: str = ContractKind.COMPREHENSIVE,
    scope: str | None = None,
    covered=(),
    employer_representative: str = "",
    **fields,
):
    """A contract signed before the portal (`contract_record_existing`): sent 3 days after
    signing, received 2 days later, in force when the 15-day review ended."""
    scope, employer_representative = _scope_and_representative(union, enterprise, scope, employer_representative)
    term_start, term_end = default_term(signed_on, term_months)
    sent_on = signed_on + datetime.timedelta(days=3)
    received_on = sent_on + datetime.timedelta(days=2)
    values = {
        "sent_on": sent_on,
        "received_on": received_on,
        "in_force_on": received_on + datetime.timedelta(days=16),
        "term_start": term_start,
        "term_end": term_end,
        **fields,
    }
    return contract_record_existing(
        user=user,
        union=union,
        kind=kind,
        scope=scope,
        enterprise=enterprise,
        employer_representative=employer_representative,
        covered_enterprises=covered,
        signed_on=signed_on,
        **values,
    )
