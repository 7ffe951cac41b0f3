from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.branches.models import Enterprise
from apps.core.forms import EMPTY_LABEL, submit_helper, with_empty_choice
from apps.core.widgets import Autocomplete

from .choices import AnswerMethod, Category, Channel, ReferredTo, Satisfaction, Status
from .models import ComplainantPhoneFormField, Complaint

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ComplaintForm(forms.Form):
    received_at = forms.DateTimeField(
        label=_("Received at"),
        widget=DATETIME_INPUT,
        validators=Complaint._meta.get_field("received_at").validators,  # the model's plausible range
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"),
        queryset=Enterprise.objects.none(),
        widget=Autocomplete("branches:enterprise_autocomplete"),
        empty_label=EMPTY_LABEL,
    )
    category = forms.ChoiceField(label=_("Category"), choices=with_empty_choice(Category.choices))
    anonymous = forms.BooleanField(label=_("Anonymous complaint"), required=False)
    complainant_name = forms.CharField(label=_("Complainant"), max_length=50, required=False)
    complainant_mobile = ComplainantPhoneFormField(label=_("Complainant's mobile"), required=False)
    confidential = forms.BooleanField(
        label=_("Keep the complainant confidential from the enterprise"), required=False, initial=True
    )
    consent_to_name = forms.BooleanField(
        label=_("The complainant separately agrees to be named in a public posting"), required=False
    )
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    request = forms.CharField(
        label=_("What the complainant asks for"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from apps.branches.selectors import enterprise_list

        self.fields["enterprise"].queryset = enterprise_list(user=user).filter(archived_at__isnull=True)
        self.initial.setdefault("received_at", timezone.localtime().replace(second=0, microsecond=0))
        self.helper = submit_helper(_("Register the complaint"))


class TransitionForm(forms.Form):
    """One form for every step; the fields a step needs are shown, the service checks them.

    An answer or a posting takes when it was given (default now): the model's range (not later
    than now) here, and "not before the complaint came in" from Complaint.clean() through the
    service, shown on this field."""

    answered_at = forms.DateTimeField(
        label=_("Answered at"),
        widget=DATETIME_INPUT,
        validators=Complaint._meta.get_field("answered_at").validators,
    )
    answer_method = forms.ChoiceField(label=_("Answered how"), choices=with_empty_choice(AnswerMethod.choices))
    answer_text = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    posted_where = forms.CharField(label=_("Posted where"), max_length=200)
    posted_text = forms.CharField(label=_("Posted text"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    referred_to = forms.ChoiceField(label=_("Referred to"), choices=with_empty_choice(ReferredTo.choices))
    satisfaction = forms.ChoiceField(label=_("Satisfaction"), choices=with_empty_choice(Satisfaction.choices))
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)

    FIELDS_BY_STATUS = {
        Status.ANSWERED: ["answered_at", "answer_method", "answer_text"],
        Status.POSTED: ["answered_at", "posted_where", "posted_text"],
        Status.REFERRED: ["referred_to"],
        Status.CLOSED: ["satisfaction"],
    }

    def __init__(self, *args, to_status, **kwargs):
        super().__init__(*args, **kwargs)
        keep = {"note", *self.FIELDS_BY_STATUS.get(to_status, [])}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "answered_at" in self.fields:
            field = self.fields["answered_at"]
            if to_status == Status.POSTED:
                field.label = pgettext_lazy("complaints", "Posted at")
                field.help_text = _("When the result was posted; it may be earlier than today.")
            else:
                field.help_text = _("When the answer was given (a phone answer given yesterday: yesterday's date).")
            self.initial.setdefault("answered_at", timezone.localtime().replace(second=0, microsecond=0))
        self.helper = submit_helper(_("Confirm"))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Evidence (JPG, PNG or PDF, up to 5 MB)"))
