from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from apps.core.dates import plausible_date_constraint
from apps.core.history import audited
from apps.core.models import BaseModel

from ..choices import (
    COMMITTEE_REQUIRED_FROM_MEMBERS,
    GRASSROOTS_KINDS,
    TERM_YEARS_CHOICES,
    FormationForm,
    OrgUnitKind,
    UnionStatus,
)
from .dates import FOUNDED_RANGE, RECORDED_RANGE, TERM_END_RANGE, TERM_START_RANGE


def formation_form_problem(*, declared_members: int | None, formation_form: str) -> str | None:
    """工会法 art. 13: a grassroots union of 25 or more members elects a committee (else why not)."""
    if declared_members is not None and declared_members >= COMMITTEE_REQUIRED_FROM_MEMBERS:
        if formation_form != FormationForm.COMMITTEE:
            return "会员 25 人以上的基层工会应当建立工会委员会（工会法第十三条）。"
    return None


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

    # A grassroots union's life: registered by the township, approved by the level above
    # (工会法 art. 12), elected for a term of 3 or 5 years, archived when it dissolves.
    status = models.CharField(
        _("approval status"), max_length=20, choices=UnionStatus.choices, default=UnionStatus.APPROVED
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, validators=[RECORDED_RANGE])
    # The approval (工会成立批复): the level above's opinion and its document number (批复文号),
    # drawn from a yearly serial or typed by the approver; no two approvals share a number.
    approval_opinion = models.TextField(_("approval opinion"), blank=True, max_length=2000)
    approval_number = models.CharField(_("approval document number"), max_length=50, blank=True)
    formation_form = models.CharField(
        _("form of organisation"), max_length=20, choices=FormationForm.choices, blank=True
    )
    declared_members = models.PositiveIntegerField(_("members (declared)"), null=True, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True, validators=[FOUNDED_RANGE])
    term_years = models.PositiveSmallIntegerField(_("term (years)"), choices=TERM_YEARS_CHOICES, null=True, blank=True)
    term_start = models.DateField(_("term starts"), null=True, blank=True, validators=[TERM_START_RANGE])
    term_end = models.DateField(_("term ends"), null=True, blank=True, validators=[TERM_END_RANGE])
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, validators=[RECORDED_RANGE])
    archive_reason = models.CharField(_("archive reason"), max_length=200, blank=True)

    # Siblings keep their creation order in the path; lists sort by name themselves, so
    # inserting a unit never rewrites its siblings' paths.
    node_order_by = []

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        permissions = [("approve_union", _("Can approve a newly formed union"))]
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
            models.CheckConstraint(
                condition=models.Q(status__in=UnionStatus.values),
                name="branches_orgunit_valid_status",
                violation_error_message=_("Unknown approval status."),
            ),
            models.CheckConstraint(
                condition=models.Q(formation_form="") | models.Q(formation_form__in=FormationForm.values),
                name="branches_orgunit_valid_formation_form",
                violation_error_message=_("Unknown form of organisation."),
            ),
            models.CheckConstraint(
                condition=models.Q(term_years__isnull=True) | models.Q(term_years__in=[3, 5]),
                name="branches_orgunit_term_3_or_5_years",
                violation_error_message=_("A grassroots union's term is 3 or 5 years."),
            ),
            models.CheckConstraint(
                condition=models.Q(term_start__isnull=True)
                | models.Q(term_end__isnull=True)
                | models.Q(term_end__gt=models.F("term_start")),
                name="branches_orgunit_term_end_after_start",
                violation_error_message=_("The term must end after it starts."),
            ),
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True) | models.Q(approved_at__isnull=False),
                name="branches_orgunit_approval_recorded",
                violation_error_message=_("An approval records when it was given."),
            ),
            *(
                plausible_date_constraint(field, name=f"%(app_label)s_%(class)s_{field}_plausible")
                for field in ("founded_on", "term_start", "term_end")
            ),
            *(
                plausible_date_constraint(field, name=f"%(app_label)s_%(class)s_{field}_plausible", is_datetime=True)
                for field in ("approved_at", "archived_at")
            ),
            models.UniqueConstraint(
                fields=["approval_number"],
                condition=~models.Q(approval_number=""),
                name="branches_orgunit_unique_approval_number",
                violation_error_message=_("Another approval already has this document number."),
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

    def clean(self):
        if self.is_grassroots:
            problem = formation_form_problem(declared_members=self.declared_members, formation_form=self.formation_form)
            if problem:
                raise ValidationError({"formation_form": problem}, code="committee_required")

    @property
    def is_grassroots(self):
        return self.kind in GRASSROOTS_KINDS

    @property
    def is_archived(self):
        return self.archived_at is not None
