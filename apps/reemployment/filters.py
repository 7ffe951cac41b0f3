"""The re-employment lists' filters (django-filter), limited to the user's townships."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.branches.models import OrgUnit
from apps.core.widgets import QuickSelect

from . import selectors
from .choices import CaseReason, CaseStatus
from .models import ReemploymentBase, ReemploymentCase


def year_choices():
    this_year = timezone.localdate().year
    return [(year, f"{year}年") for year in range(this_year, this_year - 10, -1)]


class CaseFilter(django_filters.FilterSet):
    township = django_filters.ModelChoiceFilter(
        widget=QuickSelect, queryset=OrgUnit.objects.none(), label=_("township"), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices, label=_("status"), empty_label=_("All"))
    reason = django_filters.ChoiceFilter(choices=CaseReason.choices, label=_("reason"), empty_label=_("All"))
    year = django_filters.ChoiceFilter(
        choices=year_choices, label=_("registered in"), empty_label=_("All"), field_name="registered_on__year"
    )
    employed_year = django_filters.ChoiceFilter(
        choices=year_choices, label=_("re-employed in"), empty_label=_("All"), method="filter_employed_year"
    )

    class Meta:
        model = ReemploymentCase
        fields = ["township", "status", "reason", "year", "employed_year"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        if user is not None:
            self.filters["township"].queryset = selectors.township_choices(user=user)

    def filter_employed_year(self, queryset, name, value):
        return queryset.filter(selectors.reemployed_q(int(value)))


class BaseFilter(django_filters.FilterSet):
    township = django_filters.ModelChoiceFilter(
        widget=QuickSelect, queryset=OrgUnit.objects.none(), label=_("township"), empty_label=_("All")
    )
    closed = django_filters.ChoiceFilter(
        choices=[
            ("0", pgettext_lazy("re-employment base", "Active")),
            ("1", pgettext_lazy("re-employment base", "Closed")),
        ],
        label=_("status"),
        empty_label=_("All"),
        method="filter_closed",
    )

    class Meta:
        model = ReemploymentBase
        fields = ["township", "closed"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        if user is not None:
            self.filters["township"].queryset = selectors.township_choices(user=user)

    def filter_closed(self, queryset, name, value):
        return queryset.filter(closed_on__isnull=value == "0")
