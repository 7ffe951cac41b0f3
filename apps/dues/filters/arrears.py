"""The arrears list's filters: township, stage, age band, period, and `due=remind` (the entries
due a reminder: the to-do's and the reminders' link). Every rule is the selectors' (one place)."""

import datetime
import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.branches.choices import OrgUnitKind
from apps.branches.models import OrgUnit
from apps.core.widgets import QuickSelect

from ..choices import ArrearsStage
from ..models import LedgerEntry
from ..selectors.arrears import AGE_BANDS, NOT_CHASED, age_band_q, arrears_today, owing_q, reminder_due_q

STAGE_CHOICES = [(NOT_CHASED, _("Not chased yet")), *ArrearsStage.choices]
AGE_CHOICES = [(key, label) for key, label, *_rest in AGE_BANDS]
DUE_CHOICES = [("remind", _("Due a reminder"))]
MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class MonthField(forms.CharField):
    """A month typed as 2026-07 (the browser's month input): its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-07"})

    def to_python(self, value):
        value = (super().to_python(value) or "").strip()
        if not value:
            return None
        match = MONTH.match(value)
        if not match or not 1 <= int(match.group(2)) <= 12 or not 1992 <= int(match.group(1)) <= 2099:
            raise ValidationError("请按“2026-07”的格式填写月份。")
        return datetime.date(int(match.group(1)), int(match.group(2)), 1)


class MonthFilter(django_filters.Filter):
    field_class = MonthField


class ArrearsFilter(django_filters.FilterSet):
    township = django_filters.ModelChoiceFilter(
        field_name="enterprise__township",
        widget=QuickSelect,
        queryset=OrgUnit.objects.none(),
        label=_("Township"),
        empty_label=_("All"),
    )
    stage = django_filters.ChoiceFilter(
        choices=STAGE_CHOICES, method="filter_stage", label=_("Arrears stage"), empty_label=_("All")
    )
    age = django_filters.ChoiceFilter(
        choices=AGE_CHOICES, method="filter_age", label=_("Age since the period's end"), empty_label=_("All")
    )
    period = MonthFilter(method="filter_period", label=_("Period (month)"))
    due = django_filters.ChoiceFilter(
        choices=DUE_CHOICES, method="filter_due", label=_("Reminder"), empty_label=_("All")
    )

    class Meta:
        model = LedgerEntry
        fields = ["township", "stage", "age", "period", "due"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        if user is not None:
            from apps.branches.selectors import orgunit_list

            self.filters["township"].queryset = orgunit_list(user=user).filter(kind=OrgUnitKind.TOWNSHIP)

    @staticmethod
    def filter_stage(queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(stage_now="" if value == NOT_CHASED else value)

    @staticmethod
    def filter_age(queryset, name, value):
        if not value:
            return queryset
        # The age of money still owed: what the ageing report counts (a settled case has no age).
        today = arrears_today()
        return queryset.filter(owing_q(today) & age_band_q(value, today))

    @staticmethod
    def filter_period(queryset, name, value):
        if value is None:
            return queryset
        # A month picks its own entries and the quarter that contains it.
        return queryset.filter(period_start__lte=value, period_end__gte=value)

    @staticmethod
    def filter_due(queryset, name, value):
        return queryset.filter(reminder_due_q(arrears_today())) if value == "remind" else queryset
