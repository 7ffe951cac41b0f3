"""The hardship-aid lists' filters (django-filter), limited to the user's townships."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.branches.models import OrgUnit
from apps.core.widgets import QuickSelect

from . import selectors
from .choices import AidKind, FundSource, HardshipReason
from .models import AidCampaign, AidRecord, HardshipFile


def year_choices():
    this_year = timezone.localdate().year
    return [(year, f"{year}年") for year in range(this_year, this_year - 10, -1)]


FILE_STATUSES = [
    ("open", pgettext_lazy("hardship file", "Open")),
    ("closed", pgettext_lazy("hardship file", "Closed")),
    ("due", _("Review due")),
]


class FileFilter(django_filters.FilterSet):
    township = django_filters.ModelChoiceFilter(
        widget=QuickSelect, queryset=OrgUnit.objects.none(), label=_("township"), empty_label=_("All")
    )
    reason = django_filters.ChoiceFilter(
        choices=HardshipReason.choices, label=_("reason for hardship"), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        choices=FILE_STATUSES, label=_("status"), empty_label=_("All"), method="filter_status"
    )
    year = django_filters.ChoiceFilter(
        choices=year_choices, label=_("opened in"), empty_label=_("All"), field_name="opened_on__year"
    )
    member = django_filters.NumberFilter(method="filter_member", widget=forms.HiddenInput)

    class Meta:
        model = HardshipFile
        fields = ["township", "reason", "status", "year", "member"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        if user is not None:
            self.filters["township"].queryset = selectors.township_choices(user=user)
            if not selectors.may_see_details(user):
                # Filtering by the reason would tell it: not for those who may not see it.
                del self.filters["reason"]

    def filter_status(self, queryset, name, value):
        return _status(queryset, value)

    def filter_member(self, queryset, name, value):
        return queryset.filter(member_id=value)


def _status(queryset, value):
    if value == "open":
        return queryset.filter(closed_on__isnull=True)
    if value == "closed":
        return queryset.filter(closed_on__isnull=False)
    if value == "due":
        return queryset.filter(selectors.review_due_q())
    return queryset


class RecordFilter(django_filters.FilterSet):
    township = django_filters.ModelChoiceFilter(
        widget=QuickSelect, queryset=OrgUnit.objects.none(), label=_("township"), empty_label=_("All")
    )
    campaign = django_filters.ModelChoiceFilter(
        queryset=AidCampaign.objects.none(), label=_("campaign"), empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(choices=AidKind.choices, label=_("kind of aid"), empty_label=_("All"))
    fund = django_filters.ChoiceFilter(
        choices=FundSource.choices, label=pgettext_lazy("aid", "fund"), empty_label=_("All")
    )
    year = django_filters.ChoiceFilter(
        choices=year_choices, label=_("given in"), empty_label=_("All"), field_name="given_on__year"
    )
    member = django_filters.NumberFilter(field_name="member_id", widget=forms.HiddenInput)

    class Meta:
        model = AidRecord
        fields = ["township", "campaign", "kind", "fund", "year", "member"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        if user is not None:
            self.filters["township"].queryset = selectors.township_choices(user=user)
            self.filters["campaign"].queryset = (
                selectors.campaign_list(user=user).select_related(None).only("pk", "name", "year")
            )


class CampaignFilter(django_filters.FilterSet):
    year = django_filters.ChoiceFilter(choices=year_choices, label=_("year"), empty_label=_("All"))
    kind = django_filters.ChoiceFilter(choices=AidKind.choices, label=_("kind of aid"), empty_label=_("All"))

    class Meta:
        model = AidCampaign
        fields = ["year", "kind"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
