"""Forms of the tax statements part: the upload, the reconciliation's filters, and registering
unknown payers as enterprises without a union (the organising list)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.branches.choices import OrgUnitKind, Ownership
from apps.core.forms import submit_helper

from ..selectors.statements import VERDICTS

VERDICT_LABELS = {
    "paid": _("Paid in full"),
    "partial": _("Partly paid (shortfall)"),
    "over": _("Overpaid"),
    "unpaid": _("On the tax channel, not in the statement (unpaid)"),
    "unknown": _("Taxpayers the portal does not know"),
}


class StatementUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tax bureau statement (.xlsx or .xls)"),
        help_text=_(
            "The statement exactly as the tax bureau sends it: title rows, the 所属期 line and the 合计 row are fine."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Upload and check"))


class ReconciliationFilterForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Result"), required=False, choices=[("", _("All"))] + [(v, VERDICT_LABELS[v]) for v in VERDICTS]
    )
    township = forms.ModelChoiceField(label=_("Township"), required=False, queryset=None)
    q = forms.CharField(label=_("Credit code or name"), required=False, max_length=60)

    def __init__(self, *args, townships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships
        for name in ("verdict", "township"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["q"].widget.attrs["class"] = "form-control form-control-sm"


class RegisterPayersForm(forms.Form):
    """The organising list: the chosen unknown payers registered as enterprises without a union."""

    codes = forms.MultipleChoiceField(label=_("Taxpayers"), widget=forms.CheckboxSelectMultiple, choices=())
    township = forms.ModelChoiceField(label=_("Township"), queryset=None)
    ownership = forms.ChoiceField(label=_("Ownership"), choices=Ownership.choices, initial=Ownership.PRIVATE)

    def __init__(self, *args, codes, townships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["codes"].choices = [(code, code) for code in codes]
        self.fields["township"].queryset = townships.filter(kind=OrgUnitKind.TOWNSHIP)
