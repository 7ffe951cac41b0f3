from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from apps.core.history import audited
from apps.core.models import BaseModel

from .choices import GRASSROOTS_KINDS, OrgUnitKind


@audited()
class OrgUnit(MP_Node, BaseModel):
    """One organisation in the union network: province → city → county → township → grassroots.

    A materialised path (django-treebeard `MP_Node`): a unit's subtree is every row whose
    `path` starts with the unit's path, so one indexed query finds it at any depth.
    """

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=OrgUnitKind.choices)
    # Unit codes are assigned by the level above; optional until the office has them.
    code = models.CharField(_("unit code"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    # Siblings keep their creation order in the path; lists sort by name themselves, so
    # inserting a unit never rewrites its siblings' paths.
    node_order_by = []

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        indexes = [
            # LIKE 'path%' needs pattern ops whatever the database's collation.
            models.Index(fields=["path"], name="branches_orgunit_path_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["kind", "depth"], name="branches_orgunit_kind_depth"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=OrgUnitKind.values),
                name="branches_orgunit_valid_kind",
                violation_error_message=_("Unknown kind of org unit."),
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=~models.Q(code=""),
                name="branches_orgunit_unique_code",
                violation_error_message=_("Another org unit already has this code."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("branches:orgunit_detail", kwargs={"pk": self.pk})

    @property
    def is_grassroots(self):
        return self.kind in GRASSROOTS_KINDS
