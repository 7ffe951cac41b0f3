"""The training pages' forms: layout and choices only. Whether a programme may be opened, a
trainee nominated or attendance entered is the services' (apps.training.services), whose
refusals land on these forms (apps.core.mixins.ServiceFormMixin)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.branches.choices import OrgUnitKind
from apps.branches.models import Officer, OrgUnit
from apps.core.forms import DATE_INPUT, EMPTY_LABEL, empty_labels, submit_helper
from apps.core.widgets import Autocomplete

from .choices import ProgrammeKind, TargetGroup
from .models import Programme, Session
from .services import PROGRAMME_UPDATABLE_FIELDS, AttendanceEntry

MAX_PLACES = 1000
HOURS_MAX = Decimal("24")


def _model_field(model, name):
    return model._meta.get_field(name)


class ProgrammeForm(forms.ModelForm):
    """A programme's details. On creation the organiser is chosen among the units the user runs
    (the county union: a county batch; a township union: its own class)."""

    organiser = forms.ModelChoiceField(
        label=_("organiser"),
        queryset=OrgUnit.objects.none(),
        empty_label=EMPTY_LABEL,
        help_text=_("The county union runs a county batch; a township union runs its own class."),
    )
    target_groups = forms.TypedMultipleChoiceField(
        label=_("target groups"), choices=TargetGroup.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    capacity = forms.IntegerField(
        label=_("capacity"),
        min_value=1,
        max_value=MAX_PLACES,
        required=False,
        help_text=_("Leave empty for the default: 150 for a county batch, 60 for a township class."),
    )

    class Meta:
        model = Programme
        fields = ["organiser", *PROGRAMME_UPDATABLE_FIELDS]
        widgets = {
            "starts_on": DATE_INPUT,
            "ends_on": DATE_INPUT,
            "signup_opens_on": DATE_INPUT,
            "signup_closes_on": DATE_INPUT,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from apps.branches.selectors import orgunit_list

        if self.instance.pk:
            del self.fields["organiser"]
            self.fields["capacity"].required = True
        else:
            self.fields["organiser"].queryset = (
                orgunit_list(user=user).filter(kind__in=[OrgUnitKind.COUNTY, OrgUnitKind.TOWNSHIP]).order_by("path")
            )
            units = list(self.fields["organiser"].queryset[:2])
            if len(units) == 1:
                self.initial.setdefault("organiser", units[0].pk)
        empty_labels(self)
        self.helper = submit_helper(_("Save the programme") if self.instance.pk else _("Open the programme"))

    def _post_clean(self):
        # The rules (dates, sign-up window, capacity) are the model's, run by the service.
        pass

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        organiser = data.pop("organiser", None)
        if organiser is not None:
            data["organiser"] = organiser
            data["kind"] = (
                ProgrammeKind.COUNTY_BATCH if organiser.kind == OrgUnitKind.COUNTY else ProgrammeKind.TOWNSHIP_CLASS
            )
            data["year"] = data["starts_on"].year
        data["target_groups"] = list(data.get("target_groups") or [])
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("reason for cancelling"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Cancel the programme"), danger=True)


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["held_on", "hours", "subject", "teacher"]
        widgets = {"held_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hours"].min_value = Decimal("0.5")
        self.fields["hours"].max_value = HOURS_MAX
        self.fields["hours"].widget.attrs.update(min="0.5", max="24", step="0.5")
        self.helper = submit_helper()

    def _post_clean(self):
        pass


class QuotaForm(forms.Form):
    """Places per township of a county batch (名额分配): one number per township."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            township = row["township"]
            self.fields[f"township_{township.pk}"] = forms.IntegerField(
                label=township.name,
                min_value=0,
                max_value=MAX_PLACES,
                required=False,
                initial=row["quota"] or 0,
                help_text=_("%(enrolled)s enrolled, %(waiting)s waiting")
                % {"enrolled": row["enrolled"], "waiting": row["waiting"]},
            )
        self.helper = submit_helper(_("Save the quotas"))

    def places(self) -> dict:
        """{township: places} for the townships whose box was filled in."""
        return {
            row["township"]: self.cleaned_data[f"township_{row['township'].pk}"]
            for row in self.rows
            if self.cleaned_data.get(f"township_{row['township'].pk}") is not None
        }


class NominationForm(forms.Form):
    """One trainee: an officer of a union in the user's township, or a member."""

    officer = forms.ModelChoiceField(
        label=_("Union officer"),
        queryset=Officer.objects.none(),
        required=False,
        widget=Autocomplete("training:officer_autocomplete"),
        empty_label=EMPTY_LABEL,
        help_text=_("Type a name: the officers in post of the unions in your area."),
    )
    member = forms.ModelChoiceField(
        label=_("or a member"),
        queryset=Officer.objects.none(),
        required=False,
        widget=Autocomplete("members:member_autocomplete"),
        empty_label=EMPTY_LABEL,
        help_text=_("An activist who holds no office: search the members by name."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from apps.members.selectors import member_list

        from .selectors import cadres_in_post

        self.fields["officer"].queryset = cadres_in_post(user=user).select_related("union")
        self.fields["member"].queryset = member_list(user=user)
        self.helper = submit_helper(_("Nominate"))

    def clean(self):
        data = super().clean()
        if not self.errors and (data.get("officer") is None) == (data.get("member") is None):
            raise forms.ValidationError(_("Choose one trainee: an officer or a member."))
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("reason for withdrawing"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Withdraw"), danger=True)


class AttendanceForm(forms.Form):
    """A session's sign-in list: present and hours for every enrolled trainee, in one POST."""

    def __init__(self, *args, session, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.rows = rows
        for row in rows:
            pk, entry = row["nomination"].pk, row["attendance"]
            self.fields[f"present_{pk}"] = forms.BooleanField(
                label=_("present"), required=False, initial=entry.present if entry else True
            )
            self.fields[f"hours_{pk}"] = forms.DecimalField(
                label=_("hours"),
                required=False,
                min_value=Decimal("0"),
                max_value=session.hours,
                decimal_places=1,
                initial=entry.hours if entry else session.hours,
            )
            self.fields[f"hours_{pk}"].widget.attrs.update(step="0.5", min="0", max=str(session.hours))
            row["present_field"] = self[f"present_{pk}"]
            row["hours_field"] = self[f"hours_{pk}"]

    def entries(self) -> list[AttendanceEntry]:
        entries = []
        for row in self.rows:
            pk = row["nomination"].pk
            present = self.cleaned_data[f"present_{pk}"]
            hours = self.cleaned_data.get(f"hours_{pk}")
            if not present:
                hours = Decimal("0")
            entries.append(AttendanceEntry(nomination_id=pk, present=present, hours=hours))
        return entries


class ScoreForm(forms.Form):
    """The enrolled trainees' scores (optional, 0–100), in one POST."""

    def __init__(self, *args, nominations, **kwargs):
        super().__init__(*args, **kwargs)
        self.nominations = nominations
        for nomination in nominations:
            self.fields[f"score_{nomination.pk}"] = forms.DecimalField(
                label=nomination.trainee_name,
                required=False,
                min_value=Decimal("0"),
                max_value=Decimal("100"),
                decimal_places=1,
                initial=nomination.score,
            )
        self.helper = submit_helper(_("Save the scores"))

    def scores(self) -> dict:
        return {n: self.cleaned_data.get(f"score_{n.pk}") for n in self.nominations}
