"""The re-employment pages' forms: layout and choices only. Whether a person may be registered, a
place given or a case closed is the services' (apps.reemployment.services), whose refusals land
on these forms (apps.core.mixins.ServiceFormMixin)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.forms import DATE_INPUT, EMPTY_LABEL, empty_labels, submit_helper

from . import selectors
from .choices import BaseLevel, CaseReason, HelpKind
from .models import ReemploymentBase, ReemploymentHelp

MAX_PLACES = 10_000
MAX_TARGET = 100_000


def _today():
    return timezone.localdate()


class CaseRegisterForm(forms.Form):
    """再就业登记: of a member (the person is given), or of a non-member by name, ID and phone."""

    township = forms.ModelChoiceField(label=_("township"), queryset=None, empty_label=EMPTY_LABEL)
    person_name = forms.CharField(label=_("full name"), max_length=50)
    id_number = forms.CharField(
        label=_("citizen ID number"), max_length=30, help_text=_("18 characters; shown masked afterwards.")
    )
    mobile = forms.CharField(label=_("mobile"), max_length=20, required=False)
    registered_on = forms.DateField(label=_("registered on"), widget=DATE_INPUT, initial=_today)
    reason = forms.ChoiceField(label=_("reason"), choices=CaseReason.choices)
    former_employer = forms.CharField(label=_("former employer"), max_length=100, required=False)
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, user, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        if member is not None:
            for name in ("township", "person_name", "id_number"):
                del self.fields[name]
        else:
            self.fields["township"].queryset = selectors.township_choices(user=user)
            townships = list(self.fields["township"].queryset[:2])
            if len(townships) == 1:
                self.initial.setdefault("township", townships[0].pk)
        empty_labels(self)
        self.helper = submit_helper(_("Register"))

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        if self.member is not None:
            data["member"] = self.member
        return data


class CaseUpdateForm(forms.Form):
    person_name = forms.CharField(label=_("full name"), max_length=50)
    mobile = forms.CharField(label=_("mobile"), max_length=20, required=False)
    registered_on = forms.DateField(label=_("registered on"), widget=DATE_INPUT)
    reason = forms.ChoiceField(label=_("reason"), choices=CaseReason.choices)
    former_employer = forms.CharField(label=_("former employer"), max_length=100, required=False)
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, case, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                name: getattr(case, name)
                for name in ("person_name", "mobile", "registered_on", "reason", "former_employer", "note")
            },
        )
        super().__init__(*args, **kwargs)
        if case.member_id:
            del self.fields["person_name"]
        self.helper = submit_helper(_("Save"))


class HelpForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind of help"), choices=HelpKind.choices)
    given_on = forms.DateField(label=_("given on"), widget=DATE_INPUT, initial=_today)
    base = forms.ModelChoiceField(
        label=_("re-employment base"),
        queryset=ReemploymentBase.objects.none(),
        required=False,
        empty_label=EMPTY_LABEL,
        help_text=_("For a placement at a base: it takes one of the places the base offers that year."),
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["base"].queryset = selectors.base_list(user=user, active_only=True)
        self.fields["base"].label_from_instance = lambda b: f"{b.name}（本年剩余 {max(b.places - b.filled, 0)} 个岗位）"
        empty_labels(self)
        self.helper = submit_helper(_("Record the help"))

    def clean(self):
        data = super().clean()
        if data.get("kind") == HelpKind.BASE and not data.get("base"):
            self.add_error("base", _("Choose the base the person is placed at."))
        if data.get("kind") and data.get("kind") != HelpKind.BASE and data.get("base"):
            self.add_error("base", _("Only a placement at a base names a base."))
        return data


class EmployedForm(forms.Form):
    employed_on = forms.DateField(label=_("employed on"), widget=DATE_INPUT, initial=_today)
    employer_name = forms.CharField(
        label=_("new employer"),
        max_length=100,
        required=False,
        help_text=_("May stay empty for a placement at a base: the base is the employer."),
    )
    via = forms.ModelChoiceField(
        label=_("through the help"),
        queryset=ReemploymentHelp.objects.none(),
        required=False,
        empty_label=_("On their own"),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["via"].queryset = selectors.case_helps(case)
        self.helper = submit_helper(_("Record the employment"))


class CloseForm(forms.Form):
    closed_on = forms.DateField(label=_("closed on"), widget=DATE_INPUT, initial=_today)
    reason = forms.CharField(label=_("reason for closing"), max_length=200)

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(label or _("Close"), danger=True)


class BaseForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    township = forms.ModelChoiceField(label=_("township"), queryset=None, empty_label=EMPTY_LABEL)
    enterprise = forms.ModelChoiceField(label=_("enterprise"), queryset=None, required=False, empty_label=EMPTY_LABEL)
    level = forms.ChoiceField(label=_("level"), choices=BaseLevel.choices)
    recognised_on = forms.DateField(label=_("recognised on"), widget=DATE_INPUT)

    def __init__(self, *args, user, base=None, **kwargs):
        from apps.branches.selectors import enterprise_list

        if base is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": base.name,
                    "enterprise": base.enterprise_id,
                    "level": base.level,
                    "recognised_on": base.recognised_on,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = selectors.township_choices(user=user)
        enterprises = enterprise_list(user=user).filter(archived_at__isnull=True)
        if base is not None:
            del self.fields["township"]
            enterprises = enterprises.filter(township=base.township)
        self.fields["enterprise"].queryset = enterprises.order_by("name")
        empty_labels(self)
        self.helper = submit_helper(_("Save the base"))


class PlacesForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=1995, max_value=2099)
    places = forms.IntegerField(label=_("places offered"), min_value=0, max_value=MAX_PLACES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("year", timezone.localdate().year)
        self.helper = submit_helper(_("Save the places"))


class TargetsForm(forms.Form):
    """One number per township for the year (empty: no target set)."""

    def __init__(self, *args, townships, targets: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.townships = list(townships)
        for township in self.townships:
            self.fields[f"t{township.pk}"] = forms.IntegerField(
                label=township.name, min_value=0, max_value=MAX_TARGET, required=False, initial=targets.get(township.pk)
            )
        self.helper = submit_helper(_("Save the targets"))

    def targets(self):
        for township in self.townships:
            value = self.cleaned_data.get(f"t{township.pk}")
            if value is not None:
                yield township, value
