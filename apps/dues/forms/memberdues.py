"""The membership dues forms: a month ("2026-07"), and a branch's sheet, one row per member.

The rows only read what was typed (numbers, a choice, a reason); whether a row may be saved is
apps.dues.services.memberdues.dues_row_problems's to say.
"""

import datetime
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..choices import DuesExemption
from ..models import PERIOD_RANGE
from ..services.memberdues import DuesRow, dues_month_problem

MONTH_TEXT = re.compile(r"^\s*(\d{4})\s*[-/年.]\s*(\d{1,2})\s*月?\s*$", re.ASCII)


class MonthInput(forms.TextInput):
    input_type = "month"  # the browser's month picker; it submits "2026-07"

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return f"{value:%Y-%m}"
        return super().format_value(value)


class MonthField(forms.Field):
    """A month typed as 2026-07 (or 2026年7月): its first day."""

    widget = MonthInput
    default_error_messages = {"invalid": "请按“年-月”填写月份，例如 2026-07。"}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value.replace(day=1)
        match = MONTH_TEXT.match(str(value))
        if not match or not 1 <= int(match[2]) <= 12:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        month = datetime.date(int(match[1]), int(match[2]), 1)
        if month < PERIOD_RANGE.earliest.replace(day=1) or month.year > 2099:
            raise ValidationError("月份不合理，请核对。", code="implausible")
        return month


class SheetMonthForm(forms.Form):
    """The month of a branch's sheet (the query string's `month`; empty: the current month)."""

    month = MonthField(label=_("month"), required=False)

    def clean_month(self):
        month = self.cleaned_data.get("month")
        if month is not None and (problem := dues_month_problem(month)):
            raise ValidationError(problem)
        return month


class DuesRowForm(forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    basic_wage = forms.DecimalField(label=_("Basic wage declared"), required=False, max_digits=20, decimal_places=4)
    exemption = forms.ChoiceField(
        label=_("Exemption"), required=False, choices=[("", _("Pays dues")), *DuesExemption.choices]
    )
    exemption_reason = forms.CharField(label=_("Reason for the exemption"), required=False, max_length=200)
    collected = forms.DecimalField(label=_("Collected"), required=False, max_digits=20, decimal_places=4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("basic_wage", "collected"):
            # Amounts as text boxes: no browser spinner, and the service refuses a minus in Chinese.
            self.fields[name].widget = forms.TextInput(
                attrs={"inputmode": "decimal", "class": "form-control form-control-sm text-end", "autocomplete": "off"}
            )
        self.fields["exemption"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["exemption_reason"].widget.attrs.update({"class": "form-control form-control-sm"})

    def dues_row(self) -> DuesRow:
        data = self.cleaned_data
        return DuesRow(
            member_id=data["member"],
            basic_wage=data.get("basic_wage"),
            collected=data.get("collected"),
            exemption=data.get("exemption") or "",
            exemption_reason=data.get("exemption_reason") or "",
        )


class BaseDuesSheetFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        members = [form.cleaned_data.get("member") for form in self.forms]
        if None in members:
            raise ValidationError("表格不完整，请刷新页面后重新填写。")


DuesSheetFormSet = forms.formset_factory(
    DuesRowForm,
    formset=BaseDuesSheetFormSet,
    extra=0,
    max_num=settings.DUES_SHEET_MAX_ROWS,
    absolute_max=settings.DUES_SHEET_MAX_ROWS,
    validate_max=True,
)
