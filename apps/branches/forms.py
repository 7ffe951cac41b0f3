from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import OrgUnit


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
