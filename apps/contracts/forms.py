"""The contract pages' forms: layout and choices only. Whether a contract may be recorded or
changed is the services' and the model's `clean()` (apps.contracts.services), whose refusals land
on these forms (apps.core.mixins.ServiceFormMixin)."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.branches.models import Enterprise, OrgUnit
from apps.core.forms import DATE_INPUT, EMPTY_LABEL, empty_labels, submit_helper, with_empty_choice
from apps.core.widgets import Autocomplete, AutocompleteMultiple

from .choices import MULTI_ENTERPRISE_SCOPES, ContractKind, ContractScope, Party
from .models import Contract, ContractCoverage
from .services.steps import CONTENT_FIELDS

# The one script of these forms (static/js/contract_form.js): an enterprise contract shows the
# enterprise, a regional or industry one the employers' representative and the enterprises covered.
SCOPE_MEDIA = forms.Media(js=("js/contract_form.js",))


def _model_field(name):
    return Contract._meta.get_field(name)


class ContractRequestForm(forms.Form):
    """The bargaining request (要约): who asks whom, on which day, for which contract."""

    union = forms.ModelChoiceField(
        label=_("Signing union"),
        queryset=OrgUnit.objects.none(),
        widget=Autocomplete("contracts:union_autocomplete"),
        empty_label=EMPTY_LABEL,
        help_text=_("The enterprise union, or the township or regional union for a regional contract."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=with_empty_choice(ContractKind.choices))
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=ContractScope.choices,
        initial=ContractScope.ENTERPRISE,
        widget=forms.Select(attrs={"data-contract-scope": "1"}),
    )
    requested_by = forms.ChoiceField(
        label=_("Request made by"), choices=Party.choices, initial=Party.WORKERS, widget=forms.RadioSelect
    )
    requested_on = forms.DateField(
        label=_("Request received on"),
        widget=DATE_INPUT,
        validators=_model_field("requested_on").validators,
        help_text=_("The other side must answer in writing within 20 days of receiving it (art. 32)."),
    )
    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"),
        queryset=Enterprise.objects.none(),
        required=False,
        widget=Autocomplete("branches:enterprise_autocomplete"),
        empty_label=EMPTY_LABEL,
        help_text=_("An enterprise contract: the enterprise that bargains."),
    )
    employer_representative = forms.CharField(
        label=_("Employers' representative"),
        max_length=200,
        required=False,
        help_text=_("A regional or industry contract: e.g. the township's enterprise association."),
    )
    covered_enterprises = forms.ModelMultipleChoiceField(
        label=_("Enterprises covered"),
        queryset=Enterprise.objects.none(),
        required=False,
        widget=AutocompleteMultiple("branches:enterprise_autocomplete"),
        help_text=_("A regional or industry contract: every enterprise it covers."),
    )
    workers_negotiator = forms.CharField(label=_("Workers' chief negotiator"), max_length=50, required=False)
    employer_negotiator = forms.CharField(label=_("Employer's chief negotiator"), max_length=50, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import coverable_enterprise_list, signing_union_list

        self.fields["union"].queryset = signing_union_list(user=user).order_by("path")
        enterprises = coverable_enterprise_list(user=user)
        self.fields["enterprise"].queryset = enterprises
        self.fields["covered_enterprises"].queryset = enterprises
        self.fields["kind"].initial = ContractKind.COMPREHENSIVE
        _mark_scope_fields(self)
        empty_labels(self)
        self.helper = submit_helper(_("Record the bargaining request"))

    @property
    def media(self):
        return super().media + SCOPE_MEDIA

    def service_arguments(self) -> dict:
        """What `contract_request` takes: an enterprise contract names its enterprise, a regional
        or industry one its representative and enterprises (the other side's fields left out)."""
        data = dict(self.cleaned_data)
        if data["scope"] in MULTI_ENTERPRISE_SCOPES:
            data["enterprise"] = None
            data["covered_enterprises"] = list(data["covered_enterprises"])
        else:
            data["employer_representative"] = ""
            data["covered_enterprises"] = ()
        return data


def _mark_scope_fields(form) -> None:
    """Tag the fields the scope shows or hides (the script reads the tags; without it all show)."""
    for name in ("enterprise",):
        if name in form.fields:
            form.fields[name].widget.attrs["data-scope-show"] = "enterprise"
    for name in ("employer_representative", "covered_enterprises"):
        if name in form.fields:
            form.fields[name].widget.attrs["data-scope-show"] = "regional industry"


class ContractContentForm(forms.ModelForm):
    """The contract's content (its negotiators, term, wage and other clauses): not its clock, not
    its parties' identity (scope, kind, union, enterprise)."""

    class Meta:
        model = Contract
        fields = list(CONTENT_FIELDS)
        widgets = {
            "term_start": DATE_INPUT,
            "term_end": DATE_INPUT,
            "women_protections": forms.Textarea(attrs={"rows": 3}),
            "main_terms": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.is_multi_enterprise:
            del self.fields["employer_representative"]
        else:
            self.fields["employer_representative"].required = True
        self.fields["term_reason"].help_text = _(
            "Needed when the term is outside the usual 1 to 3 years (集体合同规定 art. 38)."
        )
        self.fields["minimum_wage"].help_text = _("A figure below the local minimum wage is shown as a warning.")
        empty_labels(self)
        self.helper = submit_helper()

    def _post_clean(self):
        # The rules (term and its reason, the employers' representative) are the model's clean(),
        # run by the service on the stored contract with these values; its errors land here.
        pass


class ContractCoverageForm(forms.Form):
    """The enterprises a regional or industry contract covers, and the workers covered when the
    enterprises' employee counts are not the right number (with the reason)."""

    enterprises = forms.ModelMultipleChoiceField(
        label=_("Enterprises covered"),
        queryset=Enterprise.objects.none(),
        required=False,
        widget=AutocompleteMultiple("branches:enterprise_autocomplete"),
    )
    workers_covered = forms.IntegerField(
        label=_("Workers covered"),
        min_value=0,
        max_value=10_000_000,
        required=False,
        help_text=_("Leave empty to count the covered enterprises' employees."),
    )
    workers_covered_reason = forms.CharField(
        label=_("Why the number differs"),
        max_length=300,
        required=False,
        help_text=_("Needed when a number is typed, e.g. dispatched workers counted in."),
    )

    def __init__(self, *args, user, contract, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import coverable_enterprise_list

        self.contract = contract
        if contract.is_multi_enterprise:
            # The enterprises already covered stay choices even if since moved out of the user's area.
            covered = ContractCoverage.objects.filter(contract=contract).values("enterprise_id")
            self.fields["enterprises"].queryset = Enterprise.objects.filter(
                Q(pk__in=coverable_enterprise_list(user=user).values("pk")) | Q(pk__in=covered)
            )
            self.initial.setdefault("enterprises", list(contract.coverage.values_list("enterprise_id", flat=True)))
        else:
            del self.fields["enterprises"]
        if contract.workers_covered_overridden:
            self.initial.setdefault("workers_covered", contract.workers_covered)
            self.initial.setdefault("workers_covered_reason", contract.workers_covered_reason)
        empty_labels(self)
        self.helper = submit_helper()

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        if "enterprises" in data:
            enterprises = list(data["enterprises"])
        else:
            enterprises = [self.contract.enterprise] if self.contract.enterprise_id else []
        return {
            "enterprises": enterprises,
            "workers_covered": data.get("workers_covered"),
            "workers_covered_reason": data.get("workers_covered_reason", ""),
        }
