"""Places and the waiting list: nominations, withdrawals, and moving the waiting list up.

The rule for a place: a nomination is enrolled when the programme has a place left (its
capacity) and, for a county batch with quotas, the trainee's township has one left of its quota
(a township without a quota has none); otherwise it goes onto that township's waiting list.
Capacity and quotas hold under concurrent sign-ups because every write that changes who holds a
place locks the programme's row first (common.programme_locked) and counts after the lock.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.core.history import acting_user
from apps.members.choices import MemberStatus

from ..choices import NominationStatus, ProgrammeKind
from ..models import Nomination, Programme
from ..selectors import township_of
from .common import check_manages, check_open, programme_locked

__all__ = ["nomination_create", "nomination_score_set", "scores_set", "nomination_withdraw", "places_fill"]


def _places_taken(programme: Programme) -> tuple[int, dict[int, int]]:
    """Enrolled trainees in all and per township (one query)."""
    rows = (
        programme.nominations.filter(status=NominationStatus.NOMINATED)
        .order_by()
        .values("township_id")
        .annotate(n=Count("pk"))
    )
    per_township = {row["township_id"]: row["n"] for row in rows}
    return sum(per_township.values()), per_township


def _quotas(programme: Programme) -> dict[int, int] | None:
    """{township id: places} of a county batch with quotas; None when no quota limits it."""
    if programme.kind != ProgrammeKind.COUNTY_BATCH:
        return None
    quotas = dict(programme.quotas.values_list("township_id", "places"))
    return quotas or None


def _has_place(programme, township_id, total, per_township, quotas) -> bool:
    if total >= programme.capacity:
        return False
    return quotas is None or per_township.get(township_id, 0) < quotas.get(township_id, 0)


def _trainee(officer, member) -> tuple[object, str]:
    """The trainee's union and name; an officer must be in post, a member in good standing."""
    if (officer is None) == (member is None):
        raise ApplicationError("请选择一名学员：工会干部或会员。")
    if officer is not None:
        if not officer.in_post:
            raise ApplicationError(f"{officer.name}已离任，不能报名。")
        return officer.union, officer.name
    if member.status != MemberStatus.ACTIVE:
        raise ApplicationError(f"{member.real_name}不是在册会员，不能报名。")
    return member.union, member.real_name


@transaction.atomic
def nomination_create(
    *, user, programme: Programme, officer=None, member=None, now: datetime.datetime | None = None
) -> Nomination:
    """A township chair nominates one of their cadres (an officer of a union in the township, or a
    member) for a programme during its sign-up window.

    Enrolled if there is a place (capacity, and the township's quota for a county batch), else
    onto the township's waiting list (status WAITING, the next position). Look at `status` to
    tell the user which. Refused: outside the sign-up window, a cancelled programme, a trainee
    outside the user's area, a township class's trainee from another township, or someone
    already nominated (enrolled or waiting) for this programme.
    """
    now = now or timezone.now()
    union, name = _trainee(officer, member)
    # The lock first, before anything is counted: see the module's docstring.
    programme = programme_locked(programme)
    check_open(programme)
    if not programme.signup_open_on(timezone.localdate(now)):
        raise ApplicationError(
            f"报名时间为 {programme.signup_opens_on:%Y-%m-%d} 至 {programme.signup_closes_on:%Y-%m-%d}，现在不能报名。"
        )
    check_manages(user, union, what=f"{name}所在的工会")
    township = township_of(union)
    if township is None:
        raise ApplicationError(f"{name}所在的工会不属于任何乡镇，不能报名。")
    if programme.kind == ProgrammeKind.TOWNSHIP_CLASS and township.pk != programme.organiser_id:
        raise ApplicationError(f"该培训班只招收{programme.organiser.name}的学员。")
    trainee_filter = {"officer": officer} if officer is not None else {"member": member}
    if programme.nominations.filter(
        status__in=[NominationStatus.NOMINATED, NominationStatus.WAITING], **trainee_filter
    ).exists():
        raise ApplicationError(f"{name}已报名参加该培训班。")
    total, per_township = _places_taken(programme)
    enrolled = _has_place(programme, township.pk, total, per_township, _quotas(programme))
    nomination = Nomination(
        programme=programme,
        township=township,
        trainee_name=name,
        nominated_by=user,
        nominated_at=now,
        **trainee_filter,
    )
    if enrolled:
        nomination.status = NominationStatus.NOMINATED
        nomination.enrolled_at = now
    else:
        nomination.status = NominationStatus.WAITING
        nomination.waiting_position = _next_waiting_position(programme, township)
    nomination.full_clean(validate_constraints=False)  # the database's constraints decide (below)
    try:
        with transaction.atomic(), acting_user(user):
            nomination.save()
    except IntegrityError as exc:  # only if someone bypassed the lock: the constraint holds anyway
        raise ApplicationError(f"{name}已报名参加该培训班。") from exc
    return nomination


def _next_waiting_position(programme: Programme, township) -> int:
    last = programme.nominations.filter(township=township, status=NominationStatus.WAITING).aggregate(
        n=Max("waiting_position")
    )["n"]
    return (last or 0) + 1


def places_fill(
    *, programme: Programme, prefer_township=None, now: datetime.datetime | None = None
) -> list[Nomination]:
    """Move the waiting list up into the places now free: in the order they were nominated, the
    township `prefer_township`'s first (the one whose trainee withdrew or whose quota grew), each
    only if its township has a place of its quota left. Call with the programme locked (the
    services do); returns the nominations enrolled."""
    if programme.is_cancelled:
        return []
    now = now or timezone.now()
    total, per_township = _places_taken(programme)
    if total >= programme.capacity:
        return []
    quotas = _quotas(programme)
    prefer = getattr(prefer_township, "pk", None)
    waiting = sorted(
        programme.nominations.filter(status=NominationStatus.WAITING),
        key=lambda n: (
            n.township_id != prefer,
            n.waiting_position if n.township_id == prefer else 0,
            n.nominated_at,
            n.pk,
        ),
    )
    enrolled = []
    for nomination in waiting:
        if total >= programme.capacity:
            break
        if not _has_place(programme, nomination.township_id, total, per_township, quotas):
            continue
        nomination.status = NominationStatus.NOMINATED
        nomination.waiting_position = None
        nomination.enrolled_at = now
        nomination.full_clean(validate_constraints=False)
        nomination.save(update_fields=["status", "waiting_position", "enrolled_at", "updated_at"])
        per_township[nomination.township_id] = per_township.get(nomination.township_id, 0) + 1
        total += 1
        enrolled.append(nomination)
    return enrolled


@transaction.atomic
def nomination_withdraw(
    *, user, nomination: Nomination, reason: str = "", now: datetime.datetime | None = None
) -> tuple[Nomination, list[Nomination]]:
    """Withdraw a nomination (enrolled or waiting); it is kept, marked withdrawn. An enrolled
    trainee's place goes to the first on the waiting list (of the same township first), in the
    same transaction. Returns the nomination and those who moved up.

    Refused once the trainee holds a certificate (it is issued for good) or the programme is over.
    """
    now = now or timezone.now()
    programme = programme_locked(nomination.programme)
    nomination = Nomination.objects.select_for_update().select_related("township").get(pk=nomination.pk)
    check_manages(user, nomination.township, what=f"{nomination.trainee_name}的报名")
    if nomination.status == NominationStatus.WITHDRAWN:
        raise ApplicationError(f"{nomination.trainee_name}已退出该培训班。")
    if nomination.certificates.exists():
        raise ApplicationError(f"{nomination.trainee_name}已获结业证书，不能退出。")
    if timezone.localdate(now) > programme.ends_on:
        raise ApplicationError("培训班已结束，不能退出。")
    held_place = nomination.status == NominationStatus.NOMINATED
    nomination.status = NominationStatus.WITHDRAWN
    nomination.waiting_position = None
    nomination.withdrawn_at = now
    nomination.withdraw_reason = reason.strip()
    nomination.completed = False
    nomination.completed_at = None
    nomination.full_clean(validate_constraints=False)
    with acting_user(user):
        nomination.save(
            update_fields=[
                "status",
                "waiting_position",
                "withdrawn_at",
                "withdraw_reason",
                "completed",
                "completed_at",
                "updated_at",
            ]
        )
        moved_up = places_fill(programme=programme, prefer_township=nomination.township, now=now) if held_place else []
    return nomination, moved_up


@transaction.atomic
def nomination_score_set(*, user, nomination: Nomination, score) -> Nomination:
    """Record an enrolled trainee's score (optional, 0–100; None clears it)."""
    from apps.core.services import model_update

    programme = nomination.programme
    check_manages(user, programme.organiser)
    if nomination.status != NominationStatus.NOMINATED:
        raise ApplicationError("只有已报名的学员可以登记成绩。")
    nomination, _changed = model_update(instance=nomination, fields=["score"], data={"score": score}, user=user)
    return nomination


@transaction.atomic
def scores_set(*, user, programme: Programme, scores: dict) -> int:
    """The scores page: {nomination: score or None} of the programme's trainees, each through
    nomination_score_set, in one transaction; only the changed ones are written. Returns how many."""
    changed = 0
    for nomination, score in scores.items():
        if nomination.programme_id != programme.pk:
            raise ApplicationError("成绩名单中有学员不属于该培训班。")
        if nomination.score != score:
            nomination_score_set(user=user, nomination=nomination, score=score)
            changed += 1
    return changed
