"""Grassroots unions: registration with the formation rules, approval, terms, committees."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core.dates import check_plausible
from apps.core.errors import ApplicationError
from apps.core.history import acting_user
from apps.core.services import model_update

from ..choices import (
    GRASSROOTS_KINDS,
    OrgUnitKind,
    UnionStatus,
)
from ..models import Enterprise, Officer, OrgUnit, SubCommittee
from ..models.orgunits import formation_form_problem
from ..selectors import user_scope_path
from .orgunits import orgunit_create

APPROVE_PERMISSION = "branches.approve_union"

# Kinds of union that may cover more than one enterprise.
MULTI_ENTERPRISE_KINDS = frozenset({OrgUnitKind.JOINT, OrgUnitKind.REGIONAL, OrgUnitKind.INDUSTRY})


def term_end_for(start: datetime.date, years: int) -> datetime.date:
    """The last day of a term of `years` starting on `start` (29 February falls back to the 28th)."""
    try:
        end = start.replace(year=start.year + years)
    except ValueError:
        end = start.replace(year=start.year + years, day=28)
    return end - datetime.timedelta(days=1)


def _check_formation(*, kind, formation_form, declared_members, enterprises):
    errors = {}
    # The row's own rule (OrgUnit.clean), asked here too so one answer names every problem.
    problem = formation_form_problem(declared_members=declared_members, formation_form=formation_form)
    if problem:
        errors["formation_form"] = problem
    if kind in MULTI_ENTERPRISE_KINDS:
        if not enterprises:
            errors["enterprises"] = "联合工会、区域性或行业性工会至少要覆盖一家企业，请选择所覆盖的企业。"
    elif kind == OrgUnitKind.ENTERPRISE:
        if len(enterprises) != 1:
            errors["enterprises"] = "企业工会只能覆盖一家企业；覆盖多家企业请建立联合工会。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def union_register(
    *,
    user,
    township: OrgUnit,
    name: str,
    kind: str,
    enterprises: list[Enterprise],
    formation_form: str,
    declared_members: int | None,
    founded_on: datetime.date,
    term_years: int,
) -> OrgUnit:
    """A township registers a new grassroots union; it waits for the level above to approve it."""
    if kind not in GRASSROOTS_KINDS:
        raise ValidationError({"kind": "请选择基层工会的类型。"})
    enterprises = list(enterprises)
    _check_formation(
        kind=kind, formation_form=formation_form, declared_members=declared_members, enterprises=enterprises
    )
    # Not in the future, not before 1900 (FOUNDED_RANGE); before the term's end is computed from it.
    check_plausible(OrgUnit, founded_on=founded_on)
    locked = list(Enterprise.objects.select_for_update().filter(pk__in=[e.pk for e in enterprises]))
    for enterprise in locked:
        if enterprise.township_id != township.pk:
            raise ValidationError({"enterprises": f"“{enterprise.name}”不属于{township.name}。"})
        if enterprise.union_id is not None:
            raise ValidationError({"enterprises": f"“{enterprise.name}”已有工会，不能重复建会。"})
        if enterprise.archived_at is not None:
            raise ValidationError({"enterprises": f"“{enterprise.name}”已归档。"})
    union = orgunit_create(
        user=user,
        parent=township,
        name=name,
        kind=kind,
        details={
            "status": UnionStatus.PENDING,
            "formation_form": formation_form,
            "declared_members": declared_members,
            "founded_on": founded_on,
            "term_years": term_years,
            "term_start": founded_on,
            "term_end": term_end_for(founded_on, term_years),
        },
    )
    with acting_user(user):
        Enterprise.objects.filter(pk__in=[e.pk for e in locked]).update(union=union, updated_at=timezone.now())
    return union


def unions_user_may_decide(*, user):
    """The unions `user` may approve or reject now: the one rule, as a queryset.

    A pending grassroots union (not archived) below the user's own unit, for a holder of
    "branches.approve_union" (a superuser: anywhere). The to-do "待审批的新建工会" counts these,
    and `union_decision_refusal` (the service's refusal, the page's buttons) asks it too.
    """
    scope = user_scope_path(user)
    if scope is None or not user.has_perm(APPROVE_PERMISSION):
        return OrgUnit.objects.none()
    unions = OrgUnit.objects.filter(
        kind__in=GRASSROOTS_KINDS, status=UnionStatus.PENDING, archived_at__isnull=True, path__startswith=scope
    )
    return unions.exclude(pk=user.org_unit_id) if user.org_unit_id else unions


def union_decision_refusal(*, user, union: OrgUnit) -> str | None:
    """Why `user` may not approve or reject `union` now, or None when they may.

    The rule is `unions_user_may_decide`; this says, in words, which part of it fails. The
    service refuses with this message, and the union's page shows its approve / reject buttons
    only when there is none.
    """
    if unions_user_may_decide(user=user).filter(pk=union.pk).exists():
        return None
    if not user.has_perm(APPROVE_PERMISSION):
        return "只有上级工会（县总工会）可以审批新建工会。"
    if user.org_unit_id == union.pk or (user.org_unit and not union.path.startswith(user.org_unit.path)):
        return "只能审批本级以下的工会。"
    if not user.is_superuser and user.org_unit_id is None:
        return "只能审批本级以下的工会。"
    return "该工会不在待审批状态。"


def union_may_decide(*, user, union: OrgUnit) -> bool:
    return union_decision_refusal(user=user, union=union) is None


def _check_may_decide(*, user, union: OrgUnit):
    refusal = union_decision_refusal(user=user, union=union)
    if refusal:
        raise ApplicationError(refusal)


@transaction.atomic
def union_approve(*, user, union: OrgUnit) -> OrgUnit:
    union = OrgUnit.objects.select_for_update().get(pk=union.pk)
    _check_may_decide(user=user, union=union)
    union, _changed = model_update(
        instance=union,
        fields=["status", "approved_by", "approved_at"],
        data={"status": UnionStatus.APPROVED, "approved_by": user, "approved_at": timezone.now()},
        user=user,
    )
    return union


@transaction.atomic
def union_reject(*, user, union: OrgUnit, reason: str) -> OrgUnit:
    """Not approved: the union is archived with the reason and its enterprises are freed."""
    if not reason.strip():
        raise ValidationError({"reason": "请填写不予批准的理由。"})
    union = OrgUnit.objects.select_for_update().get(pk=union.pk)
    _check_may_decide(user=user, union=union)
    data = {
        "status": UnionStatus.REJECTED,
        "is_active": False,
        "archived_at": timezone.now(),
        "archive_reason": reason.strip(),
    }
    union, _changed = model_update(instance=union, fields=list(data), data=data, user=user)
    with acting_user(user):
        Enterprise.objects.filter(union=union).update(union=None, updated_at=timezone.now())
    return union


@transaction.atomic
def union_archive(*, user, union: OrgUnit, reason: str) -> OrgUnit:
    """A dissolved union is archived, never deleted; its history, officers and meetings stay."""
    if not union.is_grassroots:
        raise ApplicationError("只能归档基层工会。")
    if not reason.strip():
        raise ValidationError({"reason": "请填写归档原因（如：企业注销、撤销工会）。"})
    union = OrgUnit.objects.select_for_update().get(pk=union.pk)
    data = {"is_active": False, "archived_at": timezone.now(), "archive_reason": reason.strip()}
    union, _changed = model_update(instance=union, fields=list(data), data=data, user=user)
    with acting_user(user):
        Enterprise.objects.filter(union=union).update(union=None, updated_at=timezone.now())
    return union


@transaction.atomic
def union_new_term(*, user, union: OrgUnit, term_start: datetime.date, term_years: int) -> OrgUnit:
    """Record an election (换届): the next term of 3 or 5 years."""
    if term_years not in (3, 5):
        raise ValidationError({"term_years": "基层工会每届任期为三年或者五年。"})
    check_plausible(OrgUnit, term_start=term_start)  # 9999-12-31 would overflow the term's end
    data = {"term_years": term_years, "term_start": term_start, "term_end": term_end_for(term_start, term_years)}
    union, _changed = model_update(instance=union, fields=list(data), data=data, user=user)
    return union


@transaction.atomic
def subcommittee_add(
    *, user, union: OrgUnit, kind: str, established_on: datetime.date, head_name: str = ""
) -> SubCommittee:
    # Only on a grassroots union: SubCommittee.clean() (full_clean below).
    if established_on > timezone.localdate():
        raise ValidationError({"established_on": "设立日期不能晚于今天。"})
    if SubCommittee.objects.filter(union=union, kind=kind).exists():
        raise ValidationError({"kind": "该工会已设立此委员会。"})
    subcommittee = SubCommittee(union=union, kind=kind, established_on=established_on, head_name=head_name.strip())
    subcommittee.full_clean()
    with acting_user(user):
        subcommittee.save()
    return subcommittee


@transaction.atomic
def officer_add(
    *,
    user,
    union: OrgUnit,
    name: str,
    position: str,
    term_start: datetime.date,
    term_end: datetime.date,
    concurrent_post: str = "",
) -> Officer:
    check_plausible(Officer, term_start=term_start, term_end=term_end)  # a year 1 is not "before"
    # The term ends after it starts: Officer.clean() (full_clean below).
    officer = Officer(
        union=union,
        name=name.strip(),
        position=position,
        term_start=term_start,
        term_end=term_end,
        concurrent_post=concurrent_post.strip(),
    )
    officer.full_clean()
    with acting_user(user):
        officer.save()
    return officer
