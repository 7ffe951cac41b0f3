from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import GRASSROOTS_KINDS, OrgUnitKind
from .models import Enterprise, OrgUnit


class OrgUnitForm(forms.ModelForm):
    class Meta:
        model = OrgUnit
        fields = ["name", "code", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))


class OrgUnitChildForm(forms.ModelForm):
    class Meta:
        model = OrgUnit
        fields = ["name", "kind", "code"]

    def __init__(self, *args, allowed_kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.value, k.label) for k in allowed_kinds]
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))


class EnterpriseForm(forms.ModelForm):
    """Township, union and the pilot-code confirmation are limited to what the user may use."""

    confirm_pilot_code = forms.BooleanField(
        label=_("Confirm a pilot-era credit code"),
        required=False,
        help_text=_("County staff only: register a code whose check character is wrong, as issued in the pilot era."),
    )

    class Meta:
        model = Enterprise
        fields = ["name", "credit_code", "ownership", "is_county_direct", "township", "employee_count", "union"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from . import selectors

        units = selectors.orgunit_list(user=user)
        self.fields["township"].queryset = units.filter(kind=OrgUnitKind.TOWNSHIP).order_by("path")
        self.fields["union"].queryset = units.filter(kind__in=GRASSROOTS_KINDS).order_by("path")
        self.fields["credit_code"].max_length = 30  # normalised (spaces, dashes) by the service
        self.fields["credit_code"].widget.attrs["maxlength"] = 30
        if not user.has_perm("branches.confirm_credit_code"):
            del self.fields["confirm_pilot_code"]
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))

    def _post_clean(self):
        # Uniqueness and the check character are the service's job (with Chinese messages and
        # the pilot-code rule); the model's own unique check would run on the raw input.
        pass


class ArchiveForm(forms.Form):
    reason = forms.CharField(label=_("Archive reason"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Archive"), css_class="btn-warning"))
