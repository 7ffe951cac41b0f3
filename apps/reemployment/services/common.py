"""What the re-employment services share: who may write where."""

from apps.branches.choices import OrgUnitKind
from apps.branches.selectors import user_scope_path
from apps.core.errors import ApplicationError


def check_manages(user, township, *, what: str = "该乡镇") -> None:
    """Refuse `user` (None: the system, always allowed) unless `township` lies in their area."""
    if user is None:
        return
    prefix = user_scope_path(user)
    if prefix is None or not township.path.startswith(prefix):
        raise ApplicationError(f"{what}不在您的管理范围内。")


def check_township(township) -> None:
    if township is None or township.kind != OrgUnitKind.TOWNSHIP:
        raise ApplicationError("请选择一个乡镇工会。")
