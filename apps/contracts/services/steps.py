"""The clock's steps: every write that moves a collective contract along 集体合同规定's timeline.

Each step function is keyword-only, atomic and takes `user` (None = the system's own job); it
locks the contract row, asks `contract_step_refusal` (the one rule the step forms and buttons
also read) whether the step may be taken now, checks the date, writes the contract's fields and
one `ContractStep` together, and returns the contract. A refusal is an `ApplicationError` (the
status does not allow it: says which steps are possible now) or a `ValidationError` keyed by
the argument's name (a date out of order, counts that cannot be, a missing reason), in Chinese;
nothing is written on a refusal.

Dates are `date`s or aware `datetime`s (their Asia/Shanghai date, `clock.shanghai_date`). A step
is never dated before the previous step of the clock (requested ≤ answered ≤ meetings ≤ vote ≤
signed ≤ sent ≤ received ≤ approved/objected), nor after today (the fields' STEP_RANGE).

Status flow (ContractStatus):
    REQUESTED -answer-> NEGOTIATING -vote passed-> PASSED -sign-> SIGNED -send-> SUBMITTED
    SUBMITTED -receipt (once)-> SUBMITTED with review_ends_on
    SUBMITTED -objection-> NEGOTIATING (the signing, sending and receipt dates are cleared on
        the contract; the timeline keeps them)
    SUBMITTED -approval, or the sweep after the review-> IN_FORCE (`contract_take_effect`)
    IN_FORCE/EXPIRED -renewal request-> a new contract at REQUESTED that `replaces` it; when that
        one takes effect, this one is RENEWED
    REQUESTED..SUBMITTED -close (with a reason)-> CLOSED
Meetings are recorded while NEGOTIATING or PASSED (a passed draft may still be discussed); a
failed vote leaves the contract NEGOTIATING.
"""

import datetime
import functools
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.branches.choices import COUNTY_AND_ABOVE_KINDS, GRASSROOTS_KINDS, OrgUnitKind, UnionStatus
from apps.branches.models import Enterprise, OrgUnit
from apps.branches.selectors import user_scope_path
from apps.core.errors import ApplicationError
from apps.core.history import acting_user
from apps.core.serials import serial_format, serial_next

from .. import clock, rules
from ..choices import (
    MULTI_ENTERPRISE_SCOPES,
    PRE_FORCE_STATUSES,
    ContractScope,
    ContractStatus,
    Party,
    StepKind,
    VoteBody,
)
from ..models import STEP_RANGE, Contract, ContractCoverage, ContractStep

__all__ = [
    "ADD_PERMISSION",
    "CHANGE_PERMISSION",
    "CONTENT_FIELDS",
    "USER_STEPS",
    "contract_answer",
    "contract_close",
    "contract_coverage_set",
    "contract_meeting_record",
    "contract_parties_problems",
    "contract_receipt_record",
    "contract_renewal_request",
    "contract_request",
    "contract_review_approval",
    "contract_review_objection",
    "contract_send",
    "contract_sign",
    "contract_step_refusal",
    "contract_steps_allowed",
    "contract_take_effect",
    "contract_update",
    "contract_update_refusal",
    "contract_vote_record",
    "contract_warnings",
]

# Who may do what (role permissions, apps.accounts.roles): record a request (a new contract),
# and record any later step.
ADD_PERMISSION = "contracts.add_contract"
CHANGE_PERMISSION = "contracts.change_contract"

# The content a user edits (`contract_update`), in the content form's order (forms and admin read
# it from here); never the clock, the parties or the scope.
CONTENT_FIELDS = (
    "workers_negotiator",
    "employer_negotiator",
    "employer_representative",
    "term_start",
    "term_end",
    "term_reason",
    "wage_increase_percent",
    "minimum_wage",
    "working_hours",
    "women_protections",
    "main_terms",
)

# The steps a user records on an existing contract, in the clock's order (the page's buttons).
# REQUEST makes a new contract (contract_request); IN_FORCE, EXPIRE and RENEW are the clock's own
# (approval / the sweep / a renewal taking effect).
USER_STEPS = (
    StepKind.ANSWER,
    StepKind.MEETING,
    StepKind.VOTE,
    StepKind.SIGN,
    StepKind.SEND,
    StepKind.RECEIVE,
    StepKind.OBJECTION,
    StepKind.APPROVAL,
    StepKind.RENEWAL_REQUEST,
    StepKind.COVERAGE,
    StepKind.CLOSE,
)

# Which status each step is taken from.
STEP_STATUSES = {
    StepKind.ANSWER: {ContractStatus.REQUESTED},
    StepKind.MEETING: {ContractStatus.NEGOTIATING, ContractStatus.PASSED},
    StepKind.VOTE: {ContractStatus.NEGOTIATING},
    StepKind.SIGN: {ContractStatus.PASSED},
    StepKind.SEND: {ContractStatus.SIGNED},
    StepKind.RECEIVE: {ContractStatus.SUBMITTED},
    StepKind.OBJECTION: {ContractStatus.SUBMITTED},
    StepKind.APPROVAL: {ContractStatus.SUBMITTED},
    StepKind.IN_FORCE: {ContractStatus.SUBMITTED},
    StepKind.RENEWAL_REQUEST: {ContractStatus.IN_FORCE, ContractStatus.EXPIRED},
    StepKind.COVERAGE: set(PRE_FORCE_STATUSES),
    StepKind.CLOSE: set(PRE_FORCE_STATUSES),
}

# Steps that are not part of the clock's order (a coverage change is dated the day it is typed).
UNORDERED_STEPS = (StepKind.COVERAGE,)

# The unions that may sign each scope (rules of thumb of 集体合同规定 art. 19-20 and the article's
# 区域性、行业性集体合同): an enterprise contract by the union covering the enterprise; a regional
# one by the township union or a regional / joint union; an industry one by an industry union, or
# by the township or county union on the industry's behalf.
SCOPE_UNION_KINDS = {
    ContractScope.ENTERPRISE: set(GRASSROOTS_KINDS),
    ContractScope.REGIONAL: {OrgUnitKind.TOWNSHIP, OrgUnitKind.REGIONAL, OrgUnitKind.JOINT},
    ContractScope.INDUSTRY: {OrgUnitKind.INDUSTRY, OrgUnitKind.TOWNSHIP, OrgUnitKind.COUNTY},
}


# --- small helpers -----------------------------------------------------------------------------


def _day(value, name: str) -> datetime.date:
    """A step's date: the Shanghai date of a date or aware datetime, within STEP_RANGE."""
    if value is None:
        raise ValidationError({name: "请填写日期。"})
    try:
        day = clock.shanghai_date(value)
    except ValueError as exc:
        raise ValidationError({name: "请填写日期（带时区的时间或日期）。"}) from exc
    try:
        STEP_RANGE(day)
    except ValidationError as exc:
        raise ValidationError({name: exc.messages}) from exc
    return day


def _today() -> datetime.date:
    return timezone.localdate()


def _locked(contract: Contract) -> Contract:
    return Contract.objects.select_for_update(of=("self",)).select_related("rule_profile", "union").get(pk=contract.pk)


def _status_label(contract: Contract) -> str:
    return str(ContractStatus(contract.status).label)


def _last_step(contract: Contract) -> ContractStep | None:
    return (
        ContractStep.objects.filter(contract=contract)
        .exclude(kind__in=UNORDERED_STEPS)
        .order_by("-happened_on", "-recorded_at", "-id")
        .first()
    )


def _check_order(contract: Contract, day: datetime.date, name: str, label: str, *, not_before=()) -> None:
    """Refuse a step dated before the clock's previous step (or before any of `not_before`:
    (date, what) pairs the step must not precede)."""
    previous = _last_step(contract)
    if previous is not None and day < previous.happened_on:
        raise ValidationError(
            {
                name: f"{label}日期（{day:%Y-%m-%d}）早于上一步“{previous.get_kind_display()}”的日期"
                f"（{previous.happened_on:%Y-%m-%d}），请核对。"
            }
        )
    for earlier, what in not_before:
        if earlier is not None and day < earlier:
            raise ValidationError({name: f"{label}日期（{day:%Y-%m-%d}）早于{what}（{earlier:%Y-%m-%d}），请核对。"})


def _step(contract: Contract, kind: str, day: datetime.date, user, **fields) -> ContractStep:
    step = ContractStep(contract=contract, kind=kind, happened_on=day, actor=user, **fields)
    step.full_clean(exclude=["contract", "actor"])
    step.save()
    return step


def _save(contract: Contract, fields: list[str]) -> None:
    contract.full_clean()
    contract.save(update_fields=[*fields, "updated_at"])


def _refuse_unless_allowed(user, contract: Contract, step: str) -> None:
    refusal = contract_step_refusal(user=user, contract=contract, step=step)
    if refusal:
        raise ApplicationError(refusal)


def _in_scope(user, path: str) -> bool:
    if user is None:
        return True
    prefix = user_scope_path(user)
    return prefix is not None and path.startswith(prefix)


def _enterprise_in_scope(user, enterprise: Enterprise) -> bool:
    """The rule of branches.selectors.enterprise_list: located in the user's subtree, or covered
    by a union in it."""
    if user is None:
        return True
    prefix = user_scope_path(user)
    if prefix is None:
        return False
    if enterprise.township.path.startswith(prefix):
        return True
    return enterprise.union_id is not None and enterprise.union.path.startswith(prefix)


# --- which steps may be taken now --------------------------------------------------------------


def _steps_possible_label(contract: Contract, clock_refusal=None) -> str:
    """The steps the clock allows now, for a refusal's "现在可以办理：…" (`clock_refusal`: the
    memo of `_clock_refusal` for this contract, when the caller has one)."""
    clock_refusal = clock_refusal or functools.partial(_clock_refusal, contract)
    kinds = [kind for kind in USER_STEPS if contract.status in STEP_STATUSES[kind] and clock_refusal(kind) is None]
    return "、".join(str(StepKind(kind).label) for kind in kinds) or "无（合同已结束）"


def _clock_refusal(contract: Contract, step: str) -> str | None:
    """Why the clock does not allow `step` now although the status does, or None (the renewal
    check reads the database)."""
    if step == StepKind.RECEIVE and contract.received_on is not None:
        return f"劳动保障行政部门已于 {contract.received_on:%Y-%m-%d} 收到文本，收到日期只记录一次。"
    if step == StepKind.APPROVAL and contract.received_on is None:
        return "请先记录劳动保障行政部门收到合同文本的日期，再记录审查结果。"
    if step == StepKind.RENEWAL_REQUEST:
        if Contract.objects.filter(replaces=contract).exists():
            return "该合同已提出过续订，续订的合同已在办理中（每份合同只续订一次）。"
        profile = contract.rule_profile
        opens = clock.renewal_window_opens_on(contract.term_end, profile)
        if _today() < opens:
            return (
                f"合同期限至 {contract.term_end:%Y-%m-%d}，续订要求可自 {opens:%Y-%m-%d} 起提出"
                f"（期满前{profile.renewal_window_months}个月内，{profile.name}）。"
            )
    return None


def contract_step_refusal(*, user, contract: Contract, step: str) -> str | None:
    """Why `user` may not record `step` on `contract` now, in Chinese; None when they may.

    The one rule the step services refuse by, the step forms open by and the contract page's
    buttons are drawn from (`contract_steps_allowed`). `user=None` is the system: the clock alone
    decides. A user needs the permission and the contract's union in their scope.
    """
    return _step_refusal(user, contract, step, functools.partial(_clock_refusal, contract))


def _step_refusal(user, contract: Contract, step: str, clock_refusal) -> str | None:
    """contract_step_refusal, with `clock_refusal(step)` the clock's answer for this contract
    (`contract_steps_allowed` passes a memo, so that asking for every step reads the renewal
    check once and not once per refused step's "现在可以办理" list)."""
    if user is not None:
        permission = ADD_PERMISSION if step == StepKind.RENEWAL_REQUEST else CHANGE_PERMISSION
        if not user.has_perm(permission):
            return "您没有办理集体合同的权限。"
        if not _in_scope(user, contract.union.path):
            return "该合同不在您的管辖范围内。"
    if contract.status not in STEP_STATUSES.get(step, ()):
        return (
            f"该合同目前为“{_status_label(contract)}”，不能记录“{StepKind(step).label}”；"
            f"现在可以办理：{_steps_possible_label(contract, clock_refusal)}。"
        )
    return clock_refusal(step)


def contract_steps_allowed(*, user, contract: Contract) -> list[StepKind]:
    """The steps `user` may record on `contract` now, in the clock's order (the page's buttons)."""
    clock_refusal = functools.cache(functools.partial(_clock_refusal, contract))
    return [kind for kind in USER_STEPS if _step_refusal(user, contract, kind, clock_refusal) is None]


def contract_update_refusal(*, user, contract: Contract) -> str | None:
    """Why `user` may not edit the contract's content now, or None: content is edited until it
    takes effect (what the administration reviewed and what is in force stay as they were)."""
    if user is not None:
        if not user.has_perm(CHANGE_PERMISSION):
            return "您没有办理集体合同的权限。"
        if not _in_scope(user, contract.union.path):
            return "该合同不在您的管辖范围内。"
    if contract.status not in PRE_FORCE_STATUSES:
        return f"该合同目前为“{_status_label(contract)}”，生效或结束后不能再修改合同内容。"
    return None


# --- a new contract: the bargaining request ------------------------------------------------------


def _area_path(union: OrgUnit) -> str:
    """Where the enterprises a union may bargain for lie: its township; for a union above the
    townships, the county it is (or belongs to)."""
    township = rules.township_of(union)
    if township is not None:
        return township.path
    if union.kind in COUNTY_AND_ABOVE_KINDS:
        return union.path
    return union.path[: -OrgUnit.steplen]


def contract_parties_problems(*, user, union: OrgUnit, scope: str, enterprise, covered: list[Enterprise]) -> dict:
    """What is wrong with the parties of a contract `user` records, as {field: Chinese message}
    ({} when nothing): the union in scope, approved, not archived and of a kind that signs
    `scope` (SCOPE_UNION_KINDS); an enterprise contract's enterprise covered by that union; a
    regional / industry contract's covered enterprises in the union's area. The one rule of a
    request, of a coverage change and of the register import (apps.contracts.imports), which
    reports the problems per row instead of refusing."""
    errors = {}
    if not _in_scope(user, union.path):
        errors["union"] = "所选工会不在您的管辖范围内。"
    elif union.is_archived:
        errors["union"] = f"“{union.name}”已归档，不能再签订集体合同。"
    elif union.status != UnionStatus.APPROVED:
        errors["union"] = f"“{union.name}”尚未获批成立，不能签订集体合同。"
    elif scope in SCOPE_UNION_KINDS and union.kind not in SCOPE_UNION_KINDS[scope]:
        kinds = "、".join(str(OrgUnitKind(k).label) for k in OrgUnitKind if k in SCOPE_UNION_KINDS[scope])
        errors["union"] = f"{ContractScope(scope).label}应由{kinds}签订，“{union.name}”是{union.get_kind_display()}。"
    if scope == ContractScope.ENTERPRISE and enterprise is not None:
        if not _enterprise_in_scope(user, enterprise):
            errors["enterprise"] = "所选企业不在您的管辖范围内。"
        elif enterprise.is_archived:
            errors["enterprise"] = f"“{enterprise.name}”已归档。"
        elif enterprise.union_id != union.pk:
            errors["enterprise"] = f"“{enterprise.name}”不由“{union.name}”覆盖，企业集体合同应由覆盖该企业的工会签订。"
    if scope in MULTI_ENTERPRISE_SCOPES:
        area = _area_path(union)
        for item in covered:
            if not _enterprise_in_scope(user, item):
                errors["covered_enterprises"] = f"“{item.name}”不在您的管辖范围内。"
            elif item.is_archived:
                errors["covered_enterprises"] = f"“{item.name}”已归档，不能列入覆盖企业。"
            elif not item.township.path.startswith(area):
                errors["covered_enterprises"] = f"“{item.name}”不在“{union.name}”所在的区域内。"
            else:
                continue
            break
    elif covered and any(item.pk != getattr(enterprise, "pk", None) for item in covered):
        errors["covered_enterprises"] = "企业集体合同只覆盖签订合同的企业本身。"
    return errors


def _renewal_problem(*, replaces: Contract, union, kind, scope, enterprise, requested_on) -> str | None:
    if replaces.status not in (ContractStatus.IN_FORCE, ContractStatus.EXPIRED):
        return f"被续订的合同目前为“{_status_label(replaces)}”，只有已生效或已期满的合同可以续订。"
    if Contract.objects.filter(replaces=replaces).exists():
        return "该合同已提出过续订，续订的合同已在办理中（每份合同只续订一次）。"
    if (replaces.union_id, replaces.kind, replaces.scope, replaces.enterprise_id) != (
        union.pk,
        kind,
        scope,
        getattr(enterprise, "pk", None),
    ):
        return "续订的合同应与原合同的签订工会、种类、范围和企业相同。"
    opens = clock.renewal_window_opens_on(replaces.term_end, replaces.rule_profile)
    if requested_on < opens:
        return f"合同期限至 {replaces.term_end:%Y-%m-%d}，续订要求可自 {opens:%Y-%m-%d} 起提出。"
    if replaces.in_force_on and requested_on < replaces.in_force_on:
        return "续订要求不能早于原合同生效的日期。"
    return None


def _contract_number(year: int) -> str:
    """JTHT-2026-0001: the year of the request, and a serial of that year (never reused)."""
    return serial_format("JTHT", serial_next("contracts_number", year=year), year=year)


def _count_workers(enterprises: Iterable[Enterprise]) -> int:
    return sum(item.employee_count for item in enterprises)


def _new_contract(
    *,
    user,
    union,
    kind,
    scope,
    enterprise,
    employer_representative,
    covered,
    requested_by,
    requested_on,
    profile=None,
    **fields,
) -> Contract:
    """A contract row, valid (full_clean), not yet saved: the parties' rules and the clock's
    first dates. Shared by the request and by the register of contracts entered after the fact."""
    errors = contract_parties_problems(user=user, union=union, scope=scope, enterprise=enterprise, covered=covered)
    if errors:
        raise ValidationError(errors)
    profile = profile or rules.rule_profile_for(union)
    contract = Contract(
        number="",
        kind=kind,
        scope=scope,
        rule_profile=profile,
        union=union,
        township=rules.township_of(union),
        enterprise=enterprise,  # a regional / industry contract with one is refused by Contract.clean()
        employer_representative=(employer_representative or "").strip(),
        workers_covered=_count_workers(covered),
        requested_by=requested_by,
        requested_on=requested_on,
        answer_due_on=clock.answer_due_on(requested_on, profile),
        recorded_by=user,
        **fields,
    )
    contract.full_clean(exclude=["number", "recorded_by"])
    contract.number = _contract_number(requested_on.year)
    return contract


def _covered_list(scope, enterprise, covered_enterprises) -> list[Enterprise]:
    if scope == ContractScope.ENTERPRISE:
        return [enterprise] if enterprise is not None else []
    unique = {item.pk: item for item in covered_enterprises}
    return list(Enterprise.objects.filter(pk__in=unique).select_related("township", "union").order_by("pk"))


def _coverage_create(contract: Contract, enterprises: list[Enterprise]) -> None:
    ContractCoverage.objects.bulk_create([ContractCoverage(contract=contract, enterprise=e) for e in enterprises])


@transaction.atomic
def contract_request(
    *,
    user,
    union: OrgUnit,
    kind: str,
    scope: str,
    requested_by: str,
    requested_on,
    enterprise: Enterprise | None = None,
    employer_representative: str = "",
    covered_enterprises: Iterable[Enterprise] = (),
    workers_negotiator: str = "",
    employer_negotiator: str = "",
    note: str = "",
    replaces: Contract | None = None,
) -> Contract:
    """Record a bargaining request (要约, art. 32): a new contract at REQUESTED.

    The union signs for the workers and must be in the user's scope, approved and not archived;
    which kinds of union may sign which scope is SCOPE_UNION_KINDS. An enterprise contract's
    enterprise is the one the union covers (`enterprise.union == union`) and is its only coverage
    row; a regional or industry contract names the employers' representative and covers
    enterprises of the union's township (or, for a union above the townships, its county), each
    in scope and not archived. Workers covered are counted from the enterprises' employees
    (`contract_coverage_set` overrides them with a reason). The answer is due
    `rule_profile.answer_days` after the request. `replaces` makes it a renewal (see
    `contract_renewal_request`). A grassroots officer's request is told to the township's chairs.
    """
    if user is None:
        raise ApplicationError("要约须由经办人记录（user 不能为空）。")
    if not user.has_perm(ADD_PERMISSION):
        raise ApplicationError("您没有办理集体合同的权限。")
    day = _day(requested_on, "requested_on")
    if requested_by not in Party.values:
        raise ValidationError({"requested_by": "请选择提出要约的一方。"})
    covered = _covered_list(scope, enterprise, covered_enterprises)
    if replaces is not None:
        replaces = _locked(replaces)
        problem = _renewal_problem(
            replaces=replaces, union=union, kind=kind, scope=scope, enterprise=enterprise, requested_on=day
        )
        if problem:
            raise ValidationError({"requested_on": problem})
    contract = _new_contract(
        user=user,
        union=union,
        kind=kind,
        scope=scope,
        enterprise=enterprise,
        employer_representative=employer_representative,
        covered=covered,
        requested_by=requested_by,
        requested_on=day,
        replaces=replaces,
        workers_negotiator=workers_negotiator.strip(),
        employer_negotiator=employer_negotiator.strip(),
    )
    with acting_user(user):
        contract.save()
        _coverage_create(contract, covered)
        _step(contract, StepKind.REQUEST, day, user, party=requested_by, note=note.strip())
        if replaces is not None:
            replaces.renewal_requested_on = day
            replaces.save(update_fields=["renewal_requested_on", "updated_at"])
            _step(
                replaces,
                StepKind.RENEWAL_REQUEST,
                day,
                user,
                party=requested_by,
                note=(note.strip() or f"续订合同：{contract.number}"),
            )
    _notify_township(user=user, contract=contract, what="requested", title=f"新的集体协商要约：{contract.number}")
    return contract


@transaction.atomic
def contract_renewal_request(*, user, contract: Contract, requested_on, requested_by: str, note: str = "") -> Contract:
    """Ask to renew (art. 38) from the renewal window on (`clock.renewal_window_opens_on`): a new
    contract at REQUESTED with the same union, kind, scope, enterprise, representative, negotiators
    and covered enterprises, that `replaces` this one. At most one renewal per contract."""
    contract = _locked(contract)
    _refuse_unless_allowed(user, contract, StepKind.RENEWAL_REQUEST)
    covered = list(contract.covered_enterprises.order_by("pk"))
    return contract_request(
        user=user,
        union=contract.union,
        kind=contract.kind,
        scope=contract.scope,
        requested_by=requested_by,
        requested_on=requested_on,
        enterprise=contract.enterprise,
        employer_representative=contract.employer_representative,
        covered_enterprises=covered,
        workers_negotiator=contract.workers_negotiator,
        employer_negotiator=contract.employer_negotiator,
        note=note,
        replaces=contract,
    )


# --- content and coverage ----------------------------------------------------------------------


@transaction.atomic
def contract_update(*, user, contract: Contract, **fields) -> Contract:
    """Edit the contract's content (CONTENT_FIELDS) before it takes effect; never the clock, the
    parties or the scope. The term's rules are Contract.clean()'s (a term outside the profile's
    usual range needs `term_reason`)."""
    unknown = set(fields) - set(CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"contract_update cannot change {', '.join(sorted(unknown))}")
    contract = _locked(contract)
    refusal = contract_update_refusal(user=user, contract=contract)
    if refusal:
        raise ApplicationError(refusal)
    changed = []
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(contract, name) != value:
            setattr(contract, name, value)
            changed.append(name)
    if changed:
        with acting_user(user):
            _save(contract, changed)
    return contract


@transaction.atomic
def contract_coverage_set(
    *,
    user,
    contract: Contract,
    enterprises: Iterable[Enterprise] | None = None,
    workers_covered: int | None = None,
    workers_covered_reason: str = "",
) -> Contract:
    """Set the enterprises a regional or industry contract covers (None: leave them), and the
    workers covered: None counts the covered enterprises' employees; a number needs its reason.
    An enterprise contract covers its own enterprise only (the trigger of migration 0002 holds
    that too), so for it only the workers covered change. Allowed before it takes effect
    (COVERAGE in STEP_STATUSES); a COVERAGE step dated today records the change."""
    contract = _locked(contract)
    _refuse_unless_allowed(user, contract, StepKind.COVERAGE)
    current = list(contract.covered_enterprises.select_related("township", "union").order_by("pk"))
    wanted = current
    if enterprises is not None:
        wanted = _covered_list(contract.scope, contract.enterprise, enterprises)
        if contract.scope == ContractScope.ENTERPRISE:
            given = {item.pk for item in enterprises}
            if given - {contract.enterprise_id}:
                raise ValidationError({"enterprises": "企业集体合同只覆盖签订合同的企业本身。"})
        else:
            errors = contract_parties_problems(
                user=user, union=contract.union, scope=contract.scope, enterprise=None, covered=wanted
            )
            errors.pop("union", None)  # the union signed already; its scope is the contract's
            if "covered_enterprises" in errors:
                raise ValidationError({"enterprises": errors["covered_enterprises"]})
    reason = (workers_covered_reason or "").strip()
    if workers_covered is None:
        count, reason = _count_workers(wanted), ""
    else:
        if workers_covered < 0:
            raise ValidationError({"workers_covered": "覆盖职工人数不能为负数。"})
        if not reason:
            raise ValidationError({"workers_covered_reason": "请写明覆盖职工人数与企业登记人数不同的理由。"})
        count = workers_covered
    added = [item for item in wanted if item.pk not in {c.pk for c in current}]
    removed = [item for item in current if item.pk not in {w.pk for w in wanted}]
    contract.workers_covered, contract.workers_covered_reason = count, reason
    with acting_user(user):
        _save(contract, ["workers_covered", "workers_covered_reason"])
        if removed:
            ContractCoverage.objects.filter(contract=contract, enterprise__in=removed).delete()
        _coverage_create(contract, added)
        parts = [f"覆盖企业 {len(wanted)} 家", f"覆盖职工 {count} 人"]
        if added:
            parts.append("新增：" + "、".join(item.name for item in added))
        if removed:
            parts.append("移出：" + "、".join(item.name for item in removed))
        if reason:
            parts.append(f"人数理由：{reason}")
        _step(contract, StepKind.COVERAGE, _today(), user, note="；".join(parts)[:5000])
    return contract


# --- the clock's steps ---------------------------------------------------------------------------


@transaction.atomic
def contract_answer(*, user, contract: Contract, answered_on, note: str = "") -> Contract:
    """The other side's answer to the request (art. 32): negotiation begins."""
    contract = _locked(contract)
    _refuse_unless_allowed(user, contract, StepKind.ANSWER)
    day = _day(answered_on, "answered_on")
    _check_order(contract, day, "answered_on", "回应")
    contract.answered_on = day
    contract.status = ContractStatus.NEGOTIATING
    answering = Party.EMPLOYER if contract.requested_by == Party.WORKERS else Party.WORKERS
    with acting_user(user):
        _save(contract, ["answered_on", "status"])
        _step(contract, StepKind.ANSWER, day, user, party=answering, note=note.strip())
    return contract


@transaction.atomic
def contract_meeting_record(*, user, contract: Contract, held_on, place: str, note: str = "") -> Contract:
    """A negotiation meeting (date, place, minutes in the note or as a document)."""
    contract = _locked(contract)
    _refuse_unless_allowed(user, contract, StepKind.MEETING)
    day = _day(held_on, "held_on")
    if not (place or "").strip():
        raise ValidationError({"place": "请填写协商会议的地点。"})
    _check_order(contract, day, "held_on", "协商会议")
    with acting_user(user):
        _step(contract, StepKind.MEETING, day, user, place=place.strip(), note=note.strip())
        contract.save(update_fields=["updated_at"])
    return contract


@transaction.atomic
def contract_vote_record(
    *,
    user,
    contract: Contract,
    voted_on,
    vote_body: str,
    voters_total: int,
    voters_present: int,
    votes_in_favour: int,
    note: str = "",
) -> Contract:
    """The workers' congress (or all workers) vote on the draft (art. 36): passed when the quorum
    is present and the majority of ALL delegates (or workers) is in favour, by the contract's
    rule profile (`clock.vote_passes`; 以上 inclusive unless the profile says otherwise). The
    counts and the verdict are kept on the step; a failed vote leaves it NEGOTIATING."""
    contract = _locked(contract)
    _refuse_unless_allowed(user, contract, StepKind.VOTE)
    day = _day(voted_on, "voted_on")
    if vote_body not in VoteBody.values:
        raise ValidationError({"vote_body": "请选择审议草案的是职工代表大会还是全体职工。"})
    problem = clock.vote_count_problem(total=voters_total, present=voters_present, in_favour=votes_in_favour)
    if problem:
        raise ValidationError({_vote_problem_field(problem): problem})
    _check_order(contract, day, "voted_on", "审议表决")
    passed = clock.vote_passes(
        total=voters_total, present=voters_present, in_favour=votes_in_favour, profile=contract.rule_profile
    )
    with acting_user(user):
        _step(
            contract,
            StepKind.VOTE,
            day,
            user,
            vote_body=vote_body,
            voters_total=voters_total,
            voters_present=voters_present,
            votes_in_favour=votes_in_favour,
            vote_passed=passed,
            note=note.strip(),
        )
        if passed:
            contract.status = ContractStatus.PASSED
            _save(contract, ["status"])
        else:
            contract.save(update_fields=["updated_at"])
    return contract


def _vote_problem_field(problem: str) -> str:
    """Which count a `clock.vote_count_problem` message is about (the form shows it there)."""
    if problem.startswith("赞成人数"):
        return "votes_in_favour"
    if problem.startswith("实到人数"):
        return "voters_present"
    if problem.startswith("应到人数"):
        return "voters_total"
    return "__all__"


@transaction.atomic
def contract_sign(
    *, user, contract: Contract, signed_on, term_start, term_end, term_reason: str = "", note: str = ""
) -> Contract:
    """Signed by both sides: the term is set (a term outside the profile's usual range needs
    `term_reason`, Contract.clean()), and the sending is due `send_days` later (art. 42). A
    regional or industry contract lists at least one covered enterprise by now. A grassroots
    officer's signing is told to the township's chairs."""
    contract = _locked(contract)
    _refuse_unless_allowed(user, contract, StepKind.SIGN)
    day = _day(signed_on, "signed_on")
    errors = {}
    if term_start is None:
        errors["term_start"] = "请填写合同期限的起始日期。"
    if term_end is None:
        errors["term_end"] = "请填写合同期限的终止日期。"
    if errors:
        raise ValidationError(errors)
    if contract.is_multi_enterprise and not contract.coverage.exists():
        raise ApplicationError("区域性、行业性集体合同签字前请先列出所覆盖的企业。")
    _check_order(contract, day, "signed_on", "签字", not_before=[(contract.requested_on, "要约日期")])
    contract.signed_on = day
    contract.send_due_on = clock.send_due_on(day, contract.rule_profile)
    contract.term_start, contract.term_end = term_start, term_end
    contract.term_reason = (term_reason or "").strip()
    contract.status = ContractStatus.SIGNED
    with acting_user(user):
        _save(contract, ["signed_on", "send_due_on", "term_start", "term_end", "term_reason", "status"])
        _step(contract, StepKind.SIGN, day, user, note=note.strip())
    signs = contract.steps.filter(kind=StepKind.SIGN).count()
    _notify_township(user=user, contract=contract, what=f"signed:{signs}", title=f"集体合同已签字：{contract.number}")
    return contract


def _receipt(contract: Contract, day: datetime.date, user) -> None:
    contract.received_on = day
    contract.review_ends_on = clock.review_ends_on(day, contract.rule_profile)
    _save(contract, ["received_on", "review_ends_on"])
    _step(contract, StepKind.RECEIVE, day, user)


@transaction.atomic
def contract_send(*, user, contract: Contract, sent_on, received_on=None, note: str = "") -> Contract:
    """Sent to the labour administration for review (报送, art. 42). With `received_on` the
    receipt is recorded as well (its own RECEIVE step), which starts the review period."""
    contract = _locked(contract)
    _refuse_unless_allowed(user, contract, StepKind.SEND)
    day = _day(sent_on, "sent_on")
    received = _day(received_on, "received_on") if received_on is not None else None
    _check_order(contract, day, "sent_on", "报送", not_before=[(contract.signed_on, "签字日期")])
    if received is not None and received < day:
        raise ValidationError(
            {"received_on": f"收到日期（{received:%Y-%m-%d}）早于报送日期（{day:%Y-%m-%d}），请核对。"}
        )
    contract.sent_on = day
    contract.status = ContractStatus.SUBMITTED
    with acting_user(user):
        _save(contract, ["sent_on", "status"])
        _step(contract, StepKind.SEND, day, user, note=note.strip())
        if received is not None:
            _receipt(contract, received, user)
    return contract


@transaction.atomic
def contract_receipt_record(*, user, contract: Contract, received_on) -> Contract:
    """The day the administration received the text (once): the review ends `review_days` later
    (art. 47) and, without an objection, the contract takes effect the day after (the sweep)."""
    contract = _locked(contract)
    _refuse_unless_allowed(user, contract, StepKind.RECEIVE)
    day = _day(received_on, "received_on")
    _check_order(contract, day, "received_on", "收到", not_before=[(contract.sent_on, "报送日期")])
    with acting_user(user):
        _receipt(contract, day, user)
    return contract


@transaction.atomic
def contract_review_objection(*, user, contract: Contract, objected_on, objection: str) -> Contract:
    """The administration objects (审查意见, art. 48): back to negotiation. The contract's signing,
    sending and receipt dates are cleared (the timeline keeps them); the objection is the step's
    note. An objection after the review period is refused: the contract took effect by then."""
    contract = _locked(contract)
    _refuse_unless_allowed(user, contract, StepKind.OBJECTION)
    day = _day(objected_on, "objected_on")
    if not (objection or "").strip():
        raise ValidationError({"objection": "请填写劳动保障行政部门的审查意见。"})
    _check_order(
        contract,
        day,
        "objected_on",
        "审查意见",
        not_before=[(contract.sent_on, "报送日期"), (contract.received_on, "收到日期")],
    )
    if contract.review_ends_on is not None and day > contract.review_ends_on:
        raise ValidationError(
            {
                "objected_on": f"审查期已于 {contract.review_ends_on:%Y-%m-%d} 届满，"
                f"未提出异议的合同自 {contract.review_ends_on + datetime.timedelta(days=1):%Y-%m-%d} 起自行生效。"
            }
        )
    for name in ("signed_on", "send_due_on", "sent_on", "received_on", "review_ends_on"):
        setattr(contract, name, None)
    contract.status = ContractStatus.NEGOTIATING
    with acting_user(user):
        _save(contract, ["signed_on", "send_due_on", "sent_on", "received_on", "review_ends_on", "status"])
        _step(contract, StepKind.OBJECTION, day, user, note=objection.strip())
    return contract


@transaction.atomic
def contract_review_approval(*, user, contract: Contract, approved_on, note: str = "") -> Contract:
    """The administration approves (after the receipt is recorded): the contract takes effect on
    the day approved. An approval dated after the review period does not move the law's date: the
    contract took effect the day after the review ended (art. 47), and is recorded so."""
    contract = _locked(contract)
    _refuse_unless_allowed(user, contract, StepKind.APPROVAL)
    day = _day(approved_on, "approved_on")
    _check_order(contract, day, "approved_on", "审查同意", not_before=[(contract.received_on, "收到日期")])
    in_force_on, effect_note = day, "劳动保障行政部门审查同意，合同生效"
    if contract.review_ends_on is not None and day > contract.review_ends_on:
        in_force_on = contract.review_ends_on + datetime.timedelta(days=1)
        effect_note = (
            f"审查期于 {contract.review_ends_on:%Y-%m-%d} 届满未提出异议，合同自 {in_force_on:%Y-%m-%d} 起自行生效"
        )
    with acting_user(user):
        _step(contract, StepKind.APPROVAL, day, user, note=note.strip())
    return contract_take_effect(contract=contract, in_force_on=in_force_on, user=user, note=effect_note)


@transaction.atomic
def contract_take_effect(*, contract: Contract, in_force_on, user=None, note: str = "") -> Contract:
    """The contract takes effect on `in_force_on` (an approval, or the sweep's "deemed in force"
    after the review period, which passes its own note): IN_FORCE with an IN_FORCE step. A
    renewal taking effect ends the contract it replaces, if that one is in force or expired: it
    becomes RENEWED, ended on the day before (or its term's end, if earlier), with a RENEW step."""
    contract = _locked(contract)
    if contract.status not in STEP_STATUSES[StepKind.IN_FORCE]:
        raise ApplicationError(
            f"该合同目前为“{_status_label(contract)}”，只有已报送审查的合同才能生效；"
            f"现在可以办理：{_steps_possible_label(contract)}。"
        )
    day = _day(in_force_on, "in_force_on")
    for earlier, what in (
        (contract.received_on, "收到日期"),
        (contract.sent_on, "报送日期"),
        (contract.signed_on, "签字日期"),
    ):
        if earlier is not None and day < earlier:
            raise ValidationError({"in_force_on": f"生效日期（{day:%Y-%m-%d}）早于{what}（{earlier:%Y-%m-%d}）。"})
    contract.status = ContractStatus.IN_FORCE
    contract.in_force_on = day
    with acting_user(user):
        _save(contract, ["status", "in_force_on"])
        _step(contract, StepKind.IN_FORCE, day, user, note=(note or "").strip())
        if contract.replaces_id is not None:
            _end_replaced(contract, day, user)
    return contract


def _end_replaced(renewal: Contract, day: datetime.date, user) -> None:
    old = Contract.objects.select_for_update(of=("self",)).select_related("rule_profile").get(pk=renewal.replaces_id)
    if old.status not in (ContractStatus.IN_FORCE, ContractStatus.EXPIRED):
        return
    last_day = day - datetime.timedelta(days=1)
    ended = min(old.term_end, last_day) if old.term_end else last_day
    if old.ended_on is not None:
        ended = min(old.ended_on, ended)
    old.status = ContractStatus.RENEWED
    old.ended_on = ended
    _save(old, ["status", "ended_on"])
    _step(old, StepKind.RENEW, day, user, note=f"由续订的合同 {renewal.number} 接替，{day:%Y-%m-%d} 起生效")


@transaction.atomic
def contract_close(*, user, contract: Contract, closed_on, reason: str) -> Contract:
    """Close a contract that has not taken effect (negotiation ended, withdrawn, void), with its
    reason: the reason is kept on the contract and on the CLOSE step."""
    contract = _locked(contract)
    _refuse_unless_allowed(user, contract, StepKind.CLOSE)
    day = _day(closed_on, "closed_on")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请写明终止或作废的原因。"})
    _check_order(contract, day, "closed_on", "终止")
    contract.status = ContractStatus.CLOSED
    contract.closed_reason = reason[:300]
    with acting_user(user):
        _save(contract, ["status", "closed_reason"])
        _step(contract, StepKind.CLOSE, day, user, note=reason)
    return contract


# --- notifications -----------------------------------------------------------------------------


def _notify_township(*, user, contract: Contract, what: str, title: str) -> None:
    """A grassroots officer recorded a request or a signing: the township's chairs (its staff
    who handle contracts) are told, once per contract and event."""
    if user is None or contract.township_id is None:
        return
    unit = getattr(user, "org_unit", None)
    if unit is None or unit.kind not in GRASSROOTS_KINDS:
        return
    from apps.accounts.selectors import user_list_to_notify
    from apps.core.models import Notification
    from apps.core.services import notification_send_many

    recipients = [
        person
        for people in user_list_to_notify(perm=CHANGE_PERMISSION, unit_ids=[contract.township_id]).values()
        for person in people
        if person.pk != user.pk
    ]
    body = f"{contract.union.name} · {contract.get_kind_display()} · {contract.parties_label}"
    notification_send_many(
        notifications=[
            Notification(
                recipient=person,
                title=title[:200],
                body=body,
                link=contract.get_absolute_url(),
                dedupe_key=f"contracts:{what}:{contract.pk}",
            )
            for person in recipients
        ]
    )


# --- warnings a page shows (the rules, read) -----------------------------------------------------


def contract_warnings(contract: Contract, *, today: datetime.date | None = None) -> list[str]:
    """What the county should look at on this contract, in Chinese — warnings, never refusals:
    a minimum wage below the local one (rules.minimum_wage_warning), a term outside the usual
    range (with its reason), workers covered typed instead of counted, an answer or a sending
    overdue. Reads the minimum-wage table (up to 3 queries when a minimum wage is agreed)."""
    today = today or _today()
    warnings = []
    if contract.minimum_wage is not None:
        year = (contract.signed_on or contract.term_start or contract.requested_on or today).year
        warning = rules.minimum_wage_warning(unit=contract.union, year=year, agreed=contract.minimum_wage)
        if warning:
            warnings.append(warning)
    if contract.term_start and contract.term_end and contract.rule_profile_id:
        problem = clock.term_problem(contract.term_start, contract.term_end, contract.rule_profile)
        if problem:
            reason = f"理由：{contract.term_reason}" if contract.term_reason else "未写明理由。"
            warnings.append(f"{problem}{reason}")
    if contract.workers_covered_overridden:
        warnings.append(
            f"覆盖职工人数 {contract.workers_covered} 人为手工填写，与企业登记人数不同"
            f"（理由：{contract.workers_covered_reason}）。"
        )
    if contract.status == ContractStatus.REQUESTED and contract.answered_on is None and today > contract.answer_due_on:
        warnings.append(
            f"对方应于 {contract.answer_due_on:%Y-%m-%d} 前回应协商要约，"
            f"已逾期 {(today - contract.answer_due_on).days} 天。"
        )
    if (
        contract.status == ContractStatus.SIGNED
        and contract.sent_on is None
        and contract.send_due_on is not None
        and today > contract.send_due_on
    ):
        warnings.append(
            f"合同应于 {contract.send_due_on:%Y-%m-%d} 前报送劳动保障行政部门审查，"
            f"已逾期 {(today - contract.send_due_on).days} 天。"
        )
    return warnings
