"""Hardship aid (困难职工帮扶): the hardship files of members (困难职工档案) with their yearly
reviews (复核) and closing (脱困), the local income threshold per year, the aid given (帮扶记录) and
the campaigns that group a season's aid (2026年送温暖).

A member has at most one open file, and the member's hardship flag (apps.members) follows it: the
services set it when a file is opened and clear it when the file is closed, in the same
transaction. A file's reason, household and income are sensitive personal information (PIPL
art. 28): shown only with the permission `aid.view_hardship_details`, masked otherwise.

Money is Decimal with database constraints; nothing is deleted: a wrong aid record is reversed by
a reversal record (the negative amount, pointing to the original; at most one per original).
Every write goes through apps.aid.services.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.dates import PlausibleDateValidator, plausible_date_constraint
from apps.core.history import audited
from apps.core.models import BaseModel

from .choices import AidKind, ClosingReason, FundSource, HardshipReason, ReviewOutcome

# The county's hardship files date from the 送温暖 work of the 1990s; nothing is entered ahead of
# today (an opening, a review, aid given are facts).
AID_DATE_RANGE = PlausibleDateValidator(earliest=datetime.date(1995, 1, 1), max_days_ahead=0)
# A campaign may be planned ahead: any day the database accepts, from 1995 on.
CAMPAIGN_DATE_RANGE = PlausibleDateValidator(earliest=datetime.date(1995, 1, 1), max_days_ahead=None)
YEAR_RANGE = Q(year__gte=1995) & Q(year__lte=2099)
REVIEW_INTERVAL_DAYS = 365


def _money(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)


def next_review(day: datetime.date) -> datetime.date:
    """The yearly review after `day`: the same day a year later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


@audited()
class HardshipThreshold(BaseModel):
    """The local hardship line (困难职工认定标准): monthly income per head in a county for a year."""

    unit = models.ForeignKey(
        "branches.OrgUnit", verbose_name=_("county"), on_delete=models.PROTECT, related_name="hardship_thresholds"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = _money(_("monthly income per head (yuan)"))

    class Meta:
        verbose_name = _("hardship threshold")
        verbose_name_plural = _("hardship thresholds")
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                name="%(app_label)s_%(class)s_one_per_year",
                violation_error_message=_("The county already has a threshold for this year."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0) & YEAR_RANGE,
                name="%(app_label)s_%(class)s_positive",
                violation_error_message=_("A threshold is above zero, and the year lies between 1995 and 2099."),
            ),
        ]

    def __str__(self):
        return f"{self.unit} {self.year}年：{self.amount}元"


@audited()
class HardshipFile(BaseModel):
    """A member's hardship file (困难职工档案): opened, reviewed every year, closed (脱困)."""

    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="hardship_files"
    )
    # The member's township when the file was opened: who keeps and reviews it.
    township = models.ForeignKey(
        "branches.OrgUnit", verbose_name=_("township"), on_delete=models.PROTECT, related_name="hardship_files"
    )
    reason = models.CharField(_("reason for hardship"), max_length=20, choices=HardshipReason.choices)
    household_size = models.PositiveSmallIntegerField(
        _("household size"), validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    income_per_head = _money(_("monthly income per head (yuan)"), validators=[MinValueValidator(Decimal("0"))])
    opened_on = models.DateField(_("opened on"), validators=[AID_DATE_RANGE])
    review_due_on = models.DateField(_("next review due"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True, validators=[AID_DATE_RANGE])
    close_reason = models.CharField(_("reason for closing"), max_length=20, choices=ClosingReason.choices, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("hardship file")
        verbose_name_plural = _("hardship files")
        ordering = ["-opened_on", "-id"]
        permissions = [("view_hardship_details", _("Can see what a hardship file says"))]
        indexes = [
            models.Index(fields=["-opened_on", "-id"], name="aid_file_list_order"),
            models.Index(fields=["township", "closed_on"], name="aid_file_township_open"),
            models.Index(fields=["review_due_on"], name="aid_file_review_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(closed_on__isnull=True),
                name="%(app_label)s_%(class)s_one_open_per_member",
                violation_error_message=_("This member already has an open hardship file."),
            ),
            models.CheckConstraint(
                condition=Q(reason__in=HardshipReason.values),
                name="%(app_label)s_%(class)s_valid_reason",
                violation_error_message=_("Unknown reason for hardship."),
            ),
            models.CheckConstraint(
                condition=Q(household_size__gte=1) & Q(household_size__lte=50),
                name="%(app_label)s_%(class)s_household_size",
                violation_error_message=_("A household has between 1 and 50 persons."),
            ),
            models.CheckConstraint(
                condition=Q(income_per_head__gte=0),
                name="%(app_label)s_%(class)s_income_not_negative",
                violation_error_message=_("The income per head cannot be negative."),
            ),
            models.CheckConstraint(
                condition=(Q(closed_on__isnull=True) & Q(close_reason=""))
                | (
                    Q(closed_on__isnull=False)
                    & Q(close_reason__in=ClosingReason.values)
                    & Q(closed_on__gte=F("opened_on"))
                ),
                name="%(app_label)s_%(class)s_closed_has_reason",
                violation_error_message=_("A closed file records when and why, not before it was opened."),
            ),
            models.CheckConstraint(
                condition=Q(review_due_on__gt=F("opened_on")),
                name="%(app_label)s_%(class)s_review_after_opening",
                violation_error_message=_("The review falls due after the file was opened."),
            ),
            *(
                plausible_date_constraint(field, name=f"%(app_label)s_%(class)s_{field}_plausible")
                for field in ("opened_on", "review_due_on", "closed_on")
            ),
        ]

    def __str__(self):
        return f"困难职工档案 {self.opened_on:%Y-%m-%d}" if self.opened_on else "困难职工档案"

    def get_absolute_url(self):
        return reverse("aid:file_detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def clean(self):
        errors = {}
        if self.closed_on and self.opened_on and self.closed_on < self.opened_on:
            errors["closed_on"] = _("A file cannot be closed before it was opened.")
        if bool(self.closed_on) != bool(self.close_reason):
            errors["close_reason"] = _("A closed file records the day and the reason for closing.")
        if self.income_per_head is not None and self.income_per_head < 0:
            errors["income_per_head"] = _("The income per head cannot be negative.")
        if errors:
            raise ValidationError(errors)


@audited()
class HardshipReview(BaseModel):
    """The yearly review (复核) of a file: still in hardship (the next review a year on) or closed."""

    file = models.ForeignKey(
        HardshipFile, verbose_name=_("hardship file"), on_delete=models.PROTECT, related_name="reviews"
    )
    reviewed_on = models.DateField(_("reviewed on"), validators=[AID_DATE_RANGE])
    # The review that answered this due date (the reminder's and the indicator's occurrence).
    due_on = models.DateField(_("review due on"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=ReviewOutcome.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("hardship review")
        verbose_name_plural = _("hardship reviews")
        ordering = ["file", "reviewed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=ReviewOutcome.values),
                name="%(app_label)s_%(class)s_valid_outcome",
                violation_error_message=_("Unknown outcome."),
            ),
            plausible_date_constraint("reviewed_on", name="%(app_label)s_%(class)s_reviewed_on_plausible"),
        ]

    def __str__(self):
        return f"{self.reviewed_on:%Y-%m-%d} {self.get_outcome_display()}" if self.reviewed_on else "复核"

    @property
    def on_time(self) -> bool:
        return self.reviewed_on <= self.due_on


@audited()
class AidCampaign(BaseModel):
    """A season's aid (2026年送温暖) run by a county or township union, with its budget."""

    name = models.CharField(_("name"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind of aid"), max_length=20, choices=AidKind.choices)
    unit = models.ForeignKey(
        "branches.OrgUnit", verbose_name=_("organising union"), on_delete=models.PROTECT, related_name="aid_campaigns"
    )
    starts_on = models.DateField(pgettext_lazy("aid campaign", "starts on"), validators=[CAMPAIGN_DATE_RANGE])
    ends_on = models.DateField(pgettext_lazy("aid campaign", "ends on"), validators=[CAMPAIGN_DATE_RANGE])
    budget = _money(_("budget (yuan)"), default=Decimal("0.00"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("aid campaign")
        verbose_name_plural = _("aid campaigns")
        ordering = ["-year", "-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "name"],
                name="%(app_label)s_%(class)s_unique_name",
                violation_error_message=_("A campaign of this name already exists for the year."),
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0) & YEAR_RANGE,
                name="%(app_label)s_%(class)s_budget_not_negative",
                violation_error_message=_("A budget cannot be negative, and the year lies between 1995 and 2099."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="%(app_label)s_%(class)s_period",
                violation_error_message=_("A campaign ends on or after its first day."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=AidKind.values),
                name="%(app_label)s_%(class)s_valid_kind",
                violation_error_message=_("Unknown kind of aid."),
            ),
            *(
                plausible_date_constraint(field, name=f"%(app_label)s_%(class)s_{field}_plausible")
                for field in ("starts_on", "ends_on")
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("aid:campaign_detail", kwargs={"pk": self.pk})

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A campaign ends on or after its first day.")})


@audited()
class AidRecord(BaseModel):
    """Aid given to a member (帮扶记录): money, or goods with their value. Never edited or deleted:
    a wrong record is reversed (a record of the negative amount whose `reverses` is the original)."""

    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="aid_records"
    )
    file = models.ForeignKey(
        HardshipFile,
        verbose_name=_("hardship file"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aid_records",
    )
    # The member's township when the aid was given (the per-township reports).
    township = models.ForeignKey(
        "branches.OrgUnit", verbose_name=_("township"), on_delete=models.PROTECT, related_name="aid_records"
    )
    kind = models.CharField(_("kind of aid"), max_length=20, choices=AidKind.choices)
    amount = _money(_("amount (yuan)"), help_text=_("For goods: their value."))
    goods = models.CharField(_("goods given"), max_length=200, blank=True)
    given_on = models.DateField(_("given on"), validators=[AID_DATE_RANGE])
    fund = models.CharField(pgettext_lazy("aid", "fund"), max_length=20, choices=FundSource.choices)
    approved_by = models.CharField(_("approved by"), max_length=50)
    campaign = models.ForeignKey(
        AidCampaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
    )
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses the record"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("aid record")
        verbose_name_plural = _("aid records")
        ordering = ["-given_on", "-id"]
        indexes = [
            models.Index(fields=["-given_on", "-id"], name="aid_record_list_order"),
            models.Index(fields=["township", "given_on"], name="aid_record_township_day"),
            models.Index(fields=["campaign", "township"], name="aid_record_campaign"),
        ]
        constraints = [
            # An original gives something; a reversal takes it back, says why, and points to it.
            models.CheckConstraint(
                condition=(Q(amount__gt=0) & Q(reverses__isnull=True))
                | (Q(amount__lt=0) & Q(reverses__isnull=False) & ~Q(note="")),
                name="%(app_label)s_%(class)s_amount_sign",
                violation_error_message=_("Aid is a positive amount; only a reversal, with its reason, is negative."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=AidKind.values) & Q(fund__in=FundSource.values),
                name="%(app_label)s_%(class)s_valid_choices",
                violation_error_message=_("Unknown kind of aid or fund."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=AidKind.GOODS) | ~Q(goods=""),
                name="%(app_label)s_%(class)s_goods_described",
                violation_error_message=_("Goods given are described."),
            ),
            models.CheckConstraint(
                condition=~Q(approved_by=""),
                name="%(app_label)s_%(class)s_approved",
                violation_error_message=_("Aid records who approved it."),
            ),
            plausible_date_constraint("given_on", name="%(app_label)s_%(class)s_given_on_plausible"),
        ]

    def __str__(self):
        text = f"{self.given_on:%Y-%m-%d} {self.get_kind_display()}" if self.given_on else self.get_kind_display()
        return f"{text} {self.amount}元"

    def get_absolute_url(self):
        return reverse("aid:record_detail", kwargs={"pk": self.pk})

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    def clean(self):
        errors = {}
        if self.amount is not None and self.reverses_id is None and self.amount <= 0:
            errors["amount"] = _("Enter an amount above 0.00.")
        if self.kind == AidKind.GOODS and not (self.goods or "").strip():
            errors["goods"] = _("Describe the goods given.")
        if self.file_id and self.member_id and self.file.member_id != self.member_id:
            errors["file"] = _("The file must be the member's own.")
        if errors:
            raise ValidationError(errors)
