"""Form plumbing shared by every app."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def submit_helper(label=None) -> FormHelper:
    """A crispy FormHelper with one submit button (layout only; no rules here)."""
    helper = FormHelper()
    helper.add_input(Submit("submit", label or _("Save")))
    return helper


def int_param(value) -> int | None:
    """A query-string id as an int, or None. isdigit() alone lets "²" through to int(), a 500."""
    value = str(value or "")
    return int(value) if value.isascii() and value.isdecimal() else None
