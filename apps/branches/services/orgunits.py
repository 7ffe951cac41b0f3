"""Writes of the org tree."""

from django.db import transaction

from apps.core.errors import ApplicationError

from ..choices import GRASSROOTS_KINDS, OrgUnitKind
from ..models import OrgUnit

# Which kinds may sit directly under which: the county's "小三级" network and the levels above.
ALLOWED_CHILD_KINDS = {
    OrgUnitKind.PROVINCE: {OrgUnitKind.CITY},
    OrgUnitKind.CITY: {OrgUnitKind.COUNTY},
    OrgUnitKind.COUNTY: {OrgUnitKind.TOWNSHIP, *GRASSROOTS_KINDS},
    OrgUnitKind.TOWNSHIP: set(GRASSROOTS_KINDS),
}


@transaction.atomic
def orgunit_create(*, parent: OrgUnit | None, name: str, kind: str, code: str = "") -> OrgUnit:
    """Add a unit under `parent` (a new root when parent is None)."""
    if parent is not None and kind not in ALLOWED_CHILD_KINDS.get(parent.kind, set()):
        raise ApplicationError(
            "“%(parent)s”下不能设立“%(kind)s”。" % {"parent": parent.name, "kind": OrgUnitKind(kind).label}
        )
    unit = OrgUnit(name=name, kind=kind, code=code)
    unit.full_clean(exclude=["path", "depth", "numchild"])
    if parent is None:
        return OrgUnit.objects.add_root(instance=unit)
    # Lock the parent row: treebeard derives the new path from the parent's last child.
    parent = OrgUnit.objects.select_for_update().get(pk=parent.pk)
    return OrgUnit.objects.add_child(parent, instance=unit)


@transaction.atomic
def orgunit_update(*, unit: OrgUnit, name: str, code: str, is_active: bool) -> OrgUnit:
    unit.name = name
    unit.code = code
    unit.is_active = is_active
    unit.full_clean(exclude=["path", "depth", "numchild"])
    unit.save(update_fields=["name", "code", "is_active", "updated_at"])
    return unit
