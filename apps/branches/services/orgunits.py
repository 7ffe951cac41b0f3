"""Writes of the org tree."""

from django.db import transaction

from apps.core.errors import ApplicationError
from apps.core.history import acting_user
from apps.core.services import model_update

from ..choices import GRASSROOTS_KINDS, OrgUnitKind
from ..models import OrgUnit

# Which kinds may sit directly under which: the county's "小三级" network and the levels above.
ALLOWED_CHILD_KINDS = {
    OrgUnitKind.PROVINCE: {OrgUnitKind.CITY},
    OrgUnitKind.CITY: {OrgUnitKind.COUNTY},
    OrgUnitKind.COUNTY: {OrgUnitKind.TOWNSHIP, *GRASSROOTS_KINDS},
    OrgUnitKind.TOWNSHIP: set(GRASSROOTS_KINDS),
}

# What may be corrected on a unit (the portal's edit page, Django admin). The approval status,
# the archiving and the unit's place in the tree each belong to their own workflow.
CORRECTABLE_FIELDS = (
    "name",
    "code",
    "is_active",
    "formation_form",
    "declared_members",
    "founded_on",
    "term_years",
    "term_start",
    "term_end",
)


@transaction.atomic
def orgunit_create(
    *, user, parent: OrgUnit | None, name: str, kind: str, code: str = "", details: dict | None = None
) -> OrgUnit:
    """Add a unit under `parent` (a new root when parent is None).

    `details` are further fields the unit is inserted with (a union's approval status, form and
    term, from union_register): set before the insert, so the history shows the unit as it was
    created, not a step from the defaults that never happened.
    """
    if parent is not None and kind not in ALLOWED_CHILD_KINDS.get(parent.kind, set()):
        raise ApplicationError(
            "“%(parent)s”下不能设立“%(kind)s”。" % {"parent": parent.name, "kind": OrgUnitKind(kind).label}
        )
    unit = OrgUnit(name=name, kind=kind, code=code, **(details or {}))
    unit.full_clean(exclude=["path", "depth", "numchild"])
    with acting_user(user):
        if parent is None:
            return OrgUnit.objects.add_root(instance=unit)
        # Lock the parent row: treebeard derives the new path from the parent's last child.
        parent = OrgUnit.objects.select_for_update().get(pk=parent.pk)
        return OrgUnit.objects.add_child(parent, instance=unit)


def orgunit_update(*, user, unit: OrgUnit, **fields) -> OrgUnit:
    """Correct a unit's details (CORRECTABLE_FIELDS); only what changed is written."""
    unknown = set(fields) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ApplicationError(f"这些字段不能在此修改：{', '.join(sorted(unknown))}")
    unit, _changed = model_update(instance=unit, fields=list(CORRECTABLE_FIELDS), data=fields, user=user)
    return unit
