"""Plausibility of what offices type about a member: one rule each, used everywhere.

The mobile rule and the date ranges below are used by the model fields (so `full_clean()` in
every service, ModelForms and admin apply them), by the member forms and by the roster import
(`roster.py` checks, `imports.py` writes), so a dry run that says "valid" cannot fail at write
time and a form cannot store what an import would refuse.
"""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from apps.core.dates import PlausibleDateValidator

# --- mobile numbers ---------------------------------------------------------------------------------

# A mainland mobile number: 11 ASCII digits starting with 1 (13x–19x; 10x–12x are not mobiles).
# [0-9], not \d: \d also matches Arabic-Indic and other Unicode digits.
MOBILE_RE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)
MOBILE_MESSAGE = "手机号码应为以 1 开头的 11 位数字（如 13812345678），请核对后重新填写。"
# What offices put between the digits: spaces, dashes, dots and brackets (full-width ones are
# folded to ASCII by NFKC first).
_MOBILE_JUNK = re.compile(r"[\s\-–—()./]")


def normalize_mobile(value: object) -> str:
    """What offices type, as the digits stored: the one place this is done.

    Full-width digits (１３８…) become ASCII, spaces, dashes, dots and brackets go, a +86 / 0086
    / 86 country prefix goes. Anything else is left as it is, for `validate_mobile` to refuse.
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():  # a number cell of a spreadsheet
        value = int(value)
    text = _MOBILE_JUNK.sub("", unicodedata.normalize("NFKC", str(value)))
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    return text


def is_mobile(value: str) -> bool:
    """Whether an already normalised value is a mainland mobile number."""
    return bool(value) and MOBILE_RE.fullmatch(value) is not None


def validate_mobile(value: str) -> None:
    """Validator of the member's mobile (empty allowed: the field is optional)."""
    if value and not is_mobile(value):
        raise ValidationError(MOBILE_MESSAGE, code="invalid_mobile")


def mask_mobile(value: str) -> str:
    """138****5678 for a mobile; for anything else stored (older rows), nothing of it at all.

    Masking never depends on the length alone: a value that is not a mobile number shows "****",
    so a 10-digit or otherwise malformed number is never shown or exported whole.
    """
    if not value:
        return ""
    if is_mobile(value):
        return f"{value[:3]}****{value[-4:]}"
    return "****"


class MobileFormField(forms.CharField):
    """A mobile input that accepts what offices type and cleans it to the 11 digits."""

    def __init__(self, *, max_length=None, min_length=None, **kwargs):
        # The length is the validator's business: "+86 138-1234-5678" must fit in the box.
        super().__init__(**kwargs)
        self.validators.append(validate_mobile)

    def to_python(self, value):
        return normalize_mobile(super().to_python(value))

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "maxlength": "20", "inputmode": "tel", "autocomplete": "off"}


class MobileField(models.CharField):
    """The member's mobile: normalised and checked by `full_clean()`, whoever saves it."""

    default_validators = [validate_mobile]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 11)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return normalize_mobile(super().to_python(value))

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": MobileFormField, **kwargs})


# --- dates --------------------------------------------------------------------------------------------

# Per field (the database keeps the fixed 1900–2099 window of apps.core.dates):
# born, joined and left between 1900-01-01 and today.
BIRTH_DATE_RANGE = PlausibleDateValidator(max_days_ahead=0)
JOIN_DATE_RANGE = PlausibleDateValidator(max_days_ahead=0)
LEFT_ON_RANGE = PlausibleDateValidator(max_days_ahead=0)
