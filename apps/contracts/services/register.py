"""Contracts entered after the fact: signed before the portal (the import, the demo, a data load).

The same rules as a contract bargained in the portal (the parties' rules of `contract_request`,
`Contract.full_clean()`, the clock's order), but the contract is written at once where it stands:
IN_FORCE, or EXPIRED when its term is already over, with a step for every date known.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.core.history import acting_user

from .. import clock, rules
from ..choices import ContractStatus, Party, StepKind
from .steps import ADD_PERMISSION, _coverage_create, _covered_list, _day, _new_contract, _step

__all__ = ["contract_record_existing"]


@transaction.atomic
def contract_record_existing(
    *,
    user,
    union,
    kind: str,
    scope: str,
    enterprise=None,
    employer_representative: str = "",
    covered_enterprises: Iterable = (),
    signed_on,
    term_start: datetime.date,
    term_end: datetime.date,
    in_force_on,
    sent_on=None,
    received_on=None,
    requested_on=None,
    requested_by: str = Party.WORKERS,
    workers_negotiator: str = "",
    employer_negotiator: str = "",
    term_reason: str = "",
    wage_increase_percent=None,
    minimum_wage=None,
    working_hours: str = "",
    women_protections: str = "",
    main_terms: str = "",
    workers_covered: int | None = None,
    workers_covered_reason: str = "",
    note: str = "",
    today: datetime.date | None = None,
):
    """A contract signed before the portal, entered at IN_FORCE (EXPIRED if its term ended before
    `today`, with ended_on = term_end and an EXPIRE step the day after).

    Dates must run requested ≤ signed ≤ sent ≤ received ≤ in force, none in the future; a request
    date that is not known is taken as the signing date (the REQUEST step says so). Workers
    covered are counted from the covered enterprises unless given with a reason.
    """
    if user is None:
        raise ApplicationError("录入合同须由经办人完成（user 不能为空）。")
    if not user.has_perm(ADD_PERMISSION):
        raise ApplicationError("您没有办理集体合同的权限。")
    today = today or timezone.localdate()
    signed = _day(signed_on, "signed_on")
    in_force = _day(in_force_on, "in_force_on")
    sent = _day(sent_on, "sent_on") if sent_on is not None else None
    received = _day(received_on, "received_on") if received_on is not None else None
    requested = _day(requested_on, "requested_on") if requested_on is not None else None
    if term_start is None or term_end is None:
        raise ValidationError({"term_end" if term_start else "term_start": "请填写合同期限的起止日期。"})
    chain = [
        ("requested_on", "要约日期", requested),
        ("signed_on", "签字日期", signed),
        ("sent_on", "报送日期", sent),
        ("received_on", "收到日期", received),
        ("in_force_on", "生效日期", in_force),
    ]
    known = [(name, label, day) for name, label, day in chain if day is not None]
    for (_name, before_label, before), (name, label, day) in zip(known, known[1:], strict=False):
        if day < before:
            raise ValidationError({name: f"{label}（{day:%Y-%m-%d}）早于{before_label}（{before:%Y-%m-%d}），请核对。"})
    reason = (workers_covered_reason or "").strip()
    if workers_covered is not None and not reason:
        raise ValidationError({"workers_covered_reason": "请写明覆盖职工人数与企业登记人数不同的理由。"})
    expired = term_end < today
    covered = _covered_list(scope, enterprise, covered_enterprises)
    profile = rules.rule_profile_for(union)
    contract = _new_contract(
        profile=profile,
        user=user,
        union=union,
        kind=kind,
        scope=scope,
        enterprise=enterprise,
        employer_representative=employer_representative,
        covered=covered,
        requested_by=requested_by,
        requested_on=requested or signed,
        status=ContractStatus.EXPIRED if expired else ContractStatus.IN_FORCE,
        signed_on=signed,
        send_due_on=clock.send_due_on(signed, profile),
        sent_on=sent,
        received_on=received,
        review_ends_on=clock.review_ends_on(received, profile) if received else None,
        in_force_on=in_force,
        term_start=term_start,
        term_end=term_end,
        term_reason=(term_reason or "").strip(),
        wage_increase_percent=wage_increase_percent,
        minimum_wage=minimum_wage,
        working_hours=(working_hours or "").strip(),
        women_protections=(women_protections or "").strip(),
        main_terms=(main_terms or "").strip(),
        workers_negotiator=(workers_negotiator or "").strip(),
        employer_negotiator=(employer_negotiator or "").strip(),
        ended_on=term_end if expired else None,
    )
    if workers_covered is not None:
        contract.workers_covered, contract.workers_covered_reason = workers_covered, reason
    with acting_user(user):
        contract.save()
        _coverage_create(contract, covered)
        entered = "录入时补记（合同签订于使用本系统之前）"
        _step(
            contract,
            StepKind.REQUEST,
            requested or signed,
            user,
            party=requested_by,
            note=entered if requested else f"{entered}；要约日期不详，按签字日期记",
        )
        _step(contract, StepKind.SIGN, signed, user, note=note.strip() or entered)
        if sent is not None:
            _step(contract, StepKind.SEND, sent, user)
        if received is not None:
            _step(contract, StepKind.RECEIVE, received, user)
        _step(contract, StepKind.IN_FORCE, in_force, user, note=entered)
        if expired:
            _step(contract, StepKind.EXPIRE, term_end + datetime.timedelta(days=1), user, note="合同期满")
    return contract
