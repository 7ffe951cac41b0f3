"""Union funds (工会经费, 工会法 art. 43: 2% of the payroll) and membership dues (会费).

The ledger holds one entry per enterprise and period (a month, or a quarter where the source
reports quarters); payments hang off it, each with its source (a tax statement row, a finance
transfer, a hand entry). An entry's `received` and `status` are written by apps.dues.services
from the database's own sum of its payments, in the transaction that adds the payment: lists
read them without summing, and nothing else writes them. Money is Decimal to the cent; nothing is
deleted: a wrong payment is reversed by another payment that names it.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.dates import PlausibleDateValidator, plausible_date_constraint
from apps.core.history import audited
from apps.core.imports import ImportJob
from apps.core.models import BaseModel

from .choices import (
    ArrearsStage,
    Channel,
    Delivery,
    DuesExemption,
    EntryStatus,
    FundKind,
    PaymentSource,
    PeriodKind,
    RefundBasis,
    ShareFlow,
    ShareLevel,
)

# The Trade Union Law of 1992 set the 2% allocation; no ledger period starts before it.
PERIOD_RANGE = PlausibleDateValidator(earliest=datetime.date(1992, 1, 1), max_days_ahead=366)
PAID_RANGE = PlausibleDateValidator(earliest=datetime.date(1992, 1, 1), max_days_ahead=0)

DEFAULT_FUND_RATE = Decimal("0.0200")
DEFAULT_DUES_RATE = Decimal("0.0050")

MONEY = {"max_digits": 16, "decimal_places": 2}
RATE = {"max_digits": 6, "decimal_places": 4}


def _money(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, **MONEY, **kwargs)


@audited()
class ChannelOverride(BaseModel):
    """An enterprise that pays by another channel than its kind says (apps.dues.channels), and why."""

    enterprise = models.OneToOneField(
        "branches.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="fund_channel"
    )
    channel = models.CharField(pgettext_lazy("fund", "Channel"), max_length=20, choices=Channel.choices)
    reason = models.CharField(_("reason"), max_length=200)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("fund channel of an enterprise")
        verbose_name_plural = _("fund channels of enterprises")
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values),
                name="dues_channeloverride_valid_channel",
                violation_error_message=_("Unknown channel."),
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="dues_channeloverride_reason",
                violation_error_message=_("Say why the enterprise pays by another channel."),
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.get_channel_display()}"


@audited()
class LedgerEntry(BaseModel):
    """What one enterprise owes for one period (工会经费台账) and what it has paid."""

    enterprise = models.ForeignKey(
        "branches.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="fund_entries"
    )
    period_kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.MONTH)
    period_start = models.DateField(_("period start"), validators=[PERIOD_RANGE])
    period_end = models.DateField(_("period end"), validators=[PERIOD_RANGE])
    fund_kind = models.CharField(_("fund"), max_length=20, choices=FundKind.choices, default=FundKind.FUND)
    channel = models.CharField(pgettext_lazy("fund", "Channel"), max_length=20, choices=Channel.choices)
    payroll = _money(_("total payroll"), default=Decimal("0.00"))
    rate = models.DecimalField(_("rate"), **RATE, default=DEFAULT_FUND_RATE)
    due = _money(_("amount due"), default=Decimal("0.00"))
    received = _money(_("amount received"), default=Decimal("0.00"), editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=EntryStatus.choices, default=EntryStatus.UNPAID, editable=False
    )
    # 缓缴 and 核销 need an approval: who, when, why (and until when, for a deferral).
    deferred_until = models.DateField(_("deferred until"), null=True, blank=True)
    approval_reason = models.CharField(_("reason for the approval"), max_length=200, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    # The latest arrears stage reached (催缴), kept beside the stage records for the lists.
    arrears_stage = models.CharField(
        _("arrears stage"), max_length=20, choices=ArrearsStage.choices, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("fund ledger entry")
        verbose_name_plural = _("fund ledger")
        ordering = ["-period_start", "enterprise__name", "id"]
        permissions = [
            ("manage_funds", _("Can import tax statements and enter finance transfers")),
            ("approve_fund_relief", _("Can approve deferrals and write-offs of union funds")),
        ]
        indexes = [
            models.Index(fields=["period_start", "channel"], name="dues_entry_period_channel"),
            models.Index(fields=["status", "period_start"], name="dues_entry_status_period"),
        ]
        constraints = [
            # One entry per enterprise and period; a quarter and its months never both exist
            # (the services refuse an overlapping period, since a CHECK cannot see other rows).
            models.UniqueConstraint(
                fields=["enterprise", "period_start"],
                name="dues_entry_one_per_enterprise_period",
                violation_error_message=_("This enterprise already has a ledger entry for this period."),
            ),
            models.CheckConstraint(
                condition=Q(payroll__gte=0) & Q(due__gte=0) & Q(rate__gte=0) & Q(rate__lte=1),
                name="dues_entry_amounts_not_negative",
                violation_error_message=_(
                    "Payroll, rate and amount due cannot be negative (the rate is at most 100%%)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="dues_entry_period_in_order",
                violation_error_message=_("A period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(period_kind=PeriodKind.MONTH, period_start__day=1)
                    | Q(period_kind=PeriodKind.QUARTER, period_start__day=1, period_start__month__in=[1, 4, 7, 10])
                ),
                name="dues_entry_period_starts_month_or_quarter",
                violation_error_message=_("A period starts on the first day of a month (of a quarter)."),
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values)
                & Q(fund_kind__in=FundKind.values)
                & Q(period_kind__in=PeriodKind.values)
                & Q(status__in=EntryStatus.values)
                & Q(arrears_stage__in=["", *ArrearsStage.values]),
                name="dues_entry_valid_choices",
                violation_error_message=_("Unknown channel, fund, period or status."),
            ),
            models.CheckConstraint(
                condition=~Q(status=EntryStatus.DEFERRED)
                | (Q(deferred_until__isnull=False) & Q(approved_by__isnull=False) & ~Q(approval_reason="")),
                name="dues_entry_deferral_approved",
                violation_error_message=_("A deferral needs an approval, a reason and an until-date."),
            ),
            models.CheckConstraint(
                condition=~Q(status=EntryStatus.WRITTEN_OFF) | (Q(approved_by__isnull=False) & ~Q(approval_reason="")),
                name="dues_entry_write_off_approved",
                violation_error_message=_("A write-off needs an approval and a reason."),
            ),
            *(
                plausible_date_constraint(field, name=f"%(app_label)s_%(class)s_{field}_plausible")
                for field in ("period_start", "period_end", "deferred_until", "approved_on")
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.period_label}"

    @property
    def period_label(self) -> str:
        if self.period_kind == PeriodKind.QUARTER:
            return f"{self.period_start.year}年第{(self.period_start.month - 1) // 3 + 1}季度"
        return f"{self.period_start.year}年{self.period_start.month}月"

    @property
    def arrears(self) -> Decimal:
        """What is still owed (never negative; an overpayment is not arrears)."""
        if self.status in (EntryStatus.WRITTEN_OFF,):
            return Decimal("0.00")
        return max(self.due - self.received, Decimal("0.00"))

    def get_absolute_url(self):
        return reverse("dues:entry_detail", kwargs={"pk": self.pk})


class TaxStatementImport(ImportJob):
    """An uploaded 税务代征工会经费明细 (apps.dues.statement parses it, apps.dues.imports imports
    it): checked (dry run) first, then its good rows written as payments in one transaction."""

    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    # The file's SHA-256: the same statement uploaded again is recognised.
    content_sha256 = models.CharField(_("file fingerprint"), max_length=64, blank=True, editable=False)

    class Meta(ImportJob.Meta):
        verbose_name = _("tax bureau statement")
        verbose_name_plural = _("tax bureau statements")

    def get_absolute_url(self):
        return reverse("dues:statement_detail", kwargs={"pk": self.pk})


@audited()
class Payment(BaseModel):
    """Money received against a ledger entry. A refund (退库) or a reversal is a negative payment
    with a reference; a wrong payment is never edited or deleted, it is reversed."""

    entry = models.ForeignKey(
        LedgerEntry, verbose_name=_("ledger entry"), on_delete=models.PROTECT, related_name="payments"
    )
    paid_on = models.DateField(_("paid on"), validators=[PAID_RANGE])
    amount = _money(_("amount"))
    channel = models.CharField(pgettext_lazy("fund", "Channel"), max_length=20, choices=Channel.choices)
    source = models.CharField(_("source"), max_length=20, choices=PaymentSource.choices)
    reference = models.CharField(_("voucher or receipt number"), max_length=60, blank=True)
    is_refund = models.BooleanField(_("refund (退库)"), default=False)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )
    # A tax statement row: the statement and a key of the row's content (apps.dues.imports), so
    # importing the same statement again finds its payments and adds none.
    statement = models.ForeignKey(
        TaxStatementImport,
        verbose_name=_("tax bureau statement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    source_key = models.CharField(_("source key"), max_length=200, blank=True, editable=False)
    # 工会经费收入专用收据 for money paid directly to the union (apps.core.serials, per year).
    receipt_number = models.CharField(_("receipt number"), max_length=30, blank=True, editable=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(amount=0),
                name="dues_payment_not_zero",
                violation_error_message=_("A payment of 0.00 records nothing."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0, is_refund=False, reverses__isnull=True)
                | (Q(amount__lt=0) & ~Q(reference="") & (Q(is_refund=True) | Q(reverses__isnull=False))),
                name="dues_payment_negative_is_refund_or_reversal",
                violation_error_message=_(
                    "A negative amount is only a refund or the reversal of a payment, with its reference."
                ),
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values) & Q(source__in=PaymentSource.values),
                name="dues_payment_valid_choices",
                violation_error_message=_("Unknown channel or source."),
            ),
            models.UniqueConstraint(
                fields=["source", "source_key"],
                condition=~Q(source_key=""),
                name="dues_payment_source_key_once",
                violation_error_message=_("This row of the source is already recorded."),
            ),
            models.UniqueConstraint(
                fields=["receipt_number"],
                condition=~Q(receipt_number=""),
                name="dues_payment_receipt_number_once",
                violation_error_message=_("This receipt number is already used."),
            ),
            plausible_date_constraint("paid_on", name="%(app_label)s_%(class)s_paid_on_plausible"),
        ]

    def __str__(self):
        return f"{self.entry} · {self.amount}"


@audited()
class ArrearsAction(BaseModel):
    """One stage of chasing an entry's arrears, dated, with who did it (工会法 art. 44)."""

    entry = models.ForeignKey(
        LedgerEntry, verbose_name=_("ledger entry"), on_delete=models.PROTECT, related_name="arrears_actions"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=ArrearsStage.choices)
    done_on = models.DateField(_("date"), validators=[PAID_RANGE])
    delivery = models.CharField(_("how delivered"), max_length=20, choices=Delivery.choices, blank=True)
    # The enterprise's basic people's court (基层人民法院), for the payment order application.
    court = models.CharField(_("court"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("arrears action")
        verbose_name_plural = _("arrears actions")
        ordering = ["done_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "stage"],
                name="dues_arrears_stage_once",
                violation_error_message=_("This stage is already recorded for this period."),
            ),
            models.CheckConstraint(
                condition=Q(stage__in=ArrearsStage.values) & Q(delivery__in=["", *Delivery.values]),
                name="dues_arrears_valid_choices",
                violation_error_message=_("Unknown stage or delivery."),
            ),
            models.CheckConstraint(
                condition=~Q(stage__in=[ArrearsStage.NOTICE, ArrearsStage.SECOND_NOTICE]) | ~Q(delivery=""),
                name="dues_arrears_notice_delivered",
                violation_error_message=_("Say how the notice was delivered."),
            ),
            models.CheckConstraint(
                condition=~Q(stage=ArrearsStage.PAYMENT_ORDER) | ~Q(court=""),
                name="dues_arrears_order_court",
                violation_error_message=_("Name the court the payment order is applied to."),
            ),
            plausible_date_constraint("done_on", name="%(app_label)s_%(class)s_done_on_plausible"),
        ]

    def __str__(self):
        return f"{self.entry} · {self.get_stage_display()}"


@audited()
class ShareRate(BaseModel):
    """The share-out (分成) of a year's fund: the share of one flow to one level, or to one unit
    where a unit differs from its level. The county enters how the 40% above the grassroots is
    split; a year without rows uses the latest year before it."""

    year = models.PositiveSmallIntegerField(_("year"))
    flow = models.CharField(_("flow"), max_length=20, choices=ShareFlow.choices)
    level = models.CharField(_("level"), max_length=20, choices=ShareLevel.choices)
    unit = models.ForeignKey(
        "branches.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the share applies to every unit of the level."),
    )
    share = models.DecimalField(_("share"), **RATE)

    class Meta:
        verbose_name = _("share-out rate")
        verbose_name_plural = _("share-out rates")
        ordering = ["-year", "flow", "level", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "flow", "level"],
                condition=Q(unit__isnull=True),
                name="dues_share_once_per_level",
                violation_error_message=_("This year already has a share for this flow and level."),
            ),
            models.UniqueConstraint(
                fields=["year", "flow", "level", "unit"],
                condition=Q(unit__isnull=False),
                name="dues_share_once_per_unit",
                violation_error_message=_("This year already has a share for this flow and unit."),
            ),
            models.CheckConstraint(
                condition=Q(share__gte=0) & Q(share__lte=1),
                name="dues_share_between_0_and_1",
                violation_error_message=_("A share is between 0%% and 100%%."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1992) & Q(year__lte=2099),
                name="dues_share_plausible_year",
                violation_error_message=_("The year is not plausible."),
            ),
            models.CheckConstraint(
                condition=Q(flow__in=ShareFlow.values) & Q(level__in=ShareLevel.values),
                name="dues_share_valid_choices",
                violation_error_message=_("Unknown flow or level."),
            ),
        ]

    def __str__(self):
        return f"{self.year} · {self.get_flow_display()} · {self.get_level_display()} · {self.share:%}"


@audited()
class RefundRule(BaseModel):
    """A year's small-enterprise refund (小微企业工会经费返还): enterprises at or under the threshold
    (employees, or yearly amount paid) get `share` of what they paid back, at most `cap`."""

    year = models.PositiveSmallIntegerField(_("year"))
    basis = models.CharField(_("basis"), max_length=20, choices=RefundBasis.choices)
    max_employees = models.PositiveIntegerField(_("at most employees"), null=True, blank=True)
    max_yearly_amount = _money(_("at most paid in the year"), null=True, blank=True)
    share = models.DecimalField(_("share refunded"), **RATE)
    cap = _money(_("at most refunded"), null=True, blank=True)
    document = models.CharField(_("document"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("small-enterprise refund rule")
        verbose_name_plural = _("small-enterprise refund rules")
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year"],
                name="dues_refund_rule_once_per_year",
                violation_error_message=_("This year already has a refund rule."),
            ),
            models.CheckConstraint(
                condition=(Q(basis=RefundBasis.EMPLOYEES) & Q(max_employees__isnull=False))
                | (
                    Q(basis=RefundBasis.YEARLY_AMOUNT)
                    & Q(max_yearly_amount__isnull=False)
                    & Q(max_yearly_amount__gte=0)
                ),
                name="dues_refund_rule_threshold",
                violation_error_message=_("Give the threshold of the basis chosen."),
            ),
            models.CheckConstraint(
                condition=Q(share__gte=0) & Q(share__lte=1) & (Q(cap__isnull=True) | Q(cap__gte=0)),
                name="dues_refund_rule_share_cap",
                violation_error_message=_("The share is between 0%% and 100%% and the cap is not negative."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1992) & Q(year__lte=2099),
                name="dues_refund_rule_plausible_year",
                violation_error_message=_("The year is not plausible."),
            ),
        ]

    def __str__(self):
        return f"{self.year} · {self.get_basis_display()}"


@audited()
class DuesRecord(BaseModel):
    """A member's dues (会费) for a month: the basic wage declared, due at the rate, collected.
    An exempt month (retired, unemployed, other with a reason) keeps the membership and owes none."""

    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="dues_records"
    )
    # The branch the member belonged to that month (a member moves; the month stays with its branch).
    union = models.ForeignKey(
        "branches.OrgUnit", verbose_name=_("union"), on_delete=models.PROTECT, related_name="dues_records"
    )
    month = models.DateField(_("month"), validators=[PERIOD_RANGE])
    basic_wage = _money(_("basic wage declared"), default=Decimal("0.00"))
    rate = models.DecimalField(_("rate"), **RATE, default=DEFAULT_DUES_RATE)
    due = _money(_("dues"), default=Decimal("0.00"))
    collected = _money(_("collected"), default=Decimal("0.00"))
    exemption = models.CharField(_("exemption"), max_length=20, choices=DuesExemption.choices, blank=True)
    exemption_reason = models.CharField(_("reason for the exemption"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("membership dues")
        verbose_name_plural = _("membership dues")
        ordering = ["-month", "id"]
        indexes = [models.Index(fields=["union", "month"], name="dues_record_union_month")]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "month"],
                name="dues_record_once_per_member_month",
                violation_error_message=_("This member's dues for this month are already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="dues_record_month_first_day",
                violation_error_message=_("A month is recorded by its first day."),
            ),
            models.CheckConstraint(
                condition=Q(basic_wage__gte=0) & Q(due__gte=0) & Q(collected__gte=0) & Q(rate__gte=0) & Q(rate__lte=1),
                name="dues_record_amounts_not_negative",
                violation_error_message=_("Wage, rate, dues and amount collected cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(exemption="") | (Q(due=0) & (~Q(exemption=DuesExemption.OTHER) | ~Q(exemption_reason=""))),
                name="dues_record_exemption",
                violation_error_message=_("An exempt month owes no dues; an exemption for another reason says which."),
            ),
            models.CheckConstraint(
                condition=Q(exemption__in=["", *DuesExemption.values]),
                name="dues_record_valid_exemption",
                violation_error_message=_("Unknown exemption."),
            ),
            plausible_date_constraint("month", name="%(app_label)s_%(class)s_month_plausible"),
        ]

    def __str__(self):
        return f"{self.member} · {self.month:%Y-%m}"
