"""What the training services share: who may manage a programme, and the township of a union."""

from apps.branches.selectors import user_scope_path
from apps.core.errors import ApplicationError

from ..models import Programme


def check_manages(user, unit, *, what: str = "此培训班") -> None:
    """Refuse `user` (None: the system, always allowed) unless `unit` lies in their area: the
    county's staff manage the county's batches and every township's classes, a township's staff
    their own township's classes (and nominate their own township's cadres)."""
    if user is None:
        return
    prefix = user_scope_path(user)
    if prefix is None or not unit.path.startswith(prefix):
        raise ApplicationError(f"{what}不在您的管理范围内。")


def check_open(programme: Programme) -> None:
    if programme.is_cancelled:
        raise ApplicationError("该培训班已取消。")


def programme_locked(programme: Programme) -> Programme:
    """The programme's row, locked until the transaction ends.

    Every write that changes who holds a place (a nomination, a withdrawal, a quota, the
    capacity) takes this lock first, so the places counted after it cannot change until this
    transaction commits: two chairs pressing at once for the last place are served one after
    the other, and the second finds it taken.
    """
    return Programme.objects.select_for_update(of=("self",)).select_related("organiser").get(pk=programme.pk)
