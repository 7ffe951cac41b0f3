"""Reads of the accounts app: which users hold a permission within a part of the tree.

Who is notified, who may be chosen as a complaint's handler and who may decide on something
are all "active users with permission P whose own unit lies within (or above) unit U"; they
are answered here, once, so every app asks the same question the same way.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q


def _permission_filter(perm: str) -> Q:
    app_label, codename = perm.split(".")
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return Q(groups__permissions__in=permission) | Q(user_permissions__in=permission) | Q(is_superuser=True)


def user_list_with_permission(*, perm: str, within_path: str | None = None):
    """Active users holding `perm` (through a role or directly) whose own unit is inside the
    subtree at `within_path` ("" or None: anywhere), ordered by display name."""
    users = get_user_model().objects.filter(is_active=True).filter(_permission_filter(perm))
    if within_path:
        users = users.filter(org_unit__path__startswith=within_path)
    return users.distinct().order_by("real_name", "username")


def user_choices_with_permission(*, perm: str, scope_path: str | None):
    """The users a choice list offers: active holders of `perm` within a viewer's scope.

    `scope_path` is what `apps.branches.selectors.user_scope_path` gives for the viewer: ""
    for everywhere, None for nowhere (a user without an org unit is offered nobody, where
    `user_list_with_permission(within_path=None)` would mean everyone). Only the columns a
    choice shows are read.
    """
    if scope_path is None:
        return get_user_model().objects.none()
    return user_list_with_permission(perm=perm, within_path=scope_path).only("pk", "username", "real_name")


def user_list_to_notify(*, perm: str, unit_ids) -> dict[int, list]:
    """Who is told about something at these units: the active users whose own unit is one of
    `unit_ids` (a list or a queryset of ids) and who hold `perm` (through a role or directly),
    by unit id, in one query.

    The one answer to "who in a township (or a union) is notified": a transfer's township staff
    (members), the compliance reminders' township staff and union officers (branches), a
    complaint's township chairs. Superusers are included only when their own unit is one of them.
    """
    users = (
        get_user_model()
        .objects.filter(is_active=True, org_unit_id__in=unit_ids)
        .filter(_permission_filter(perm))
        .distinct()
        .order_by("real_name", "username", "pk")
    )
    by_unit: dict[int, list] = {}
    for user in users:
        by_unit.setdefault(user.org_unit_id, []).append(user)
    return by_unit


def user_list_to_notify_above(*, perm: str, units) -> dict[int, list]:
    """Who above these units is told: the active users holding `perm` whose own unit lies above
    the unit (an ancestor, not the unit itself), by unit id, in one query.

    `units` are org units (their `path` is read). The answer to "who is a complaint escalated
    to" (the county staff over its township); `user_list_to_notify` answers "who at the unit".
    """
    units = list(units)
    steplen = get_user_model()._meta.get_field("org_unit").related_model.steplen
    ancestors = {unit.pk: [unit.path[:end] for end in range(steplen, len(unit.path), steplen)] for unit in units}
    paths = {path for chain in ancestors.values() for path in chain}
    if not paths:
        return {}
    users = (
        get_user_model()
        .objects.filter(is_active=True, org_unit__path__in=paths)
        .filter(_permission_filter(perm))
        .select_related("org_unit")
        .distinct()
        .order_by("real_name", "username", "pk")
    )
    by_path: dict[str, list] = {}
    for user in users:
        by_path.setdefault(user.org_unit.path, []).append(user)
    return {pk: [user for path in chain for user in by_path.get(path, [])] for pk, chain in ancestors.items()}
