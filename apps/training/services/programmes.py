"""Programmes (培训班), their sessions and the townships' quotas (名额分配)."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apps.branches.choices import OrgUnitKind
from apps.core.errors import ApplicationError
from apps.core.history import acting_user
from apps.core.services import model_update

from ..choices import COUNTY_BATCH_CAPACITY, TOWNSHIP_CLASS_CAPACITY, NominationStatus, ProgrammeKind, ProgrammeStatus
from ..models import DEFAULT_COMPLETION_SHARE, Programme, Quota, Session
from .certificates import certificate_serial_ensure
from .common import check_manages, check_open, programme_locked
from .nominations import places_fill

__all__ = [
    "PROGRAMME_UPDATABLE_FIELDS",
    "programme_cancel",
    "programme_create",
    "programme_update",
    "quota_set",
    "quotas_set",
    "session_add",
    "session_update",
]

# A county batch is run by the county union (with the organisation and propaganda departments);
# a township class by the township union.
ORGANISER_KIND = {ProgrammeKind.COUNTY_BATCH: OrgUnitKind.COUNTY, ProgrammeKind.TOWNSHIP_CLASS: OrgUnitKind.TOWNSHIP}
DEFAULT_CAPACITY = {
    ProgrammeKind.COUNTY_BATCH: COUNTY_BATCH_CAPACITY,
    ProgrammeKind.TOWNSHIP_CLASS: TOWNSHIP_CLASS_CAPACITY,
}

PROGRAMME_UPDATABLE_FIELDS = (
    "title",
    "venue",
    "starts_on",
    "ends_on",
    "capacity",
    "target_groups",
    "signup_opens_on",
    "signup_closes_on",
    "completion_share",
)


@transaction.atomic
def programme_create(
    *,
    user,
    organiser,
    kind: str,
    year: int,
    title: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    signup_opens_on: datetime.date,
    signup_closes_on: datetime.date,
    batch: int | None = None,
    venue: str = "",
    capacity: int | None = None,
    target_groups: list[str] | None = None,
    completion_share: Decimal = DEFAULT_COMPLETION_SHARE,
) -> Programme:
    """Open a programme: a county batch (organiser: the county union, capacity 150 unless given)
    or a township class (organiser: the township union). `batch` defaults to the organiser's next
    number of the year. Refused unless the organiser lies in the user's area."""
    if kind not in ORGANISER_KIND:
        raise ApplicationError("未知的培训班类型。")
    if organiser.kind != ORGANISER_KIND[kind]:
        raise ApplicationError(
            "县级集训由县总工会举办。" if kind == ProgrammeKind.COUNTY_BATCH else "乡镇培训班由乡镇工会举办。"
        )
    check_manages(user, organiser, what="该举办单位")
    if batch is None:
        # The organiser's programmes of the year, locked, so two new ones never pick one number
        # (the unique constraint would refuse the second anyway).
        list(Programme.objects.select_for_update().filter(organiser=organiser, year=year).values_list("pk"))
        batch = (Programme.objects.filter(organiser=organiser, year=year).aggregate(n=Max("batch"))["n"] or 0) + 1
    programme = Programme(
        organiser=organiser,
        kind=kind,
        year=year,
        batch=batch,
        title=title.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        venue=venue.strip(),
        capacity=capacity if capacity is not None else DEFAULT_CAPACITY[kind],
        target_groups=sorted(set(target_groups or [])),
        signup_opens_on=signup_opens_on,
        signup_closes_on=signup_closes_on,
        completion_share=completion_share,
        created_by=user,
    )
    programme.full_clean()
    with acting_user(user):
        programme.save()
    certificate_serial_ensure(programme)
    return programme


@transaction.atomic
def programme_update(*, user, programme: Programme, **fields) -> Programme:
    """Change a programme's details (PROGRAMME_UPDATABLE_FIELDS). The capacity cannot fall below
    the trainees enrolled; a larger one moves the waiting list up (places_fill), in this
    transaction."""
    unknown = set(fields) - set(PROGRAMME_UPDATABLE_FIELDS)
    if unknown:
        raise ApplicationError(f"这些字段不能在此修改：{', '.join(sorted(unknown))}")
    programme = programme_locked(programme)
    check_manages(user, programme.organiser)
    check_open(programme)
    if "capacity" in fields:
        enrolled = programme.nominations.filter(status=NominationStatus.NOMINATED).count()
        if fields["capacity"] < enrolled:
            raise ApplicationError(f"已有 {enrolled} 人报名，培训人数不能少于已报名人数。")
    if "target_groups" in fields:
        fields["target_groups"] = sorted(set(fields["target_groups"] or []))
    with acting_user(user):
        programme, changed = model_update(
            instance=programme, fields=list(PROGRAMME_UPDATABLE_FIELDS), data=fields, user=user
        )
        if changed and "capacity" in fields:
            places_fill(programme=programme)
    return programme


@transaction.atomic
def programme_cancel(*, user, programme: Programme, reason: str) -> Programme:
    """Cancel a programme (it is never deleted): its nominations, attendance and certificates stay
    as they are, for the record."""
    if not reason.strip():
        raise ApplicationError("请填写取消培训班的原因。")
    programme = programme_locked(programme)
    check_manages(user, programme.organiser)
    check_open(programme)
    programme.status = ProgrammeStatus.CANCELLED
    programme.cancelled_at = timezone.now()
    programme.cancel_reason = reason.strip()
    programme.full_clean()
    with acting_user(user):
        programme.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    return programme


def _check_session_day(programme: Programme, held_on: datetime.date) -> None:
    if not programme.starts_on <= held_on <= programme.ends_on:
        raise ApplicationError(
            f"课程日期应在培训班起止日期（{programme.starts_on:%Y-%m-%d} 至 {programme.ends_on:%Y-%m-%d}）之内。"
        )


@transaction.atomic
def session_add(
    *, user, programme: Programme, held_on: datetime.date, hours: Decimal, subject: str, teacher: str = ""
) -> Session:
    """A session of the programme (a day's lecture): within the programme's dates, hours as Decimal."""
    check_manages(user, programme.organiser)
    check_open(programme)
    _check_session_day(programme, held_on)
    session = Session(programme=programme, held_on=held_on, hours=hours, subject=subject.strip(), teacher=teacher)
    session.full_clean()
    with acting_user(user):
        session.save()
    return session


@transaction.atomic
def session_update(*, user, session: Session, **fields) -> Session:
    """Correct a session's day, hours, subject or teacher."""
    allowed = ("held_on", "hours", "subject", "teacher")
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ApplicationError(f"这些字段不能在此修改：{', '.join(sorted(unknown))}")
    programme = session.programme
    check_manages(user, programme.organiser)
    check_open(programme)
    if "held_on" in fields:
        _check_session_day(programme, fields["held_on"])
    session, _changed = model_update(instance=session, fields=list(allowed), data=fields, user=user)
    return session


@transaction.atomic
def quota_set(*, user, programme: Programme, township, places: int) -> Quota:
    """Give a township `places` in a county batch (名额分配), or change its quota.

    Once a batch has quotas, a township without one has no place (its nominations wait). A
    quota cannot fall below the township's trainees already enrolled; a larger one moves its
    waiting list up, in this transaction (under the programme's lock, like every nomination).
    """
    programme = programme_locked(programme)
    check_manages(user, programme.organiser)
    check_open(programme)
    if programme.kind != ProgrammeKind.COUNTY_BATCH:
        raise ApplicationError("只有县级集训分配名额。")
    if township.kind != OrgUnitKind.TOWNSHIP or not township.path.startswith(programme.organiser.path):
        raise ApplicationError("名额只能分配给本县的乡镇工会。")
    if places < 0:
        raise ApplicationError("名额不能为负数。")
    enrolled = programme.nominations.filter(township=township, status=NominationStatus.NOMINATED).count()
    if places < enrolled:
        raise ApplicationError(f"{township.name}已有 {enrolled} 人报名，名额不能少于已报名人数。")
    quota = Quota.objects.filter(programme=programme, township=township).first()
    with acting_user(user):
        if quota is None:
            quota = Quota(programme=programme, township=township, places=places)
            quota.full_clean()
            quota.save()
        else:
            quota, _changed = model_update(instance=quota, fields=["places"], data={"places": places}, user=user)
        places_fill(programme=programme, prefer_township=township)
    return quota


@transaction.atomic
def quotas_set(*, user, programme: Programme, places: dict) -> list[Quota]:
    """The quota page's list (名额分配): `places` {township: places}, each through quota_set, all
    in one transaction (one refusal and none is changed). A township whose places are unchanged
    is left alone."""
    current = dict(programme.quotas.values_list("township_id", "places"))
    return [
        quota_set(user=user, programme=programme, township=township, places=value)
        for township, value in places.items()
        if current.get(township.pk) != value and not (value == 0 and township.pk not in current)
    ]
