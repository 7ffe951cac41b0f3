"""The fund ledger's filters (django-filter): township, enterprise, period range by month, kind
of period, channel, fund, status, owing only. Every choice list is limited to the user's scope;
a value outside it is the form's "选择一个有效的选项", never a row of another township."""

import datetime
import re

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.branches.choices import OrgUnitKind
from apps.branches.models import OrgUnit
from apps.core.widgets import QuickSelect

from ..choices import OWING_STATUSES, Channel, EntryStatus, FundKind, PeriodKind
from ..models import LedgerEntry

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


class MonthField(forms.CharField):
    """A month as the browser's month input sends it (2026-07): its first day, or a Chinese error."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-07"})

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        match = MONTH_PATTERN.match(value) if len(value) <= len("2026-07") else None
        if match is not None:
            year, month = int(match[1]), int(match[2])
            if 1992 <= year <= 2099 and 1 <= month <= 12:
                return datetime.date(year, month, 1)
        raise forms.ValidationError(_("Enter a month as year and month, e.g. 2026-07."), code="invalid")


class MonthFilter(django_filters.Filter):
    field_class = MonthField


class LedgerEntryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Enterprise name or credit code"), max_length=100)
    township = django_filters.ModelChoiceFilter(
        field_name="enterprise__township",
        widget=QuickSelect,
        queryset=OrgUnit.objects.none(),
        label=_("Township"),
        empty_label=_("All"),
    )
    period_from = MonthFilter(field_name="period_start", lookup_expr="gte", label=_("Period from"))
    period_to = MonthFilter(field_name="period_start", lookup_expr="lte", label=_("Period to"))
    period_kind = django_filters.ChoiceFilter(choices=PeriodKind.choices, label=_("Period kind"), empty_label=_("All"))
    channel = django_filters.ChoiceFilter(
        choices=Channel.choices, label=pgettext_lazy("fund", "Channel"), empty_label=_("All")
    )
    fund_kind = django_filters.ChoiceFilter(choices=FundKind.choices, label=_("Fund"), empty_label=_("All"))
    status = django_filters.ChoiceFilter(choices=EntryStatus.choices, label=_("Status"), empty_label=_("All"))
    owing = django_filters.BooleanFilter(method="filter_owing", label=_("Owing only"), widget=forms.CheckboxInput)

    class Meta:
        model = LedgerEntry
        fields = ["q", "township", "period_from", "period_to", "period_kind", "channel", "fund_kind", "status", "owing"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        if user is not None:
            from apps.branches.selectors import orgunit_list

            self.filters["township"].queryset = orgunit_list(user=user).filter(kind=OrgUnitKind.TOWNSHIP)

    def search(self, queryset, name, value):
        from apps.branches.selectors import enterprise_search_is_exact
        from apps.branches.validators import normalize_credit_code

        value = (value or "").strip()
        if not value:
            return queryset
        if enterprise_search_is_exact(value):
            return queryset.filter(enterprise__credit_code=normalize_credit_code(value))
        return queryset.filter(enterprise__name__icontains=value)

    @staticmethod
    def filter_owing(queryset, name, value):
        return queryset.filter(status__in=OWING_STATUSES) if value else queryset
