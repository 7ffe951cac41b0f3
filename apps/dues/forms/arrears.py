"""The arrears forms: a stage of one entry, and the notices of a township's period at once.
Layout and parsing only; the order of the stages and the dates are the service's
(apps.dues.services.arrears), whose refusals land on the form."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.branches.choices import OrgUnitKind
from apps.branches.models import OrgUnit
from apps.core.forms import DATE_INPUT, submit_helper, with_empty_choice

from ..choices import ARREARS_STAGE_ORDER, ArrearsStage, Delivery
from ..filters.arrears import MonthField

NOTE = {"widget": forms.Textarea(attrs={"rows": 2}), "max_length": 500, "required": False}


class ArrearsStageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Arrears stage"))
    done_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    delivery = forms.ChoiceField(
        label=_("How delivered"),
        choices=with_empty_choice(Delivery.choices),
        required=False,
        help_text=_("For a notice: how it reached the enterprise (a court asks)."),
    )
    court = forms.CharField(
        label=_("Court"),
        max_length=100,
        required=False,
        help_text=_("For the payment order: the basic people's court where the enterprise is located."),
    )
    note = forms.CharField(label=_("Note"), **NOTE)

    def __init__(self, *args, next_stage=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(stage.value, stage.label) for stage in ARREARS_STAGE_ORDER]
        self.initial.setdefault("stage", next_stage or ArrearsStage.NOTICE)
        self.initial.setdefault("done_on", timezone.localdate())
        self.helper = submit_helper(_("Record the stage"))


class ArrearsNoticeBatchForm(forms.Form):
    township = forms.ModelChoiceField(label=_("Township"), queryset=OrgUnit.objects.none())
    period = MonthField(label=_("Period (month)"), help_text=_("A month; a quarter that contains it is included."))
    done_on = forms.DateField(label=_("Date of the notices"), widget=DATE_INPUT)
    delivery = forms.ChoiceField(label=_("How delivered"), choices=with_empty_choice(Delivery.choices))
    note = forms.CharField(label=_("Note"), **NOTE)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from apps.branches.selectors import orgunit_list

        townships = orgunit_list(user=user).filter(kind=OrgUnitKind.TOWNSHIP)
        self.fields["township"].queryset = townships
        own = list(townships.values_list("pk", flat=True)[:2])
        if len(own) == 1:  # a township's chair: their own township, chosen already
            self.initial.setdefault("township", own[0])
        self.initial.setdefault("done_on", timezone.localdate())
        self.helper = submit_helper(_("Record the notices"))
