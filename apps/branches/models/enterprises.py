from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.dates import plausible_date_constraint
from apps.core.history import audited
from apps.core.models import BaseModel

from ..choices import OrgUnitKind, Ownership
from ..validators import CREDIT_CODE_PATTERN
from .dates import RECORDED_RANGE
from .orgunits import OrgUnit


@audited()
class Enterprise(BaseModel):
    """An employer (企业/单位) in a township, unionised or not: the base of the formation rate."""

    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        error_messages={
            "unique": _("This unified social credit code is already registered."),
        },
    )
    # A code whose check character is wrong is kept only when county staff confirmed it
    # (pilot-era codes); who and when is recorded here and in the history.
    credit_code_checksum_ok = models.BooleanField(_("credit code check character correct"), default=True)
    credit_code_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("credit code confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    credit_code_confirmed_at = models.DateTimeField(
        _("credit code confirmed at"), null=True, blank=True, validators=[RECORDED_RANGE]
    )
    ownership = models.CharField(_("ownership"), max_length=20, choices=Ownership.choices)
    is_county_direct = models.BooleanField(_("county-direct unit"), default=False)
    township = models.ForeignKey(
        OrgUnit,
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        related_name="enterprises",
        limit_choices_to={"kind": OrgUnitKind.TOWNSHIP},
    )
    employee_count = models.PositiveIntegerField(_("employees"), default=0)
    has_workers_congress = models.BooleanField(
        _("has a workers' congress"),
        default=False,
        help_text=_("The enterprise has set up a workers' congress (职代会), which must meet every year."),
    )
    union = models.ForeignKey(
        OrgUnit,
        verbose_name=_("covering union"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="covered_enterprises",
        help_text=_("Empty when the enterprise has no union yet."),
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, validators=[RECORDED_RANGE])
    archive_reason = models.CharField(_("archive reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name", "id"]
        permissions = [("confirm_credit_code", _("Can confirm a pilot-era credit code"))]
        indexes = [
            models.Index(fields=["township", "name"], name="branches_ent_township_name"),
            # The county's enterprise list in its default order, read from the index (selectors).
            models.Index(fields=["name", "id"], name="branches_ent_name_order"),
            models.Index(fields=["union"], name="branches_ent_union"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(credit_code__regex=CREDIT_CODE_PATTERN),
                name="branches_enterprise_credit_code_format",
                violation_error_message=_("A unified social credit code is 18 digits and capital letters."),
            ),
            models.CheckConstraint(
                condition=models.Q(credit_code_checksum_ok=True) | models.Q(credit_code_confirmed_by__isnull=False),
                name="branches_enterprise_bad_checksum_confirmed",
                violation_error_message=_(
                    "A credit code with a wrong check character needs county staff's confirmation."
                ),
            ),
            *(
                plausible_date_constraint(field, name=f"%(app_label)s_%(class)s_{field}_plausible", is_datetime=True)
                for field in ("credit_code_confirmed_at", "archived_at")
            ),
            models.CheckConstraint(
                condition=models.Q(ownership__in=Ownership.values),
                name="branches_enterprise_valid_ownership",
                violation_error_message=_("Unknown ownership."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("branches:enterprise_detail", kwargs={"pk": self.pk})

    def clean(self):
        # The covering union is a grassroots union of the enterprise's own township. (That an
        # enterprise union covers one enterprise only, and no archived union is chosen, are
        # enterprise_register's / enterprise_update's: they look at other rows, under a lock.)
        if self.union_id is not None and self.township_id is not None:
            if not self.union.path.startswith(self.township.path) or not self.union.is_grassroots:
                raise ValidationError({"union": "所选工会不属于该企业所在乡镇的基层工会。"}, code="union_elsewhere")

    @property
    def is_unionised(self):
        return self.union_id is not None

    @property
    def is_archived(self):
        return self.archived_at is not None
