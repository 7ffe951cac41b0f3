"""What the aid services share: who may write where, a member's township."""

from apps.branches.choices import OrgUnitKind
from apps.branches.models import OrgUnit
from apps.branches.selectors import user_scope_path
from apps.core.errors import ApplicationError


def check_manages(user, unit, *, what: str = "该乡镇") -> None:
    """Refuse `user` (None: the system, always allowed) unless `unit` lies in their area."""
    if user is None:
        return
    prefix = user_scope_path(user)
    if prefix is None or not unit.path.startswith(prefix):
        raise ApplicationError(f"{what}不在您的管理范围内。")


def township_of(unit: OrgUnit) -> OrgUnit | None:
    """The township union a unit lies in (the unit itself if it is one); None above townships."""
    step = OrgUnit.steplen
    paths = [unit.path[:end] for end in range(step, len(unit.path) + 1, step)]
    return OrgUnit.objects.filter(kind=OrgUnitKind.TOWNSHIP, path__in=paths).first()


def member_township(member) -> OrgUnit:
    township = township_of(member.union)
    if township is None:
        raise ApplicationError(f"{member.real_name}所在的工会不属于任何乡镇。")
    return township
