"""Forms of the finance part: the report period, and the finance transfer list (its rows, or pasted)."""

from decimal import Decimal

from django import forms
from django.utils import timezone

from apps.core.forms import DATE_INPUT

from ..choices import PeriodKind
from ..models import PAID_RANGE
from ..selectors.finance import YEAR, ReportPeriod, default_period, period_choices, period_from_key

MONEY_FIELD = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0.00"), "required": False}


class PeriodForm(forms.Form):
    """?period=2026-07 | 2026-Q3 | 2026: which period a report shows (a bad one: the default)."""

    period = forms.ChoiceField(label="期间", required=False)

    def __init__(self, *args, kinds=(PeriodKind.MONTH, PeriodKind.QUARTER, YEAR), default_kind=PeriodKind.MONTH, **kw):
        super().__init__(*args, **kw)
        self.kinds = kinds
        self.default_kind = default_kind
        self.fields["period"].choices = period_choices(kinds=kinds)

    def chosen(self) -> ReportPeriod:
        key = self.data.get("period") if self.is_bound else None
        period = period_from_key(key)
        if period is None or period.kind not in self.kinds:
            return default_period(kind=self.default_kind)
        return period


class TransferListForm(forms.Form):
    """What a whole list shares: the day the money arrived and the finance bureau's voucher."""

    paid_on = forms.DateField(label="到账日期", widget=DATE_INPUT, validators=[PAID_RANGE])
    reference = forms.CharField(label="拨款凭证号", max_length=60, required=False)
    paste = forms.CharField(
        label="粘贴财政局清单",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "class": "form-control font-monospace"}),
        help_text="每行一个单位：统一社会信用代码或单位名称、工资总额、划拨金额，以 Tab（从 Excel 复制）或空格分隔；"
        "金额可带千分位逗号。表头行和合计行会被跳过。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("paid_on", timezone.localdate())

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise forms.ValidationError("到账日期不能晚于今天。")
        return paid_on


class TransferRowForm(forms.Form):
    """One unit's row on the page: its payroll and the amount transferred for the period, in all."""

    enterprise = forms.IntegerField(widget=forms.HiddenInput)
    payroll = forms.DecimalField(label="工资总额", **MONEY_FIELD)
    amount = forms.DecimalField(label="划拨金额", **MONEY_FIELD)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("payroll", "amount"):
            self.fields[name].widget.attrs.update({"class": "form-control form-control-sm text-end", "step": "0.01"})


TransferRowFormSet = forms.formset_factory(TransferRowForm, extra=0, max_num=5000, absolute_max=5000)


def transfer_initial(units) -> list[dict]:
    """The page's rows from the units (finance_transfer_units): what is recorded, to be corrected."""
    return [
        {
            "enterprise": unit.pk,
            "payroll": unit.entry_payroll,
            "amount": unit.transferred if unit.entry_id is not None else None,
        }
        for unit in units
    ]


__all__ = ["PeriodForm", "TransferListForm", "TransferRowFormSet", "transfer_initial"]
