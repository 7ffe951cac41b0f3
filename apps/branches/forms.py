from dal import forward
from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import DATE_INPUT, empty_labels, submit_helper, with_empty_choice
from apps.core.widgets import Autocomplete, AutocompleteMultiple

from .choices import (
    ELECTED_POSITION_CHOICES,
    GRASSROOTS_KINDS,
    TERM_YEARS_CHOICES,
    TOWNSHIP_MEETING_KINDS,
    FormationForm,
    MeetingKind,
    OrgUnitKind,
)
from .models import Election, Enterprise, Meeting, Officer, OrgUnit, Rating, SubCommittee


class OrgUnitForm(forms.ModelForm):
    class Meta:
        model = OrgUnit
        fields = ["name", "code", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        empty_labels(self)
        self.helper = submit_helper()


class OrgUnitChildForm(forms.ModelForm):
    class Meta:
        model = OrgUnit
        fields = ["name", "kind", "code"]

    def __init__(self, *args, allowed_kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.value, k.label) for k in allowed_kinds]
        empty_labels(self)
        self.helper = submit_helper()


class EnterpriseForm(forms.ModelForm):
    """Township, union and the pilot-code confirmation are limited to what the user may use."""

    confirm_pilot_code = forms.BooleanField(
        label=_("Confirm a pilot-era credit code"),
        required=False,
        help_text=_("County staff only: register a code whose check character is wrong, as issued in the pilot era."),
    )

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "credit_code",
            "ownership",
            "is_county_direct",
            "township",
            "employee_count",
            "has_workers_congress",
            "union",
        ]
        widgets = {"union": Autocomplete("branches:union_autocomplete")}

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
        empty_labels(self)
        self.helper = submit_helper()

    def _post_clean(self):
        # Uniqueness and the check character are the service's job (with Chinese messages and
        # the pilot-code rule); the model's own unique check would run on the raw input.
        pass


class ArchiveForm(forms.Form):
    reason = forms.CharField(label=_("Archive reason"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        empty_labels(self)
        self.helper = submit_helper(_("Archive"), danger=True)


class UnionRegisterForm(forms.Form):
    township = forms.ModelChoiceField(label=_("Township"), queryset=OrgUnit.objects.none())
    name = forms.CharField(label=_("Union name"), max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[(k.value, k.label) for k in OrgUnitKind if k in GRASSROOTS_KINDS]
    )
    enterprises = forms.ModelMultipleChoiceField(
        label=_("Enterprises covered"),
        queryset=Enterprise.objects.none(),
        help_text=_("An enterprise union covers one enterprise; a joint, regional or industry union one or more."),
        # Unionless enterprises of the chosen township (a county has thousands): searched, not listed.
        widget=AutocompleteMultiple(
            "branches:enterprise_autocomplete", forward=["township", forward.Const("1", "unionless")]
        ),
    )
    formation_form = forms.ChoiceField(label=_("Form of organisation"), choices=FormationForm.choices)
    declared_members = forms.IntegerField(label=_("Number of members"), min_value=0, max_value=1_000_000)
    founded_on = forms.DateField(
        label=_("Founded on"), widget=DATE_INPUT, validators=OrgUnit._meta.get_field("founded_on").validators
    )
    term_years = forms.TypedChoiceField(label=_("Term"), choices=TERM_YEARS_CHOICES, coerce=int)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from . import selectors

        self.fields["township"].queryset = selectors.orgunit_list(user=user).filter(kind=OrgUnitKind.TOWNSHIP)
        self.fields["enterprises"].queryset = selectors.enterprise_list(user=user).filter(
            union__isnull=True, archived_at__isnull=True
        )
        empty_labels(self)
        self.helper = submit_helper(_("Register and send for approval"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        empty_labels(self)
        self.helper = submit_helper(submit_label or _("Confirm"), danger=True)


class SubCommitteeForm(forms.ModelForm):
    class Meta:
        model = SubCommittee
        fields = ["kind", "established_on", "head_name"]
        widgets = {"established_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        empty_labels(self)
        self.helper = submit_helper()


class OfficerForm(forms.ModelForm):
    class Meta:
        model = Officer
        fields = ["name", "position", "concurrent_post", "term_start", "term_end"]
        widgets = {"term_start": DATE_INPUT, "term_end": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        empty_labels(self)
        self.helper = submit_helper()


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["kind", "held_on", "title", "enterprise", "attendees", "notes"]
        widgets = {"held_on": DATE_INPUT, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, unit, user, **kwargs):
        super().__init__(*args, **kwargs)
        from . import selectors

        kinds = [k for k in MeetingKind if (k in TOWNSHIP_MEETING_KINDS) == (unit.kind == OrgUnitKind.TOWNSHIP)]
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]
        enterprises = selectors.enterprise_list(user=user).filter(archived_at__isnull=True)
        if unit.kind == OrgUnitKind.TOWNSHIP:
            self.fields.pop("enterprise")
        else:
            self.fields["enterprise"].queryset = enterprises.filter(union=unit)
        empty_labels(self)
        self.helper = submit_helper()


class RatingForm(forms.ModelForm):
    class Meta:
        model = Rating
        fields = ["title", "year", "checklist"]
        widgets = {"checklist": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        empty_labels(self)
        self.helper = submit_helper()


class ApproveForm(forms.Form):
    """工会成立批复: the opinion, and a document number only when the approver has one to type."""

    opinion = forms.CharField(label=_("Approval opinion"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    approval_number = forms.CharField(
        label=_("Approval document number"),
        max_length=50,
        required=False,
        help_text=_("Leave empty to number it automatically as %(example)s."),
    )

    def __init__(self, *args, example_number="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approval_number"].help_text = self.fields["approval_number"].help_text % {
            "example": example_number
        }
        empty_labels(self)
        self.helper = submit_helper(_("Approve"))


class ElectionForm(forms.Form):
    """换届: the new term and the result; the committee elected is the formset below it."""

    term_start = forms.DateField(
        label=_("Election day (the new term starts)"),
        widget=DATE_INPUT,
        validators=Election._meta.get_field("term_start").validators,
    )
    term_years = forms.TypedChoiceField(label=_("Term"), choices=TERM_YEARS_CHOICES, coerce=int)
    result = forms.CharField(
        label=_("Election result"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=Election._meta.get_field("result").help_text,
    )
    fund_audit_head = forms.CharField(label=_("Head of the fund audit committee"), max_length=50, required=False)
    women_head = forms.CharField(label=_("Head of the women workers' committee"), max_length=50, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        empty_labels(self)


class ElectedOfficerForm(forms.Form):
    """One person elected; a row without a name is left out."""

    name = forms.CharField(
        label=_("full name"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    position = forms.ChoiceField(
        label=_("position"),
        choices=with_empty_choice(ELECTED_POSITION_CHOICES),
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    concurrent_post = forms.CharField(
        label=_("concurrent post"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("name", "").strip() and not data.get("position"):
            self.add_error("position", _("Choose the position."))
        return data


# The committee elected: at most 30 rows (a committee has 3 to 21 members), whatever is posted.
ElectedOfficerFormSet = forms.formset_factory(
    ElectedOfficerForm, extra=0, max_num=30, absolute_max=30, validate_max=True
)
