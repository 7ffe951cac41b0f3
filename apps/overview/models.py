from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.core.history import audited
from apps.core.models import BaseModel

from .choices import RefreshStatus, YearStatus


class UnitSummary(models.Model):
    """The key figures under one org unit (township and above), pre-computed by Celery.

    Counting 15 million members on every page view is what a province cannot afford; the
    home page reads these rows instead, refreshed every few minutes (apps.overview.tasks).
    Derived data: rebuilt from the source tables at every refresh, so it has no history.
    """

    unit = models.OneToOneField(
        "branches.OrgUnit", verbose_name=_("org unit"), on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    members_active = models.PositiveIntegerField(_("members"), default=0)
    members_hardship = models.PositiveIntegerField(_("members in hardship"), default=0)
    unions_approved = models.PositiveIntegerField(_("grassroots unions"), default=0)
    unions_pending = models.PositiveIntegerField(_("unions awaiting approval"), default=0)
    enterprises = models.PositiveIntegerField(_("enterprises counted for the formation rate"), default=0)
    enterprises_unionised = models.PositiveIntegerField(_("enterprises with an approved union"), default=0)
    complaints_open = models.PositiveIntegerField(_("open complaints"), default=0)
    complaints_overdue = models.PositiveIntegerField(_("overdue complaints"), default=0)
    complaints_this_year = models.PositiveIntegerField(_("complaints received this year"), default=0)
    # 职工入会率 as apps.members.selectors.enrolment_aggregate counts it: the plausible unions'
    # members and covered employees, and how many unions were left out (more members than employees).
    enrolment_members = models.PositiveIntegerField(_("members of unions with plausible figures"), default=0)
    enrolment_employees = models.PositiveIntegerField(_("employees covered by those unions"), default=0)
    enrolment_problems = models.PositiveIntegerField(_("unions with more members than employees"), default=0)
    # 集体合同签订率 as apps.contracts.selectors.coverage counts it on the day of the refresh: the
    # unionised enterprises (enterprises_unionised above) covered by a contract in force, and by
    # a wage and a women workers' special contract in force.
    contracts_covered = models.PositiveIntegerField(_("unionised enterprises covered by a contract"), default=0)
    contracts_covered_wage = models.PositiveIntegerField(_("covered by a wage contract"), default=0)
    contracts_covered_women = models.PositiveIntegerField(_("covered by a women workers' contract"), default=0)
    # 经费收缴率 as apps.dues.selectors.finance.collection_counts_by_township counts it for the
    # refresh's year: the union fund due and collected (each entry counted up to its due).
    funds_due = models.DecimalField(_("union fund due this year"), max_digits=16, decimal_places=2, default=0)
    funds_counted = models.DecimalField(_("union fund collected this year"), max_digits=16, decimal_places=2, default=0)
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("unit summary")
        verbose_name_plural = _("unit summaries")
        constraints = [
            models.CheckConstraint(
                condition=Q(members_hardship__lte=F("members_active")),
                name="overview_summary_hardship_within_members",
            ),
            models.CheckConstraint(
                condition=Q(enterprises_unionised__lte=F("enterprises")),
                name="overview_summary_unionised_within_enterprises",
            ),
            models.CheckConstraint(
                condition=Q(complaints_overdue__lte=F("complaints_open")),
                name="overview_summary_overdue_within_open",
            ),
            models.CheckConstraint(
                condition=Q(enrolment_members__lte=F("enrolment_employees")),
                name="overview_summary_enrolment_plausible",
            ),
            models.CheckConstraint(
                condition=Q(funds_counted__gte=0, funds_counted__lte=F("funds_due")),
                name="overview_summary_funds_counted_within_due",
            ),
        ]

    def __str__(self):
        return f"{self.unit_id} @ {self.refreshed_at:%Y-%m-%d %H:%M}"

    @property
    def formation_rate(self):
        return self.enterprises_unionised / self.enterprises if self.enterprises else None

    @property
    def coverage_rate(self):
        return self.contracts_covered / self.enterprises_unionised if self.enterprises_unionised else None

    @property
    def enrolment_rate(self):
        return self.enrolment_members / self.enrolment_employees if self.enrolment_employees else None

    def indicator_counts(self) -> dict:
        """The pre-computed totals the registered indicators build their rates from (apps.core.indicators)."""
        return {
            "branches.formation_rate": {"total": self.enterprises, "unionised": self.enterprises_unionised},
            "members.enrolment_rate": {
                "members": self.enrolment_members,
                "employees": self.enrolment_employees,
                "problems": self.enrolment_problems,
            },
            "contracts.coverage": {"unionised": self.enterprises_unionised, "covered": self.contracts_covered},
            "dues.collection_rate": {"due": self.funds_due, "counted": self.funds_counted},
        }


# ---------------------------------------------------------------------------------------------
# The county assessment (年终考核): the scheme each year is scored by (data the county edits),
# the yearly snapshot of every scheme indicator per township, and the three scores.
# Every write goes through apps.overview.services.assessment; a locked year never changes (the
# services refuse, and a trigger refuses any write to a locked year's snapshots and scores).
# ---------------------------------------------------------------------------------------------

ASSESSMENT_YEAR_RANGE = Q(year__gte=2000) & Q(year__lte=2099)
POINTS = {"max_digits": 5, "decimal_places": 2}
LOCKED_MESSAGE = "该年度考核已锁定，不能再修改。"


def locked_year_guard(name: str) -> pgtrigger.Trigger:
    """A row trigger refusing any insert, update or delete of a row of a locked year."""
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
        level=pgtrigger.Row,
        declare=[("checked_year", "integer")],
        func=(
            "IF TG_OP = 'DELETE' THEN checked_year := OLD.year; ELSE checked_year := NEW.year; END IF; "
            "IF EXISTS (SELECT 1 FROM overview_assessmentyear WHERE year = checked_year AND status = 'locked') "
            "THEN RAISE EXCEPTION 'assessment year % is locked', checked_year USING ERRCODE = 'check_violation'; "
            "END IF; "
            "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW;"
        ),
    )


def check_indicator_key(key: str) -> None:
    from apps.core.indicators import registered_indicators

    if key not in {item.key for item in registered_indicators()}:
        raise ValidationError({"indicator_key": _("No indicator of this key is registered.")})


def indicator_key_choices():
    from apps.core.indicators import registered_indicators

    return [(item.key, f"{item.label}（{item.key}）") for item in registered_indicators()]


@audited()
class ScoringScheme(BaseModel):
    """The scoring rules of one assessment year (one per year), edited by county staff."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    target_total = models.DecimalField(_("target total"), null=True, blank=True, **POINTS)

    class Meta:
        verbose_name = _("scoring scheme")
        verbose_name_plural = _("scoring schemes")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=ASSESSMENT_YEAR_RANGE,
                name="%(app_label)s_%(class)s_valid_year",
                violation_error_message=_("The year lies between 2000 and 2099."),
            ),
        ]

    def __str__(self):
        return self.name or f"{self.year}年考核细则"

    @property
    def max_total(self):
        return sum((item.max_points for item in self.items.all()), Decimal(0))


@audited()
class SchemeItem(BaseModel):
    """One indicator of a scheme: its maximum points and its order in the table."""

    scheme = models.ForeignKey(
        ScoringScheme, verbose_name=_("scoring scheme"), on_delete=models.CASCADE, related_name="items"
    )
    indicator_key = models.CharField(_("indicator"), max_length=80)
    max_points = models.DecimalField(_("maximum points"), **POINTS)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("scheme item")
        verbose_name_plural = _("scheme items")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "indicator_key"],
                name="%(app_label)s_%(class)s_one_per_indicator",
                violation_error_message=_("The scheme already scores this indicator."),
            ),
            models.CheckConstraint(
                condition=Q(max_points__gt=0),
                name="%(app_label)s_%(class)s_max_points_positive",
                violation_error_message=_("The maximum points must be above zero."),
            ),
        ]

    def __str__(self):
        return f"{self.scheme.year} {self.indicator_key}"

    def clean(self):
        check_indicator_key(self.indicator_key)

    @property
    def indicator(self):
        from apps.core.indicators import registered_indicators

        return next((item for item in registered_indicators() if item.key == self.indicator_key), None)


@audited()
class ScoreBand(BaseModel):
    """A step of an item: the highest threshold the rate reaches gives its points."""

    item = models.ForeignKey(SchemeItem, verbose_name=_("scheme item"), on_delete=models.CASCADE, related_name="bands")
    threshold = models.DecimalField(_("rate threshold (%)"), max_digits=6, decimal_places=2)
    points = models.DecimalField(_("points"), **POINTS)

    class Meta:
        verbose_name = _("score band")
        verbose_name_plural = _("score bands")
        ordering = ["-threshold"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "threshold"],
                name="%(app_label)s_%(class)s_unique_threshold",
                violation_error_message=_("The item already has a band at this threshold."),
            ),
            models.CheckConstraint(
                condition=Q(points__gte=0) & Q(threshold__gte=0),
                name="%(app_label)s_%(class)s_not_negative",
                violation_error_message=_("Points and thresholds cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"≥{self.threshold}% → {self.points}"

    def clean(self):
        if self.item_id and self.points is not None and self.points > self.item.max_points:
            raise ValidationError({"points": _("The points cannot exceed the item's maximum.")})


@audited()
class Deduction(BaseModel):
    """Points taken off an item for each missing thing: counted from an indicator (its
    denominator − numerator) or entered by the county per township."""

    item = models.ForeignKey(
        SchemeItem, verbose_name=_("scheme item"), on_delete=models.CASCADE, related_name="deductions"
    )
    label = models.CharField(_("label"), max_length=100)
    points_each = models.DecimalField(_("points per count"), **POINTS)
    indicator_key = models.CharField(
        _("counted from indicator"),
        max_length=80,
        blank=True,
        help_text=_("Leave empty for a count the county enters per township."),
    )

    class Meta:
        verbose_name = _("deduction")
        verbose_name_plural = _("deductions")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(points_each__gt=0),
                name="%(app_label)s_%(class)s_points_positive",
                violation_error_message=_("The points per count must be above zero."),
            ),
        ]

    def __str__(self):
        return self.label

    def clean(self):
        if self.indicator_key:
            check_indicator_key(self.indicator_key)


@audited()
class VetoItem(BaseModel):
    """一票否决: an event that zeroes a township's total (entered by county staff per township)."""

    scheme = models.ForeignKey(
        ScoringScheme, verbose_name=_("scoring scheme"), on_delete=models.CASCADE, related_name="vetoes"
    )
    label = models.CharField(_("label"), max_length=100)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("veto item")
        verbose_name_plural = _("veto items")
        ordering = ["id"]

    def __str__(self):
        return self.label


@audited()
class AssessmentYear(BaseModel):
    """An assessment year: open (figures refresh, scores change) or locked (final, never changes)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    status = models.CharField(_("status"), max_length=10, choices=YearStatus.choices, default=YearStatus.OPEN)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("locked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("assessment year")
        verbose_name_plural = _("assessment years")
        ordering = ["-year"]
        permissions = [
            ("view_county_assessment", _("Can see every township's assessment")),
            ("manage_assessment", _("Can edit the scheme, score and lock the assessment")),
            ("self_assess", _("Can enter the township's self-assessment")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=YearStatus.values) & ASSESSMENT_YEAR_RANGE,
                name="%(app_label)s_%(class)s_valid",
                violation_error_message=_("Unknown status, or a year outside 2000 to 2099."),
            ),
            models.CheckConstraint(
                condition=Q(status=YearStatus.OPEN) | Q(locked_at__isnull=False),
                name="%(app_label)s_%(class)s_locked_has_time",
                violation_error_message=_("A locked year records when it was locked."),
            ),
        ]

    def __str__(self):
        return f"{self.year}年度考核"

    @property
    def locked(self) -> bool:
        return self.status == YearStatus.LOCKED


class IndicatorSnapshot(models.Model):
    """One scheme indicator of one township in one year, as counted at `counted_at`.

    Derived data, rebuilt at every refresh of an open year (so it has no history); a locked
    year's rows never change (trigger).
    """

    year = models.PositiveSmallIntegerField(_("year"))
    township = models.ForeignKey(
        "branches.OrgUnit", verbose_name=_("township"), on_delete=models.CASCADE, related_name="+"
    )
    indicator_key = models.CharField(_("indicator"), max_length=80)
    numerator = models.PositiveIntegerField(_("numerator"), default=0)
    denominator = models.PositiveIntegerField(_("denominator"), default=0)
    numerator_label = models.CharField(_("numerator label"), max_length=100, blank=True)
    denominator_label = models.CharField(_("denominator label"), max_length=100, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    numerator_url = models.CharField(_("numerator list"), max_length=500, blank=True)
    denominator_url = models.CharField(_("denominator list"), max_length=500, blank=True)
    counted_at = models.DateTimeField(_("counted at"))

    class Meta:
        verbose_name = _("indicator snapshot")
        verbose_name_plural = _("indicator snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "township", "indicator_key"], name="%(app_label)s_%(class)s_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(numerator__gte=0) & Q(denominator__gte=0), name="%(app_label)s_%(class)s_not_negative"
            ),
        ]
        triggers = [locked_year_guard("overview_snapshot_locked_year")]

    def __str__(self):
        return f"{self.year} {self.township_id} {self.indicator_key}: {self.numerator}/{self.denominator}"

    @property
    def rate(self):
        from apps.core.indicators import Rate

        return Rate(numerator=self.numerator, denominator=self.denominator)


@audited()
class TownshipScore(BaseModel):
    """The three scores of one township on one indicator: computed, self-assessed (自评), final (县评定)."""

    year = models.PositiveSmallIntegerField(_("year"))
    township = models.ForeignKey(
        "branches.OrgUnit", verbose_name=_("township"), on_delete=models.CASCADE, related_name="+"
    )
    indicator_key = models.CharField(_("indicator"), max_length=80)
    computed_points = models.DecimalField(_("computed points"), default=0, **POINTS)
    self_points = models.DecimalField(_("self-assessed points"), null=True, blank=True, **POINTS)
    self_note = models.TextField(_("self-assessment note"), blank=True)
    final_points = models.DecimalField(_("final points"), null=True, blank=True, **POINTS)
    final_note = models.TextField(_("county's note"), blank=True)

    class Meta:
        verbose_name = _("township score")
        verbose_name_plural = _("township scores")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "township", "indicator_key"], name="%(app_label)s_%(class)s_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(computed_points__gte=0)
                & (Q(self_points__isnull=True) | Q(self_points__gte=0))
                & (Q(final_points__isnull=True) | Q(final_points__gte=0)),
                name="%(app_label)s_%(class)s_points_not_negative",
                violation_error_message=_("Points cannot be negative."),
            ),
        ]
        triggers = [locked_year_guard("overview_score_locked_year")]

    def __str__(self):
        return f"{self.year} {self.township_id} {self.indicator_key}"


@audited()
class TownshipVeto(BaseModel):
    """A veto item recorded against a township for a year: its total is 0."""

    year = models.PositiveSmallIntegerField(_("year"))
    township = models.ForeignKey(
        "branches.OrgUnit", verbose_name=_("township"), on_delete=models.CASCADE, related_name="+"
    )
    veto = models.ForeignKey(VetoItem, verbose_name=_("veto item"), on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("township veto")
        verbose_name_plural = _("township vetoes")
        constraints = [
            models.UniqueConstraint(fields=["year", "township", "veto"], name="%(app_label)s_%(class)s_once"),
        ]
        triggers = [locked_year_guard("overview_veto_locked_year")]

    def __str__(self):
        return f"{self.year} {self.township_id} {self.veto_id}"


@audited()
class TownshipDeduction(BaseModel):
    """The count the county entered for a deduction not counted from an indicator."""

    year = models.PositiveSmallIntegerField(_("year"))
    township = models.ForeignKey(
        "branches.OrgUnit", verbose_name=_("township"), on_delete=models.CASCADE, related_name="+"
    )
    deduction = models.ForeignKey(Deduction, verbose_name=_("deduction"), on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("township deduction")
        verbose_name_plural = _("township deductions")
        constraints = [
            models.UniqueConstraint(fields=["year", "township", "deduction"], name="%(app_label)s_%(class)s_once"),
        ]
        triggers = [locked_year_guard("overview_deduction_locked_year")]

    def __str__(self):
        return f"{self.year} {self.township_id} {self.deduction_id}: {self.count}"


class AssessmentRefresh(BaseModel):
    """A refresh of a year's snapshots asked for by county staff, run by Celery with progress
    (apps.core.jobs: claimed once, swept when lost, so it always ends done or failed)."""

    year = models.PositiveSmallIntegerField(_("year"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=RefreshStatus.choices, default=RefreshStatus.PENDING)
    # The requester's area (an org-unit path prefix, "" for everything), fixed when the job is
    # asked for: what it counts does not change if the requester's unit changes meanwhile.
    area_path = models.CharField(_("area"), max_length=255, blank=True, editable=False)
    total = models.PositiveIntegerField(_("townships"), default=0)
    processed = models.PositiveIntegerField(_("townships counted"), default=0)
    error = models.TextField(_("error"), blank=True)
    retryable = models.BooleanField(_("can be retried"), default=False, editable=False)
    task_id = models.CharField(_("task id"), max_length=64, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assessment refresh")
        verbose_name_plural = _("assessment refreshes")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RefreshStatus.values), name="%(app_label)s_%(class)s_valid_status"
            ),
        ]

    def __str__(self):
        return f"{self.year} #{self.pk}"

    @property
    def percent(self) -> int:
        return min(100, self.processed * 100 // self.total) if self.total else 0
