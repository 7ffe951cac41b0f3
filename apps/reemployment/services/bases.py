"""Re-employment bases (再就业基地) and the places they offer each year.

Places filled are counted from the placements (ReemploymentHelp of kind 基地安置 given that year).
A placement and a change of the places offered both lock the base's year row first
(`base_year_locked`) and count after the lock, so two chairs pressing at once for the last place
are served one after the other and the second is told there is none left.
"""

import datetime

from django.db import IntegrityError, transaction

from apps.core.errors import ApplicationError
from apps.core.history import acting_user
from apps.core.services import model_update

from ..choices import HelpKind
from ..models import BaseYear, ReemploymentBase, ReemploymentHelp
from .common import check_manages, check_township

__all__ = [
    "base_close",
    "base_create",
    "base_places_filled",
    "base_places_set",
    "base_update",
    "base_year_locked",
]


def _check_enterprise(township, enterprise) -> None:
    if enterprise is not None and enterprise.township_id != township.pk:
        raise ApplicationError(f"{enterprise.name}不在{township.name}，请选择本乡镇的企业。")


@transaction.atomic
def base_create(
    *, user, name: str, township, level: str, recognised_on: datetime.date, enterprise=None
) -> ReemploymentBase:
    check_township(township)
    check_manages(user, township)
    _check_enterprise(township, enterprise)
    base = ReemploymentBase(
        name=(name or "").strip(),
        township=township,
        level=level,
        recognised_on=recognised_on,
        enterprise=enterprise,
        created_by=user,
    )
    base.full_clean()
    with acting_user(user):
        base.save()
    return base


@transaction.atomic
def base_update(*, user, base: ReemploymentBase, **data) -> ReemploymentBase:
    """Change a base's name, level, enterprise or recognition date (not its township)."""
    check_manages(user, base.township, what=f"{base.name}")
    if base.is_closed:
        raise ApplicationError(f"{base.name}已撤销，不能修改。")
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
    _check_enterprise(base.township, data.get("enterprise"))
    model_update(instance=base, fields=["name", "level", "recognised_on", "enterprise"], data=data, user=user)
    return base


@transaction.atomic
def base_close(*, user, base: ReemploymentBase, closed_on: datetime.date, reason: str) -> ReemploymentBase:
    """A base that no longer takes anyone (撤销): kept with its placements, offered no more."""
    check_manages(user, base.township, what=f"{base.name}")
    if base.is_closed:
        raise ApplicationError(f"{base.name}已撤销。")
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("请填写撤销原因。")
    if closed_on < base.recognised_on:
        raise ApplicationError("撤销日期不能早于认定日期。")
    model_update(
        instance=base,
        fields=["closed_on", "close_reason"],
        data={"closed_on": closed_on, "close_reason": reason},
        user=user,
    )
    return base


def base_year_locked(base: ReemploymentBase, year: int) -> BaseYear | None:
    """The base's places row for `year`, locked until the transaction ends (None: no places)."""
    return BaseYear.objects.select_for_update().filter(base=base, year=year).first()


def base_places_filled(base: ReemploymentBase, year: int) -> int:
    return ReemploymentHelp.objects.filter(kind=HelpKind.BASE, base=base, given_on__year=year).count()


@transaction.atomic
def base_places_set(*, user, base: ReemploymentBase, year: int, places: int) -> BaseYear:
    """The places a base offers in `year`; never fewer than it has already filled."""
    check_manages(user, base.township, what=f"{base.name}")
    if base.is_closed:
        raise ApplicationError(f"{base.name}已撤销，不能再提供岗位。")
    if places is None or places < 0:
        raise ApplicationError("提供岗位数不能为负数。")
    row = base_year_locked(base, year)
    filled = base_places_filled(base, year)
    if places < filled:
        raise ApplicationError(f"{base.name}{year}年已安置 {filled} 人，提供岗位数不能少于 {filled}。")
    if row is not None:
        model_update(instance=row, fields=["places"], data={"places": places}, user=user)
        return row
    row = BaseYear(base=base, year=year, places=places)
    row.full_clean()
    try:
        with transaction.atomic(), acting_user(user):
            row.save()
    except IntegrityError as exc:  # another request created the year's row at the same moment
        raise ApplicationError(f"{base.name}{year}年的岗位数刚被他人设置，请刷新后重试。") from exc
    return row
