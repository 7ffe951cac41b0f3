"""The hardship-aid pages' forms: layout and choices only. Whether a file may be opened, aid
recorded or reversed is the services' (apps.aid.services), whose refusals land on these forms
(apps.core.mixins.ServiceFormMixin)."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.forms import DATE_INPUT, EMPTY_LABEL, empty_labels, submit_helper

from . import selectors
from .choices import AidKind, ClosingReason, FundSource, HardshipReason, ReviewOutcome
from .models import AidCampaign

MAX_AMOUNT = Decimal("1000000.00")
MAX_INCOME = Decimal("1000000.00")


def _today():
    return timezone.localdate()


def _money_field(label, *, min_value=Decimal("0.01"), max_value=MAX_AMOUNT, **kwargs):
    return forms.DecimalField(
        label=label, max_digits=12, decimal_places=2, min_value=min_value, max_value=max_value, **kwargs
    )


class FileOpenForm(forms.Form):
    """建立困难职工档案 for the member given in the URL."""

    reason = forms.ChoiceField(label=_("reason for hardship"), choices=HardshipReason.choices)
    household_size = forms.IntegerField(label=_("household size"), min_value=1, max_value=50)
    income_per_head = _money_field(_("monthly income per head (yuan)"), min_value=Decimal("0"))
    opened_on = forms.DateField(label=_("opened on"), widget=DATE_INPUT, initial=_today)
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        empty_labels(self)
        self.helper = submit_helper(_("Open the file"))


class FileUpdateForm(forms.Form):
    reason = forms.ChoiceField(label=_("reason for hardship"), choices=HardshipReason.choices)
    household_size = forms.IntegerField(label=_("household size"), min_value=1, max_value=50)
    income_per_head = _money_field(_("monthly income per head (yuan)"), min_value=Decimal("0"))
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, file, **kwargs):
        kwargs.setdefault(
            "initial", {name: getattr(file, name) for name in ("reason", "household_size", "income_per_head", "note")}
        )
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Save"))


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("reviewed on"), widget=DATE_INPUT, initial=_today)
    outcome = forms.ChoiceField(label=_("outcome"), choices=ReviewOutcome.choices)
    close_reason = forms.ChoiceField(
        label=_("reason for closing"),
        choices=[("", EMPTY_LABEL), *ClosingReason.choices],
        required=False,
        help_text=_("Only when the member is out of hardship."),
    )
    household_size = forms.IntegerField(label=_("household size"), min_value=1, max_value=50, required=False)
    income_per_head = _money_field(_("monthly income per head (yuan)"), min_value=Decimal("0"), required=False)
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Record the review"))

    def clean(self):
        data = super().clean()
        if data.get("outcome") == ReviewOutcome.CLOSED and not data.get("close_reason"):
            self.add_error("close_reason", _("Choose why the member is out of hardship."))
        if data.get("outcome") == ReviewOutcome.CONTINUED:
            data["close_reason"] = ""  # a reason for closing means nothing for a file kept open
        return data


class FileCloseForm(forms.Form):
    closed_on = forms.DateField(label=_("closed on"), widget=DATE_INPUT, initial=_today)
    close_reason = forms.ChoiceField(label=_("reason for closing"), choices=ClosingReason.choices)
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        empty_labels(self)
        self.helper = submit_helper(_("Close the file"), danger=True)


class RecordForm(forms.Form):
    """Aid given to the member given in the URL."""

    kind = forms.ChoiceField(label=_("kind of aid"), choices=AidKind.choices)
    amount = _money_field(_("amount (yuan)"), help_text=_("For goods: their value."))
    goods = forms.CharField(label=_("goods given"), max_length=200, required=False)
    given_on = forms.DateField(label=_("given on"), widget=DATE_INPUT, initial=_today)
    fund = forms.ChoiceField(label=pgettext_lazy("aid", "fund"), choices=FundSource.choices)
    approved_by = forms.CharField(label=_("approved by"), max_length=50)
    campaign = forms.ModelChoiceField(
        label=_("campaign"), queryset=AidCampaign.objects.none(), required=False, empty_label=EMPTY_LABEL
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, user, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = (
            selectors.campaign_list(user=user).select_related(None).only("pk", "name", "year")
        )
        if campaign is not None:
            self.initial.setdefault("campaign", campaign.pk)
            self.initial.setdefault("kind", campaign.kind)
        empty_labels(self)
        self.helper = submit_helper(_("Record the aid"))

    def clean(self):
        data = super().clean()
        if data.get("kind") == AidKind.GOODS and not (data.get("goods") or "").strip():
            self.add_error("goods", _("Describe the goods given."))
        return data


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("reason for the reversal"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Reverse the record"), danger=True)


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    unit = forms.ModelChoiceField(label=_("organising union"), queryset=None, empty_label=EMPTY_LABEL)
    year = forms.IntegerField(label=_("year"), min_value=1995, max_value=2099)
    kind = forms.ChoiceField(label=_("kind of aid"), choices=AidKind.choices)
    starts_on = forms.DateField(label=pgettext_lazy("aid campaign", "starts on"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=pgettext_lazy("aid campaign", "ends on"), widget=DATE_INPUT)
    budget = _money_field(_("budget (yuan)"), min_value=Decimal("0"), max_value=Decimal("100000000.00"))

    def __init__(self, *args, user, campaign=None, **kwargs):
        from apps.branches.choices import OrgUnitKind
        from apps.branches.selectors import orgunit_list

        if campaign is not None:
            kwargs.setdefault(
                "initial",
                {name: getattr(campaign, name) for name in ("name", "year", "kind", "starts_on", "ends_on", "budget")},
            )
        super().__init__(*args, **kwargs)
        if campaign is not None:
            del self.fields["unit"]
        else:
            units = orgunit_list(user=user).filter(kind__in=(OrgUnitKind.COUNTY, OrgUnitKind.TOWNSHIP))
            self.fields["unit"].queryset = units.order_by("path")
            first = list(self.fields["unit"].queryset[:1])
            if first:
                self.initial.setdefault("unit", first[0].pk)
            self.initial.setdefault("year", timezone.localdate().year)
        empty_labels(self)
        self.helper = submit_helper(_("Save the campaign"))
