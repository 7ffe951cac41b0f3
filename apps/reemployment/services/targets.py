"""The townships' yearly targets of persons re-employed (set by the county's staff)."""

from django.db import transaction

from apps.core.errors import ApplicationError
from apps.core.history import acting_user
from apps.core.services import model_update

from ..models import ReemploymentTarget
from .common import check_manages, check_township

__all__ = ["target_set"]


@transaction.atomic
def target_set(*, user, township, year: int, persons: int) -> ReemploymentTarget:
    """Set (or change) a township's target for a year; the row is kept, its history audited."""
    check_township(township)
    check_manages(user, township)
    if persons is None or persons < 0:
        raise ApplicationError("目标人数不能为负数。")
    target = ReemploymentTarget.objects.select_for_update().filter(township=township, year=year).first()
    if target is not None:
        model_update(
            instance=target, fields=["persons", "set_by"], data={"persons": persons, "set_by": user}, user=user
        )
        return target
    target = ReemploymentTarget(township=township, year=year, persons=persons, set_by=user)
    target.full_clean()
    with acting_user(user):
        target.save()
    return target
