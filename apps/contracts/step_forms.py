"""One form per step of a contract's clock: layout and parsing only.

Whether a step may be taken and whether its dates and counts hold is the service's
(apps.contracts.services.steps); its refusal lands on the form (apps.core.mixins.ServiceFormMixin).
Each form's field names are the service's keyword arguments, so the view passes
`cleaned_data` as it is (the review form says which of its three services it is).
"""

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.forms import DATE_INPUT, submit_helper, with_empty_choice

from .choices import DocumentKind, Party, StepKind, VoteBody

NOTE = {"widget": forms.Textarea(attrs={"rows": 2}), "max_length": 2000, "required": False}
# A count of delegates or workers: beyond any enterprise or region (and within PostgreSQL's integer).
COUNT = {"min_value": 0, "validators": [MaxValueValidator(10_000_000)]}


def _date(label, **options):
    return forms.DateField(label=label, widget=DATE_INPUT, **options)


class StepForm(forms.Form):
    """A step's form: its date fields start at today (Shanghai), one submit button."""

    submit_label = _("Save")
    danger = False
    today_fields: tuple[str, ...] = ()

    def __init__(self, *args, contract=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract = contract
        today = timezone.localdate()
        for name in self.today_fields:
            self.initial.setdefault(name, today)
        self.helper = submit_helper(self.submit_label, danger=self.danger)


class AnswerForm(StepForm):
    answered_on = _date(_("Answered on"), help_text=_("The day the other side answered the request in writing."))
    note = forms.CharField(label=_("Note"), **NOTE)
    submit_label = _("Record the answer")
    today_fields = ("answered_on",)


class MeetingForm(StepForm):
    held_on = _date(_("Held on"))
    place = forms.CharField(label=_("Place"), max_length=200)
    note = forms.CharField(
        label=_("Minutes in brief"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
        help_text=_("Upload the minutes themselves under the contract's documents."),
    )
    submit_label = _("Record the meeting")
    today_fields = ("held_on",)


class VoteForm(StepForm):
    voted_on = _date(_("Voted on"))
    vote_body = forms.ChoiceField(label=_("Voted by"), choices=VoteBody.choices, initial=VoteBody.CONGRESS)
    voters_total = forms.IntegerField(
        label=_("Delegates (or workers) in all"),
        help_text=_("All delegates of the workers' congress, or all workers for an all-workers vote."),
        **COUNT,
    )
    voters_present = forms.IntegerField(label=_("Present"), **COUNT)
    votes_in_favour = forms.IntegerField(label=_("In favour"), **COUNT)
    note = forms.CharField(label=_("Note"), **NOTE)
    submit_label = _("Record the vote")
    today_fields = ("voted_on",)


class SignForm(StepForm):
    signed_on = _date(_("Signed on"))
    term_start = _date(_("Contract term starts"))
    term_end = _date(_("Contract term ends"))
    term_reason = forms.CharField(
        label=_("Why the term is outside the usual range"),
        max_length=300,
        required=False,
        help_text=_("Only for a term shorter than one year or longer than three."),
    )
    note = forms.CharField(label=_("Note"), **NOTE)
    submit_label = _("Record the signing")
    today_fields = ("signed_on",)

    def __init__(self, *args, contract=None, **kwargs):
        super().__init__(*args, contract=contract, **kwargs)
        if contract is not None:
            if contract.term_start:
                self.initial.setdefault("term_start", contract.term_start)
            if contract.term_end:
                self.initial.setdefault("term_end", contract.term_end)
            if contract.term_reason:
                self.initial.setdefault("term_reason", contract.term_reason)


class SendForm(StepForm):
    sent_on = _date(_("Sent on"))
    received_on = _date(
        _("Received by the administration on"),
        required=False,
        help_text=_("If already known; it can also be recorded later under the review result."),
    )
    note = forms.CharField(label=_("Note"), **NOTE)
    submit_label = _("Record the sending")
    today_fields = ("sent_on",)


# The review form's outcomes: the step each one records (and the service the view calls).
REVIEW_OUTCOMES = {
    StepKind.RECEIVE: _("Received by the administration (the review period starts)"),
    StepKind.OBJECTION: _("The administration objected (back to negotiation)"),
    StepKind.APPROVAL: _("The administration approved (in force)"),
}


class ReviewForm(StepForm):
    outcome = forms.ChoiceField(label=_("Review result"), widget=forms.RadioSelect)
    happened_on = _date(_("Date"), help_text=_("The day it was received, the objection dated, or the approval given."))
    objection = forms.CharField(
        label=_("The objection"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
        help_text=_("Only for an objection: the review opinion's text."),
    )
    note = forms.CharField(label=_("Note"), **NOTE)
    submit_label = _("Record the review result")
    today_fields = ("happened_on",)

    def __init__(self, *args, outcomes=tuple(REVIEW_OUTCOMES), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(step.value, REVIEW_OUTCOMES[step]) for step in outcomes]
        if len(outcomes) == 1:
            self.initial.setdefault("outcome", outcomes[0].value)


class RenewForm(StepForm):
    requested_on = _date(_("Requested on"))
    requested_by = forms.ChoiceField(label=_("Requested by"), choices=with_empty_choice(Party.choices))
    note = forms.CharField(label=_("Note"), **NOTE)
    submit_label = _("Ask to renew")
    today_fields = ("requested_on",)


class CloseForm(StepForm):
    closed_on = _date(_("Closed on"))
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}), max_length=300)
    submit_label = _("Close the bargaining")
    danger = True
    today_fields = ("closed_on",)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=with_empty_choice(DocumentKind.choices))
    file = forms.FileField(label=_("File (PDF, JPG or PNG)"))
