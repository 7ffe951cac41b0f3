"""Grassroots unions: registration with the formation rules, approval, terms, committees."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.selectors import user_list_to_notify, user_list_to_notify_above
from apps.core.dates import check_plausible
from apps.core.errors import ApplicationError
from apps.core.history import acting_user
from apps.core.models import NotificationLevel
from apps.core.serials import serial_next
from apps.core.services import model_update, notification_send

from ..choices import (
    GRASSROOTS_KINDS,
    FormationForm,
    OfficerPosition,
    OrgUnitKind,
    SubCommitteeKind,
    UnionStatus,
)
from ..models import Election, Enterprise, Officer, OrgUnit, SubCommittee
from ..models.orgunits import formation_form_problem
from ..selectors import user_scope_path
from .orgunits import orgunit_create

APPROVE_PERMISSION = "branches.approve_union"
# Who at the township is told of the decision on a union it registered: its staff who manage unions.
DECISION_NOTIFY_PERMISSION = "branches.change_orgunit"
# The serial of the approvals' document numbers (批复文号), restarting each year.
APPROVAL_SERIAL_KEY = "branches_union_approval"

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
    _notify_registered(union=union, township=township, user=user)
    return union


def _notify_registered(*, union: OrgUnit, township: OrgUnit, user) -> None:
    """The level above (county staff who approve unions) is told once per registration."""
    recipients = user_list_to_notify_above(perm=APPROVE_PERMISSION, units=[union]).get(union.pk, [])
    for recipient in recipients:
        if user is not None and recipient.pk == user.pk:
            continue
        notification_send(
            recipient=recipient,
            title=f"新建工会待审批：{union.name}（{township.name}）",
            body=f"{township.name}登记了新建工会“{union.name}”，请审批。",
            link=union.get_absolute_url(),
            dedupe_key=f"branches:union_registered:{union.pk}",
        )


def _notify_decision(*, union: OrgUnit, title: str, body: str, link: str, level: str) -> None:
    """The township that registered the union is told of the decision (its staff who manage unions)."""
    township = OrgUnit.objects.filter(path=union.path[: -OrgUnit.steplen]).values("pk")
    for users in user_list_to_notify(perm=DECISION_NOTIFY_PERMISSION, unit_ids=township).values():
        for recipient in users:
            notification_send(
                recipient=recipient,
                title=title,
                body=body,
                link=link,
                level=level,
                dedupe_key=f"branches:union_decided:{union.pk}",
            )


def approval_number_format(*, year: int, number: int) -> str:
    """A 批复文号 in the county's form (settings.UNION_APPROVAL_NUMBER_FORMAT), e.g. 东总工批〔2026〕12号."""
    return settings.UNION_APPROVAL_NUMBER_FORMAT.format(year=year, number=number)


def approval_number_next(*, year: int) -> str:
    """The next free 批复文号 of `year`: a serial that meets a number typed by hand is skipped."""
    while True:
        number = approval_number_format(year=year, number=serial_next(APPROVAL_SERIAL_KEY, year=year))
        if not OrgUnit.objects.filter(approval_number=number).exists():
            return number


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


def approval_opinion_default(union: OrgUnit) -> str:
    return f"经研究，同意成立{union.name}。请按照《中华人民共和国工会法》和《中国工会章程》开展工作。"


@transaction.atomic
def union_approve(*, user, union: OrgUnit, opinion: str = "", number: str = "") -> OrgUnit:
    """The level above approves a new union (工会成立批复): its opinion and document number.

    `number` typed by the approver is kept as typed (no two approvals share one: the database's
    unique constraint decides); left empty, the year's next 批复文号 is drawn. The township is
    notified in the same transaction, with the opinion, the number and the printable approval.
    """
    union = OrgUnit.objects.select_for_update().get(pk=union.pk)
    _check_may_decide(user=user, union=union)
    opinion = opinion.strip() or approval_opinion_default(union)
    number = number.strip()
    now = timezone.now()
    if number:
        if OrgUnit.objects.filter(approval_number=number).exclude(pk=union.pk).exists():
            raise ValidationError({"approval_number": f"批复文号“{number}”已被其他批复使用，请换一个或留空自动编号。"})
    else:
        number = approval_number_next(year=timezone.localtime(now).year)
    data = {
        "status": UnionStatus.APPROVED,
        "approved_by": user,
        "approved_at": now,
        "approval_opinion": opinion,
        "approval_number": number,
    }
    try:
        with transaction.atomic():  # a number typed at the same moment by someone else: refused, not a 500
            union, _changed = model_update(instance=union, fields=list(data), data=data, user=user)
    except IntegrityError as exc:
        if "branches_orgunit_unique_approval_number" not in str(exc):
            raise
        raise ValidationError(
            {"approval_number": f"批复文号“{number}”已被其他批复使用，请换一个或留空自动编号。"}
        ) from exc
    _notify_decision(
        union=union,
        title=f"工会成立批复：{union.name}（{number}）",
        body=f"“{union.name}”已批准成立。\n批复文号：{number}\n批复意见：{opinion}",
        link=reverse("branches:union_approval_print", kwargs={"pk": union.pk}),
        level=NotificationLevel.INFO,
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
    _notify_decision(
        union=union,
        title=f"新建工会不予批准：{union.name}",
        body=f"“{union.name}”不予批准成立。\n理由：{data['archive_reason']}",
        link=union.get_absolute_url(),
        level=NotificationLevel.WARNING,
    )
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


# --- elections (换届) -------------------------------------------------------------------------

# Positions an election fills: the committee (chair, vice-chairs, members) or the organiser of a
# union without a committee. Full-time cadres (专职干部) are staff, not elected: they stay in post.
ELECTED_POSITIONS = (
    OfficerPosition.CHAIR,
    OfficerPosition.VICE_CHAIR,
    OfficerPosition.COMMITTEE_MEMBER,
    OfficerPosition.ORGANISER,
)
COMMITTEE_POSITIONS = (OfficerPosition.CHAIR, OfficerPosition.VICE_CHAIR, OfficerPosition.COMMITTEE_MEMBER)
# 《工会基层组织选举工作条例》: a union committee has at least three members.
COMMITTEE_MIN_SIZE = 3
# The heads of the sub-committees an election may name (经审会主任, 女职委主任).
ELECTED_SUBCOMMITTEE_HEADS = (SubCommitteeKind.FUND_AUDIT, SubCommitteeKind.WOMEN)


def _check_elected(*, union: OrgUnit, officers: list[dict]) -> list[dict]:
    """The committee (or organiser) elected: one chair, no one twice, the committee's size."""
    cleaned = []
    for row in officers:
        name = (row.get("name") or "").strip()
        if not name:
            continue
        position = row.get("position") or ""
        if position not in ELECTED_POSITIONS:
            raise ValidationError({"officers": f"请为“{name}”选择职务（主席、副主席、委员或组织员）。"})
        cleaned.append(
            {"name": name, "position": position, "concurrent_post": (row.get("concurrent_post") or "").strip()}
        )
    names = [row["name"] for row in cleaned]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ValidationError({"officers": f"“{'、'.join(twice)}”填写了不止一次：每人只担任一个职务。"})
    count = {position: sum(row["position"] == position for row in cleaned) for position in ELECTED_POSITIONS}
    if union.formation_form == FormationForm.ORGANISER:
        if count[OfficerPosition.ORGANISER] != 1 or len(cleaned) != 1:
            raise ValidationError({"officers": "该工会设组织员、不设委员会：请只填写选出的一名组织员。"})
        return cleaned
    if count[OfficerPosition.ORGANISER]:
        raise ValidationError({"officers": "该工会设工会委员会：请填写主席、副主席和委员，不设组织员。"})
    if count[OfficerPosition.CHAIR] != 1:
        raise ValidationError({"officers": "工会委员会须选出一名主席。"})
    if len(cleaned) < COMMITTEE_MIN_SIZE:
        raise ValidationError({"officers": f"工会委员会至少由 {COMMITTEE_MIN_SIZE} 名委员组成（含主席、副主席）。"})
    return cleaned


@transaction.atomic
def union_election_record(
    *,
    user,
    union: OrgUnit,
    term_start: datetime.date,
    term_years: int,
    result: str,
    officers: list[dict],
    subcommittee_heads: dict | None = None,
) -> Election:
    """Record an election (换届): the result, the new committee and the next term of 3 or 5 years.

    In one transaction: the officers elected before (chair, vice-chairs, members, organiser)
    leave office on the new term's first day (kept, never deleted), the new ones take office
    for the new term, the union's term moves on, and the heads of the fund audit and women
    workers' committees named by the election are recorded on them (set up if missing).
    `officers`: [{"name", "position", "concurrent_post"}]; rows without a name are ignored.
    """
    errors = {}
    if term_years not in (3, 5):
        errors["term_years"] = "基层工会每届任期为三年或者五年。"
    if not (result or "").strip():
        errors["result"] = "请填写选举结果（应到、实到人数和当选人得票等）。"
    if errors:
        raise ValidationError(errors)
    check_plausible(Election, term_start=term_start)  # before the term's end is computed from it
    union = OrgUnit.objects.select_for_update().get(pk=union.pk)
    if not union.is_grassroots or union.is_archived or union.status != UnionStatus.APPROVED:
        raise ApplicationError("只有已批准成立、未归档的基层工会才能登记换届。")
    if union.term_start and term_start <= union.term_start:
        raise ValidationError({"term_start": f"新一届任期应晚于本届任期的开始日期（{union.term_start:%Y-%m-%d}）。"})
    elected = _check_elected(union=union, officers=officers)
    leaving = Officer.objects.select_for_update().filter(
        union=union, ended_on__isnull=True, position__in=ELECTED_POSITIONS
    )
    started_later = [o for o in leaving if o.term_start > term_start]
    if started_later:
        first = started_later[0]
        message = f"“{first.name}”{first.term_start:%Y-%m-%d}才任职，新一届任期不能早于此日。"
        raise ValidationError({"term_start": message})
    term_end = term_end_for(term_start, term_years)
    election = Election(
        union=union,
        term_start=term_start,
        term_years=term_years,
        term_end=term_end,
        result=result.strip(),
        recorded_by=user,
    )
    election.full_clean()
    new_officers = [
        Officer(union=union, election=election, term_start=term_start, term_end=term_end, **row) for row in elected
    ]
    for officer in new_officers:
        officer.full_clean(exclude=["election"])
    with acting_user(user):
        election.save()
        leaving.update(ended_on=term_start, updated_at=timezone.now())
        for officer in new_officers:
            officer.election = election
            officer.save()
    model_update(
        instance=union,
        fields=["term_years", "term_start", "term_end"],
        data={"term_years": term_years, "term_start": term_start, "term_end": term_end},
        user=user,
    )
    for kind, head in (subcommittee_heads or {}).items():
        head = (head or "").strip()
        if not head or kind not in ELECTED_SUBCOMMITTEE_HEADS:
            continue
        existing = SubCommittee.objects.filter(union=union, kind=kind).first()
        if existing is not None:
            model_update(instance=existing, fields=["head_name"], data={"head_name": head}, user=user)
        else:
            subcommittee_add(
                user=user,
                union=union,
                kind=kind,
                established_on=min(term_start, timezone.localdate()),
                head_name=head,
            )
    return election
