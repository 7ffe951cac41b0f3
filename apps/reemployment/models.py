"""Re-employment (再就业): laid-off and unemployed workers registered, the help they were given,
who found work again (where and when), the re-employment bases (再就业基地) with the places they
offer each year, and each township's yearly target.

A case (再就业登记) is one person's search for work: a member of the portal, or a non-member known
by name and citizen ID number (kept encrypted, found by its keyed hash and shown masked, as
apps.members keeps a member's). It is open while the person is seeking work and ends employed or
closed; a person has at most one open case. A placement at a base takes one of the places the
base offers that year: the services lock the base's year row and count its placements first.
Nothing is deleted: a base is closed, a case closed. Every write goes through
apps.reemployment.services; what must always hold is also a database constraint here.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedCharField

from apps.core.dates import PlausibleDateValidator, plausible_date_constraint
from apps.core.history import audited
from apps.core.models import BaseModel
from apps.members.validators import MobileField

from .choices import BaseLevel, CaseReason, CaseStatus, HelpKind

# The county's re-employment work dates from the late 1990s (下岗再就业); nothing is dated before
# 1995, and nothing is entered ahead of today (a registration, a placement, a job start are facts).
REEMPLOYMENT_DATE_RANGE = PlausibleDateValidator(earliest=datetime.date(1995, 1, 1), max_days_ahead=0)
YEAR_RANGE = Q(year__gte=1995) & Q(year__lte=2099)


@audited()
class ReemploymentBase(BaseModel):
    """A re-employment base (再就业基地): an enterprise recognised to take laid-off workers
    (大平乳品厂, 苏果超市), with the places it offers each year (BaseYear). Closed, never deleted."""

    name = models.CharField(_("name"), max_length=100)
    township = models.ForeignKey(
        "branches.OrgUnit", verbose_name=_("township"), on_delete=models.PROTECT, related_name="reemployment_bases"
    )
    enterprise = models.ForeignKey(
        "branches.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reemployment_bases",
    )
    level = models.CharField(_("level"), max_length=20, choices=BaseLevel.choices)
    recognised_on = models.DateField(_("recognised on"), validators=[REEMPLOYMENT_DATE_RANGE])
    closed_on = models.DateField(_("closed on"), null=True, blank=True, validators=[REEMPLOYMENT_DATE_RANGE])
    close_reason = models.CharField(_("reason for closing"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("re-employment base")
        verbose_name_plural = _("re-employment bases")
        ordering = ["closed_on", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "name"],
                name="%(app_label)s_%(class)s_unique_name",
                violation_error_message=_("The township already has a re-employment base of this name."),
            ),
            models.CheckConstraint(
                condition=Q(level__in=BaseLevel.values),
                name="%(app_label)s_%(class)s_valid_level",
                violation_error_message=_("Unknown level of base."),
            ),
            models.CheckConstraint(
                condition=(Q(closed_on__isnull=True) & Q(close_reason=""))
                | (Q(closed_on__isnull=False) & ~Q(close_reason="") & Q(closed_on__gte=F("recognised_on"))),
                name="%(app_label)s_%(class)s_closed_has_reason",
                violation_error_message=_("A closed base records when and why, not before it was recognised."),
            ),
            plausible_date_constraint("recognised_on", name="%(app_label)s_%(class)s_recognised_on_plausible"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reemployment:base_detail", kwargs={"pk": self.pk})

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None


@audited()
class BaseYear(BaseModel):
    """The places a base offers in one year. Filled places are counted from the placements
    (ReemploymentHelp of kind 基地安置 given that year); they never exceed the places offered,
    which the services hold under this row's lock."""

    base = models.ForeignKey(
        ReemploymentBase, verbose_name=_("re-employment base"), on_delete=models.PROTECT, related_name="years"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    places = models.PositiveIntegerField(_("places offered"))

    class Meta:
        verbose_name = _("places of a base in a year")
        verbose_name_plural = _("places of bases per year")
        ordering = ["base", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["base", "year"],
                name="%(app_label)s_%(class)s_one_per_year",
                violation_error_message=_("The base already has its places for this year."),
            ),
            models.CheckConstraint(
                condition=Q(places__gte=0) & YEAR_RANGE,
                name="%(app_label)s_%(class)s_places_not_negative",
                violation_error_message=_("Places cannot be negative, and the year lies between 1995 and 2099."),
            ),
        ]

    def __str__(self):
        return f"{self.base} {self.year}年：{self.places}"


# The history keeps the masked number only: the whole ID lives encrypted in one column.
@audited(exclude=["id_number"])
class ReemploymentCase(BaseModel):
    """One person's search for work (再就业登记): registered, helped, then employed or closed."""

    # The person: a member, or a non-member by name, ID number and phone.
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reemployment_cases",
    )
    person_name = models.CharField(_("full name"), max_length=50)
    # As apps.members keeps a member's: encrypted, a keyed hash for look-ups, the masked form shown.
    id_number = EncryptedCharField(_("citizen ID number"), max_length=18, blank=True, null=True)
    id_hash = models.CharField(_("ID number hash"), max_length=64, blank=True, editable=False)
    id_masked = models.CharField(_("citizen ID number (masked)"), max_length=18, blank=True, editable=False)
    mobile = MobileField(_("mobile"), max_length=11, blank=True)
    township = models.ForeignKey(
        "branches.OrgUnit", verbose_name=_("township"), on_delete=models.PROTECT, related_name="reemployment_cases"
    )
    registered_on = models.DateField(_("registered on"), validators=[REEMPLOYMENT_DATE_RANGE])
    reason = models.CharField(_("reason"), max_length=20, choices=CaseReason.choices)
    former_employer = models.CharField(_("former employer"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.SEEKING)
    # The outcome.
    employer_name = models.CharField(_("new employer"), max_length=100, blank=True)
    employer = models.ForeignKey(
        "branches.Enterprise",
        verbose_name=_("new employer (enterprise)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reemployed_cases",
    )
    employed_on = models.DateField(_("employed on"), null=True, blank=True, validators=[REEMPLOYMENT_DATE_RANGE])
    employed_via = models.ForeignKey(
        "ReemploymentHelp",
        verbose_name=_("through the help"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the person found the work on their own."),
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True, validators=[REEMPLOYMENT_DATE_RANGE])
    close_reason = models.CharField(_("reason for closing"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("re-employment case")
        verbose_name_plural = _("re-employment cases")
        ordering = ["-registered_on", "-id"]
        indexes = [
            models.Index(fields=["-registered_on", "-id"], name="reemp_case_list_order"),
            models.Index(fields=["township", "status"], name="reemp_case_township_status"),
            # A chair's list: their township's cases, newest first, from one index.
            models.Index(fields=["township", "-registered_on", "-id"], name="reemp_case_township_order"),
            models.Index(fields=["employed_on"], name="reemp_case_employed_on"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CaseStatus.values),
                name="%(app_label)s_%(class)s_valid_status",
                violation_error_message=_("Unknown case status."),
            ),
            models.CheckConstraint(
                condition=Q(reason__in=CaseReason.values),
                name="%(app_label)s_%(class)s_valid_reason",
                violation_error_message=_("Unknown reason."),
            ),
            models.CheckConstraint(
                condition=~Q(person_name="") & (Q(member__isnull=False) | ~Q(id_hash="")),
                name="%(app_label)s_%(class)s_names_the_person",
                violation_error_message=_("A case names a member, or a person by name and citizen ID number."),
            ),
            # Employed ⇔ the day and the employer are recorded; never before the registration.
            models.CheckConstraint(
                condition=(
                    Q(status=CaseStatus.EMPLOYED)
                    & Q(employed_on__isnull=False)
                    & (~Q(employer_name="") | Q(employer__isnull=False))
                )
                | (
                    ~Q(status=CaseStatus.EMPLOYED)
                    & Q(employed_on__isnull=True)
                    & Q(employer_name="")
                    & Q(employer__isnull=True)
                    & Q(employed_via__isnull=True)
                ),
                name="%(app_label)s_%(class)s_employed_has_outcome",
                violation_error_message=_("A re-employed case records where and when, and only then."),
            ),
            models.CheckConstraint(
                condition=Q(employed_on__isnull=True) | Q(employed_on__gte=F("registered_on")),
                name="%(app_label)s_%(class)s_employed_after_registered",
                violation_error_message=_("The person cannot start the new job before the case was registered."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=CaseStatus.CLOSED)
                    & Q(closed_on__isnull=False)
                    & ~Q(close_reason="")
                    & Q(closed_on__gte=F("registered_on"))
                )
                | (~Q(status=CaseStatus.CLOSED) & Q(closed_on__isnull=True) & Q(close_reason="")),
                name="%(app_label)s_%(class)s_closed_has_reason",
                violation_error_message=_("A closed case records when and why, not before it was registered."),
            ),
            # One open case per person: a member by the member, anyone else by the ID number.
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status=CaseStatus.SEEKING) & Q(member__isnull=False),
                name="%(app_label)s_%(class)s_one_open_per_member",
                violation_error_message=_("This member already has an open re-employment case."),
            ),
            models.UniqueConstraint(
                fields=["id_hash"],
                condition=Q(status=CaseStatus.SEEKING) & Q(member__isnull=True),
                name="%(app_label)s_%(class)s_one_open_per_person",
                violation_error_message=_("This person already has an open re-employment case."),
            ),
            *(
                plausible_date_constraint(field, name=f"%(app_label)s_%(class)s_{field}_plausible")
                for field in ("registered_on", "employed_on", "closed_on")
            ),
        ]

    def __str__(self):
        return f"{self.person_name}（{self.registered_on:%Y-%m-%d}）" if self.registered_on else self.person_name

    def get_absolute_url(self):
        return reverse("reemployment:case_detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.SEEKING

    @property
    def id_shown(self) -> str:
        """The masked ID number (a member's from the member)."""
        return self.member.id_masked if self.member_id else self.id_masked

    @property
    def employer_shown(self) -> str:
        return self.employer_name or (self.employer.name if self.employer_id else "")

    def clean(self):
        errors = {}
        if self.employed_on and self.registered_on and self.employed_on < self.registered_on:
            errors["employed_on"] = _("The person cannot start the new job before the case was registered.")
        if self.closed_on and self.registered_on and self.closed_on < self.registered_on:
            errors["closed_on"] = _("A case cannot be closed before it was registered.")
        if self.employed_via_id and self.pk and self.employed_via.case_id != self.pk:
            errors["employed_via"] = _("The help must be one given in this case.")
        if errors:
            raise ValidationError(errors)


@audited()
class ReemploymentHelp(BaseModel):
    """Help given in a case: a job referral, skills training, a placement at a base, or other."""

    case = models.ForeignKey(
        ReemploymentCase, verbose_name=_("re-employment case"), on_delete=models.PROTECT, related_name="helps"
    )
    kind = models.CharField(_("kind of help"), max_length=20, choices=HelpKind.choices)
    given_on = models.DateField(_("given on"), validators=[REEMPLOYMENT_DATE_RANGE])
    base = models.ForeignKey(
        ReemploymentBase,
        verbose_name=_("re-employment base"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("re-employment help")
        verbose_name_plural = _("re-employment help given")
        ordering = ["case", "given_on", "id"]
        indexes = [
            models.Index(fields=["base", "given_on"], name="reemp_help_base_placements"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=HelpKind.values),
                name="%(app_label)s_%(class)s_valid_kind",
                violation_error_message=_("Unknown kind of help."),
            ),
            models.CheckConstraint(
                condition=(Q(kind=HelpKind.BASE) & Q(base__isnull=False))
                | (~Q(kind=HelpKind.BASE) & Q(base__isnull=True)),
                name="%(app_label)s_%(class)s_base_for_placement",
                violation_error_message=_("A placement names its base, and only a placement does."),
            ),
            plausible_date_constraint("given_on", name="%(app_label)s_%(class)s_given_on_plausible"),
        ]

    def __str__(self):
        text = f"{self.given_on:%Y-%m-%d} {self.get_kind_display()}" if self.given_on else self.get_kind_display()
        return f"{text}（{self.base}）" if self.base_id else text

    def get_absolute_url(self):
        return reverse("reemployment:case_detail", kwargs={"pk": self.case_id}) + "#helps"

    def clean(self):
        errors = {}
        if self.kind == HelpKind.BASE and not self.base_id:
            errors["base"] = _("Choose the base the person is placed at.")
        if self.kind != HelpKind.BASE and self.base_id:
            errors["base"] = _("Only a placement at a base names a base.")
        if self.given_on and self.case_id and self.given_on < self.case.registered_on:
            errors["given_on"] = _("Help cannot be given before the case was registered.")
        if errors:
            raise ValidationError(errors)


@audited()
class ReemploymentTarget(BaseModel):
    """A township's target of persons re-employed in a year (set by the county's staff)."""

    township = models.ForeignKey(
        "branches.OrgUnit", verbose_name=_("township"), on_delete=models.PROTECT, related_name="reemployment_targets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    persons = models.PositiveIntegerField(_("target persons"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("re-employment target")
        verbose_name_plural = _("re-employment targets")
        ordering = ["-year", "township__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "year"],
                name="%(app_label)s_%(class)s_one_per_year",
                violation_error_message=_("The township already has a target for this year."),
            ),
            models.CheckConstraint(
                condition=Q(persons__gte=0) & YEAR_RANGE,
                name="%(app_label)s_%(class)s_persons_not_negative",
                violation_error_message=_("A target cannot be negative, and the year lies between 1995 and 2099."),
            ),
        ]

    def __str__(self):
        return f"{self.township} {self.year}年：{self.persons}人"
