"""The ledger pages' forms: layout and choices only. Whether an entry, a payment, a reversal or
an approval may be written is the services' (apps.dues.services.ledger and .receipts), whose
refusals land on these forms (apps.core.mixins.ServiceFormMixin)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.branches.models import Enterprise
from apps.core.forms import DATE_INPUT, EMPTY_LABEL, empty_labels, submit_helper, with_empty_choice
from apps.core.widgets import Autocomplete

from ..choices import Channel, PeriodKind
from ..filters.ledger import MonthField
from ..models import DEFAULT_FUND_RATE, PAID_RANGE

HUNDRED = Decimal("100")
# The model's money: 16 digits, 2 after the point.
MONEY_LIMITS = {"max_digits": 16, "decimal_places": 2}


def _payroll_field():
    return forms.DecimalField(
        label=_("Total payroll (yuan)"),
        min_value=Decimal("0"),
        **MONEY_LIMITS,
        help_text=_("工资总额 of the period; the amount due is the rate times this, to the cent."),
    )


def _rate_field():
    return forms.DecimalField(
        label=_("Rate (%)"),
        min_value=Decimal("0"),
        max_value=HUNDRED,
        max_digits=6,
        decimal_places=2,
        initial=f"{(DEFAULT_FUND_RATE * HUNDRED).normalize():f}",
        help_text=_("By law (工会法 art. 43) the rate is 2 percent of the payroll, unless the period says otherwise."),
    )


class RateMixin:
    def rate(self) -> Decimal:
        return (self.cleaned_data["rate_percent"] / HUNDRED).quantize(Decimal("0.0001"))


class LedgerEntryForm(RateMixin, forms.Form):
    """A period's entry for an enterprise: its payroll and rate (the channel and fund follow the enterprise)."""

    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"),
        queryset=Enterprise.objects.none(),
        widget=Autocomplete("branches:enterprise_autocomplete"),
        empty_label=EMPTY_LABEL,
    )
    period_kind = forms.ChoiceField(label=_("Period kind"), choices=PeriodKind.choices, initial=PeriodKind.MONTH)
    period = MonthField(
        label=_("Period"), help_text=_("The month; for a quarter, any month of the quarter (2026-07 is 2026 Q3).")
    )
    payroll = _payroll_field()
    rate_percent = _rate_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from ..selectors.ledger import ledger_enterprise_list

        self.fields["enterprise"].queryset = ledger_enterprise_list(user=user)
        empty_labels(self)
        self.helper = submit_helper(_("Save the ledger entry"))


class LedgerEntryPayrollForm(RateMixin, forms.Form):
    """The payroll and rate of an existing entry (the due follows)."""

    payroll = _payroll_field()
    rate_percent = _rate_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Save"))


class DirectPaymentForm(forms.Form):
    """Money paid directly to the union (工会直收); the receipt number is drawn on saving."""

    amount = forms.DecimalField(label=_("Amount (yuan)"), min_value=Decimal("0.01"), **MONEY_LIMITS)
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE_INPUT, validators=[PAID_RANGE])
    reference = forms.CharField(
        label=_("Voucher number"),
        max_length=60,
        required=False,
        help_text=_("The bank slip's or transfer's number, if the money came by the bank."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Record the payment and make out the receipt"))


class PaymentReverseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the reversal"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Reverse the payment"), danger=True)


class EntryDeferForm(forms.Form):
    until = forms.DateField(label=_("Deferred until"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("Reason for the approval"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Approve the deferral"), danger=True)


class EntryWriteOffForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the approval"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Approve the write-off"), danger=True)


class ChannelOverrideForm(forms.Form):
    channel = forms.ChoiceField(label=pgettext_lazy("fund", "Channel"), choices=with_empty_choice(Channel.choices))
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Save the channel"))
