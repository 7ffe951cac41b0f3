"""Collective contracts (集体合同): the contract, its timeline, its documents and the rules it runs by.

The statutory clock's numbers are data (`RuleProfile`), chosen per county; a contract keeps the
profile it was bargained under, so a later change of rules never rewrites a past clock. The
contract row holds where the clock stands (dates the sweep and the lists read, indexed); the
timeline (`ContractStep`) holds each dated step, who recorded it and its details. Both are
written together by the services (apps.contracts.services), never one without the other.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.dates import PlausibleDateValidator, plausible_date_constraint
from apps.core.history import audited
from apps.core.imports import ImportJob
from apps.core.models import BaseModel

from . import clock
from .choices import (
    MULTI_ENTERPRISE_SCOPES,
    ContractKind,
    ContractScope,
    ContractStatus,
    DocumentKind,
    Party,
    StepKind,
    VoteBody,
    WageAreaClass,
)

# Collective contracts in today's sense start with the Labour Law (劳动法, 1995) and the first
# 集体合同规定 (1994): no step of a contract is dated before 1994. Steps are recorded as they
# happen, so none lies in the future; a term may start up to a year ahead (signed in advance)
# and end up to the database window's end.
STEP_RANGE = PlausibleDateValidator(earliest=datetime.date(1994, 1, 1), max_days_ahead=0)
TERM_START_RANGE = PlausibleDateValidator(earliest=datetime.date(1994, 1, 1), max_days_ahead=366)
TERM_END_RANGE = PlausibleDateValidator(earliest=datetime.date(1994, 1, 1))

CONTRACT_DATE_FIELDS = (
    "requested_on",
    "answer_due_on",
    "answered_on",
    "signed_on",
    "send_due_on",
    "sent_on",
    "received_on",
    "review_ends_on",
    "in_force_on",
    "term_start",
    "term_end",
    "renewal_requested_on",
    "ended_on",
)


@audited()
class RuleProfile(BaseModel):
    """The periods and thresholds of the collective-bargaining rules one county follows.

    The default is the national 集体合同规定 (劳动和社会保障部令第22号, 2004); a province that
    adopts its own regulation (e.g. Jiangsu's 集体协商条例) gets a profile of its own, assigned
    to its units. Fractions are kept as numerator and denominator so 2/3 stays exact.
    """

    name = models.CharField(_("name"), max_length=100)
    document_number = models.CharField(_("document number"), max_length=100)
    effective_from = models.DateField(_("in effect from"))
    answer_days = models.PositiveSmallIntegerField(
        _("days to answer a bargaining request"), default=20, help_text=_("集体合同规定 art. 32: 20 days.")
    )
    quorum_numerator = models.PositiveSmallIntegerField(_("quorum (numerator)"), default=2)
    quorum_denominator = models.PositiveSmallIntegerField(_("quorum (denominator)"), default=3)
    majority_numerator = models.PositiveSmallIntegerField(_("majority (numerator)"), default=1)
    majority_denominator = models.PositiveSmallIntegerField(_("majority (denominator)"), default=2)
    thresholds_inclusive = models.BooleanField(
        _("thresholds include the number itself"),
        default=True,
        help_text=_("以上 includes the number itself: exactly two thirds present, exactly half in favour pass."),
    )
    send_days = models.PositiveSmallIntegerField(
        _("days to send a signed contract for review"), default=10, help_text=_("集体合同规定 art. 42: 10 days.")
    )
    review_days = models.PositiveSmallIntegerField(
        _("days the labour administration has to object"), default=15, help_text=_("集体合同规定 art. 47: 15 days.")
    )
    renewal_window_months = models.PositiveSmallIntegerField(
        _("months before expiry in which renewal may be asked"), default=3, help_text=_("集体合同规定 art. 38.")
    )
    term_min_months = models.PositiveSmallIntegerField(_("shortest usual term (months)"), default=12)
    term_max_months = models.PositiveSmallIntegerField(_("longest usual term (months)"), default=36)
    is_default = models.BooleanField(
        _("default profile"), default=False, help_text=_("Used where no profile is assigned to a unit above.")
    )
    units = models.ManyToManyField(
        "branches.OrgUnit",
        verbose_name=_("applies to"),
        blank=True,
        related_name="+",
        help_text=_("Provinces or counties that follow this profile; the nearest one above a union decides."),
    )
    notes = models.TextField(_("notes"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("bargaining rule profile")
        verbose_name_plural = _("bargaining rule profiles")
        ordering = ["-is_default", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="contracts_ruleprofile_one_default",
                violation_error_message=_("Only one profile can be the default."),
            ),
            models.CheckConstraint(
                condition=Q(quorum_denominator__gt=0)
                & Q(majority_denominator__gt=0)
                & Q(quorum_numerator__gt=0)
                & Q(majority_numerator__gt=0)
                & Q(quorum_numerator__lte=models.F("quorum_denominator"))
                & Q(majority_numerator__lte=models.F("majority_denominator")),
                name="contracts_ruleprofile_fractions",
                violation_error_message=_("A quorum or majority is a fraction between 0 and 1."),
            ),
            models.CheckConstraint(
                condition=Q(answer_days__gt=0) & Q(send_days__gt=0) & Q(review_days__gt=0),
                name="contracts_ruleprofile_periods",
                violation_error_message=_("Every period is at least one day."),
            ),
            models.CheckConstraint(
                condition=Q(term_min_months__gt=0) & Q(term_min_months__lte=models.F("term_max_months")),
                name="contracts_ruleprofile_term_range",
                violation_error_message=_("The shortest term cannot exceed the longest."),
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.document_number}）"


@audited()
class WageArea(BaseModel):
    """Which class of the province's minimum-wage table a county (or city) belongs to."""

    unit = models.OneToOneField("branches.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    area_class = models.CharField(_("area class"), max_length=2, choices=WageAreaClass.choices)

    class Meta:
        verbose_name = _("minimum-wage area")
        verbose_name_plural = _("minimum-wage areas")
        constraints = [
            models.CheckConstraint(
                condition=Q(area_class__in=WageAreaClass.values),
                name="contracts_wagearea_valid_class",
                violation_error_message=_("Unknown area class."),
            )
        ]

    def __str__(self):
        return f"{self.unit}：{self.get_area_class_display()}"


@audited()
class MinimumWage(BaseModel):
    """The local monthly minimum wage of a year and area class (最低工资标准), editable in admin."""

    year = models.PositiveSmallIntegerField(_("year"))
    area_class = models.CharField(_("area class"), max_length=2, choices=WageAreaClass.choices)
    monthly = models.DecimalField(_("monthly minimum wage (yuan)"), max_digits=10, decimal_places=2)
    hourly = models.DecimalField(_("hourly minimum wage (yuan)"), max_digits=8, decimal_places=2, null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True, help_text=_("The document that set it."))

    class Meta:
        verbose_name = _("minimum wage")
        verbose_name_plural = _("minimum wages")
        ordering = ["-year", "area_class"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "area_class"],
                name="contracts_minimumwage_one_per_year_and_class",
                violation_error_message=_("This year and area class already has a minimum wage."),
            ),
            models.CheckConstraint(
                condition=Q(monthly__gt=0) & (Q(hourly__isnull=True) | Q(hourly__gt=0)),
                name="contracts_minimumwage_positive",
                violation_error_message=_("A minimum wage is more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1994) & Q(year__lte=2099),
                name="contracts_minimumwage_year_plausible",
                violation_error_message=_("The year must lie between 1994 and 2099."),
            ),
            models.CheckConstraint(
                condition=Q(area_class__in=WageAreaClass.values),
                name="contracts_minimumwage_valid_class",
                violation_error_message=_("Unknown area class."),
            ),
        ]

    def __str__(self):
        return f"{self.year}年{self.get_area_class_display()} {self.monthly}元/月"


class ContractQuerySet(models.QuerySet):
    def in_force_on(self, day: datetime.date):
        """Contracts in force on `day`: taken effect, term not over, not replaced or closed by then."""
        return self.filter(contract_in_force_on(day))


def contract_in_force_on(day: datetime.date, prefix: str = "") -> Q:
    """The one rule for "in force on a day", as a Q (prefix "contract__" from a coverage row)."""
    p = prefix
    return (
        Q(**{f"{p}in_force_on__lte": day, f"{p}term_end__gte": day})
        & (Q(**{f"{p}ended_on__isnull": True}) | Q(**{f"{p}ended_on__gte": day}))
        & ~Q(**{f"{p}status": ContractStatus.CLOSED})
    )


@audited()
class Contract(BaseModel):
    """One collective contract (集体合同), from the bargaining request to its expiry or renewal."""

    number = models.CharField(_("contract number"), max_length=30, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=ContractKind.choices)
    scope = models.CharField(_("scope"), max_length=20, choices=ContractScope.choices)
    rule_profile = models.ForeignKey(
        RuleProfile, verbose_name=_("bargaining rules"), on_delete=models.PROTECT, related_name="contracts"
    )
    # The workers' side: the union that bargains and signs (an enterprise union, a regional or
    # industry union, or the township union itself for a regional contract).
    union = models.ForeignKey(
        "branches.OrgUnit", verbose_name=_("signing union"), on_delete=models.PROTECT, related_name="contracts"
    )
    # The township the union belongs to (derived by the service, `rules.township_of`): a chair's
    # scope and the coverage page's rows. Empty for a union above the townships (a county-wide
    # industry union), whose contracts county staff keep.
    township = models.ForeignKey(
        "branches.OrgUnit",
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The employer side: the enterprise (an enterprise contract), or the employers'
    # representative (a regional or industry contract, e.g. the township's enterprise association).
    enterprise = models.ForeignKey(
        "branches.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
    )
    employer_representative = models.CharField(_("employers' representative"), max_length=200, blank=True)
    workers_negotiator = models.CharField(_("workers' chief negotiator"), max_length=50, blank=True)
    employer_negotiator = models.CharField(_("employer's chief negotiator"), max_length=50, blank=True)
    covered_enterprises = models.ManyToManyField(
        "branches.Enterprise",
        through="ContractCoverage",
        verbose_name=_("enterprises covered"),
        related_name="covering_contracts",
    )
    # Counted from the covered enterprises' employees when the coverage is set; a number
    # typed instead carries its reason (workers_covered_reason not empty = overridden).
    workers_covered = models.PositiveIntegerField(_("workers covered"), default=0)
    workers_covered_reason = models.CharField(
        _("why the number of workers covered differs"), max_length=300, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ContractStatus.choices, default=ContractStatus.REQUESTED
    )

    # The clock, as it stands (each date also a step on the timeline).
    requested_by = models.CharField(pgettext_lazy("contract", "requested by"), max_length=20, choices=Party.choices)
    requested_on = models.DateField(_("request received on"), validators=[STEP_RANGE])
    answer_due_on = models.DateField(pgettext_lazy("contract", "answer due by"), editable=False)
    answered_on = models.DateField(_("answered on"), null=True, blank=True, validators=[STEP_RANGE])
    signed_on = models.DateField(_("signed on"), null=True, blank=True, validators=[STEP_RANGE])
    send_due_on = models.DateField(_("to be sent by"), null=True, blank=True, editable=False)
    sent_on = models.DateField(_("sent on"), null=True, blank=True, validators=[STEP_RANGE])
    received_on = models.DateField(
        _("received by the administration on"), null=True, blank=True, validators=[STEP_RANGE]
    )
    # The last day the administration may object; in force the day after without an objection.
    review_ends_on = models.DateField(_("review ends on"), null=True, blank=True, editable=False)
    in_force_on = models.DateField(_("in force from"), null=True, blank=True, validators=[STEP_RANGE])

    # What the county reads.
    term_start = models.DateField(
        pgettext_lazy("contract", "term starts"), null=True, blank=True, validators=[TERM_START_RANGE]
    )
    term_end = models.DateField(
        pgettext_lazy("contract", "term ends"), null=True, blank=True, validators=[TERM_END_RANGE]
    )
    term_reason = models.CharField(_("why the term is outside the usual range"), max_length=300, blank=True)
    wage_increase_percent = models.DecimalField(
        _("wage increase (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    minimum_wage = models.DecimalField(
        _("minimum wage agreed (yuan a month)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    working_hours = models.CharField(_("working hours"), max_length=200, blank=True)
    women_protections = models.TextField(_("special protections for women workers"), blank=True, max_length=5000)
    main_terms = models.TextField(_("main terms"), blank=True, max_length=5000)

    # Renewal (art. 38): the contract this one renews, so a chain of renewals reads back.
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("renews"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewal",
    )
    renewal_requested_on = models.DateField(_("renewal requested on"), null=True, blank=True, validators=[STEP_RANGE])
    # The last day in force when it ended before its term (replaced early), or its term's end.
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    closed_reason = models.CharField(_("why it was closed"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("collective contract")
        verbose_name_plural = _("collective contracts")
        ordering = ["-requested_on", "-id"]
        indexes = [
            models.Index(fields=["township", "status"], name="contracts_township_status"),
            models.Index(fields=["union", "status"], name="contracts_union_status"),
            # The sweep's due sets (apps.contracts.services.sweep), each a small partial index:
            # at province scale "nothing due" reads a few index pages.
            models.Index(
                fields=["answer_due_on"],
                condition=Q(status=ContractStatus.REQUESTED, answered_on__isnull=True),
                name="contracts_awaiting_answer",
            ),
            models.Index(
                fields=["send_due_on"],
                condition=Q(status=ContractStatus.SIGNED, sent_on__isnull=True),
                name="contracts_awaiting_sending",
            ),
            models.Index(
                fields=["review_ends_on"],
                condition=Q(status=ContractStatus.SUBMITTED, review_ends_on__isnull=False),
                name="contracts_under_review",
            ),
            models.Index(
                fields=["term_end"], condition=Q(status=ContractStatus.IN_FORCE), name="contracts_in_force_term_end"
            ),
            models.Index(fields=["-requested_on", "-id"], name="contracts_list_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ContractKind.values),
                name="contracts_contract_valid_kind",
                violation_error_message=_("Unknown kind of contract."),
            ),
            models.CheckConstraint(
                condition=Q(scope__in=ContractScope.values),
                name="contracts_contract_valid_scope",
                violation_error_message=_("Unknown scope of contract."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=ContractStatus.values),
                name="contracts_contract_valid_status",
                violation_error_message=_("Unknown contract status."),
            ),
            models.CheckConstraint(
                condition=Q(requested_by__in=Party.values),
                name="contracts_contract_valid_requested_by",
                violation_error_message=_("A request comes from the workers' or the employer's side."),
            ),
            # An enterprise contract names its one enterprise; a regional or industry contract
            # names the employers' representative instead (its enterprises are coverage rows).
            models.CheckConstraint(
                condition=(Q(scope=ContractScope.ENTERPRISE) & Q(enterprise__isnull=False))
                | (~Q(scope=ContractScope.ENTERPRISE) & Q(enterprise__isnull=True) & ~Q(employer_representative="")),
                name="contracts_contract_scope_parties",
                violation_error_message=_(
                    "An enterprise contract names its enterprise; a regional or industry contract names the "
                    "employers' representative."
                ),
            ),
            models.CheckConstraint(
                condition=Q(term_start__isnull=True)
                | Q(term_end__isnull=True)
                | Q(term_end__gt=models.F("term_start")),
                name="contracts_contract_term_end_after_start",
                violation_error_message=_("The term must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(answer_due_on__gt=models.F("requested_on")),
                name="contracts_contract_answer_due_after_request",
                violation_error_message=_("The answer is due after the request."),
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{later}__isnull": True})
                    | Q(**{f"{earlier}__isnull": True})
                    | Q(**{f"{later}__gte": models.F(earlier)}),
                    name=f"contracts_contract_{later}_after_{earlier}",
                    violation_error_message=message,
                )
                for earlier, later, message in (
                    ("requested_on", "answered_on", _("The answer cannot come before the request.")),
                    ("requested_on", "signed_on", _("A contract cannot be signed before bargaining was requested.")),
                    ("signed_on", "sent_on", _("A contract cannot be sent before it is signed.")),
                    ("sent_on", "received_on", _("The administration cannot receive it before it was sent.")),
                    ("signed_on", "in_force_on", _("A contract cannot take effect before it is signed.")),
                )
            ),
            models.CheckConstraint(
                condition=Q(status__in=[ContractStatus.REQUESTED, ContractStatus.NEGOTIATING, ContractStatus.PASSED])
                | Q(status=ContractStatus.CLOSED)
                | Q(signed_on__isnull=False, term_start__isnull=False, term_end__isnull=False),
                name="contracts_contract_signed_has_date_and_term",
                violation_error_message=_("A signed contract records when it was signed and its term."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[ContractStatus.IN_FORCE, ContractStatus.EXPIRED, ContractStatus.RENEWED])
                | Q(in_force_on__isnull=False),
                name="contracts_contract_in_force_has_date",
                violation_error_message=_("A contract in force records the day it took effect."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ContractStatus.CLOSED) | ~Q(closed_reason=""),
                name="contracts_contract_closed_has_reason",
                violation_error_message=_("A closed contract says why."),
            ),
            models.CheckConstraint(
                condition=Q(wage_increase_percent__isnull=True)
                | Q(wage_increase_percent__gte=0, wage_increase_percent__lte=100),
                name="contracts_contract_wage_increase_range",
                violation_error_message=_("The wage increase is a percentage between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(minimum_wage__isnull=True) | Q(minimum_wage__gt=0),
                name="contracts_contract_minimum_wage_positive",
                violation_error_message=_("The minimum wage agreed is more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(replaces__isnull=True) | ~Q(replaces=models.F("pk")),
                name="contracts_contract_not_its_own_renewal",
                violation_error_message=_("A contract cannot renew itself."),
            ),
            *(
                plausible_date_constraint(field, name=f"%(app_label)s_%(class)s_{field}_plausible")
                for field in CONTRACT_DATE_FIELDS
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.parties_label}{self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("contracts:contract_detail", kwargs={"pk": self.pk})

    @property
    def parties_label(self) -> str:
        """The employer side as the county names a contract: the enterprise, or the representative."""
        if self.scope == ContractScope.ENTERPRISE and self.enterprise_id:
            return self.enterprise.name
        return self.employer_representative

    @property
    def is_multi_enterprise(self) -> bool:
        return self.scope in MULTI_ENTERPRISE_SCOPES

    @property
    def workers_covered_overridden(self) -> bool:
        return bool(self.workers_covered_reason)

    def clean(self):
        super().clean()
        errors = {}
        if self.scope == ContractScope.ENTERPRISE:
            if not self.enterprise_id:
                errors["enterprise"] = "企业集体合同请选择签订合同的企业。"
        elif self.scope in MULTI_ENTERPRISE_SCOPES:
            if self.enterprise_id:
                errors["enterprise"] = "区域性、行业性集体合同不填单个企业，请在“覆盖企业”中列出所覆盖的企业。"
            if not self.employer_representative.strip():
                errors["employer_representative"] = "区域性、行业性集体合同请填写企业方代表（如企业联合会、行业协会）。"
        if self.term_start and self.term_end:
            if self.term_end <= self.term_start:
                errors["term_end"] = "合同期限的终止日期应晚于起始日期。"
            elif self.rule_profile_id:
                problem = clock.term_problem(self.term_start, self.term_end, self.rule_profile)
                if problem and not self.term_reason.strip():
                    errors["term_reason"] = problem + "如确需如此，请写明理由。"
        if self.workers_covered_reason and not self.workers_covered_reason.strip():
            errors["workers_covered_reason"] = "请写明覆盖职工人数与企业登记人数不同的理由。"
        if errors:
            raise ValidationError(errors)

    @property
    def term_months(self) -> int | None:
        if self.term_start and self.term_end:
            return clock.term_months(self.term_start, self.term_end)
        return None

    @property
    def term_flagged(self) -> bool:
        """The term lies outside the profile's usual range (一般为1至3年); its reason says why."""
        if not (self.term_start and self.term_end and self.rule_profile_id):
            return False
        return clock.term_problem(self.term_start, self.term_end, self.rule_profile) is not None


@audited()
class ContractCoverage(models.Model):
    """An enterprise a contract covers. An enterprise contract has exactly its own enterprise
    (a trigger refuses any other, see migration 0002); a regional or industry contract many."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="coverage"
    )
    enterprise = models.ForeignKey(
        "branches.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="contract_coverage"
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enterprise covered")
        verbose_name_plural = _("enterprises covered")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "enterprise"],
                name="contracts_contractcoverage_once_per_contract",
                violation_error_message=_("This enterprise is already covered by the contract."),
            )
        ]
        indexes = [models.Index(fields=["enterprise", "contract"], name="contracts_coverage_enterprise")]

    def __str__(self):
        return f"{self.contract.number} → {self.enterprise}"


@audited()
class ContractStep(models.Model):
    """One dated step of a contract's timeline: what happened, on which day, recorded by whom."""

    contract = models.ForeignKey(Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(_("step"), max_length=20, choices=StepKind.choices)
    happened_on = models.DateField(_("date"), validators=[STEP_RANGE])
    party = models.CharField(_("side"), max_length=20, choices=Party.choices, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=5000)
    # A vote on the draft (art. 36): who voted, how many in all, present and in favour, and
    # the verdict under the contract's rule profile (clock.vote_passes).
    vote_body = models.CharField(_("voted by"), max_length=20, choices=VoteBody.choices, blank=True)
    voters_total = models.PositiveIntegerField(_("delegates (or workers) in all"), null=True, blank=True)
    voters_present = models.PositiveIntegerField(_("present"), null=True, blank=True)
    votes_in_favour = models.PositiveIntegerField(_("in favour"), null=True, blank=True)
    vote_passed = models.BooleanField(_("passed"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contract step")
        verbose_name_plural = _("contract steps")
        ordering = ["happened_on", "recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=StepKind.values),
                name="contracts_contractstep_valid_kind",
                violation_error_message=_("Unknown step."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=StepKind.VOTE)
                | Q(
                    voters_total__gt=0,
                    voters_present__lte=models.F("voters_total"),
                    votes_in_favour__lte=models.F("voters_present"),
                    vote_passed__isnull=False,
                ),
                name="contracts_contractstep_vote_counts",
                violation_error_message=_("In favour cannot exceed present, nor present exceed the total."),
            ),
            plausible_date_constraint("happened_on", name="%(app_label)s_%(class)s_happened_on_plausible"),
            plausible_date_constraint(
                "recorded_at", name="%(app_label)s_%(class)s_recorded_at_plausible", is_datetime=True
            ),
        ]
        indexes = [models.Index(fields=["contract", "kind"], name="contracts_step_contract_kind")]

    def __str__(self):
        return f"{self.happened_on:%Y-%m-%d} {self.get_kind_display()}" if self.happened_on else self.get_kind_display()


class ContractDocument(models.Model):
    """A document of the contract (the signed text, the congress resolution, minutes), kept in the
    database and served only to who may see the contract, like complaint evidence."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="documents"
    )
    step = models.ForeignKey(
        ContractStep, verbose_name=_("step"), on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    file_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    content = models.BinaryField(_("file"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contract document")
        verbose_name_plural = _("contract documents")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values),
                name="contracts_contractdocument_valid_kind",
                violation_error_message=_("Unknown kind of document."),
            ),
            plausible_date_constraint(
                "uploaded_at", name="%(app_label)s_%(class)s_uploaded_at_plausible", is_datetime=True
            ),
        ]

    def __str__(self):
        return self.file_name


class ContractImport(ImportJob):
    """An uploaded contract register (集体合同台账): checked (dry run) first, then imported
    (apps.core.imports, apps.contracts.imports). Each row names its own signing union; the
    import belongs to the unit of the user who uploaded it (its scope: a chair's township, the
    county), and only unions in that scope are accepted."""

    org_unit = models.ForeignKey(
        "branches.OrgUnit",
        verbose_name=_("imported for"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contract_imports",
    )

    class Meta(ImportJob.Meta):
        verbose_name = _("contract register import")
        verbose_name_plural = _("contract register imports")

    def get_absolute_url(self):
        return reverse("contracts:import_detail", kwargs={"pk": self.pk})
