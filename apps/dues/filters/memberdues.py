"""Filters of the membership dues lists: the month of the summary, the township or union."""

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.branches.choices import OrgUnitKind
from apps.branches.models import OrgUnit
from apps.branches.selectors import orgunit_list
from apps.core.widgets import QuickSelect
from apps.members.models import Member

from ..forms.memberdues import MonthField
from ..selectors.memberdues import current_month, dues_summary_annotate, dues_union_list


class MonthFilter(django_filters.Filter):
    field_class = MonthField

    def filter(self, queryset, value):
        return queryset  # the month chooses the figures (dues_summary_annotate), not the rows


def _townships(user):
    return orgunit_list(user=user).filter(kind=OrgUnitKind.TOWNSHIP)


class DuesSummaryFilter(django_filters.FilterSet):
    """The branches' figures for one month (empty: the current month), in a township."""

    month = MonthFilter(label=_("month"))
    township = django_filters.ModelChoiceFilter(
        widget=QuickSelect, queryset=OrgUnit.objects.none(), label=_("Township"), empty_label="全部", method="in_unit"
    )

    class Meta:
        model = OrgUnit
        fields = ["month", "township"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        if user is not None:
            self.filters["township"].queryset = _townships(user)

    def in_unit(self, queryset, name, value):
        return queryset.filter(path__startswith=value.path)

    def chosen_month(self):
        data = self.form.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("month") or current_month()

    def filter_queryset(self, queryset):
        return dues_summary_annotate(super().filter_queryset(queryset), self.chosen_month())


class DuesOverdueFilter(django_filters.FilterSet):
    township = django_filters.ModelChoiceFilter(
        widget=QuickSelect, queryset=OrgUnit.objects.none(), label=_("Township"), empty_label="全部", method="in_unit"
    )
    union = django_filters.ModelChoiceFilter(
        widget=QuickSelect, queryset=OrgUnit.objects.none(), label=_("Union"), empty_label="全部"
    )

    class Meta:
        model = Member
        fields = ["township", "union"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        if user is not None:
            self.filters["township"].queryset = _townships(user)
            self.filters["union"].queryset = dues_union_list(user=user).only("pk", "name")

    def in_unit(self, queryset, name, value):
        return queryset.filter(union__path__startswith=value.path)
