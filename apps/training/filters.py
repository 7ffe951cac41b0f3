"""The training lists' filters (django-filter). Every choice list is limited to the user's scope:
a value outside it is the form's "选择一个有效的选项", never another township's rows."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.branches.choices import OrgUnitKind
from apps.branches.models import OrgUnit
from apps.core.widgets import QuickSelect

from .choices import ProgrammeKind, ProgrammeStatus
from .models import Programme
from .selectors import DEFAULT_YEARS

MAX_YEARS = 10


def year_choices():
    this_year = timezone.localdate().year
    return [(year, f"{year}年") for year in range(this_year + 1, this_year - 6, -1)]


class ProgrammeFilter(django_filters.FilterSet):
    year = django_filters.ChoiceFilter(choices=year_choices, label=_("year"), empty_label=_("All"))
    kind = django_filters.ChoiceFilter(choices=ProgrammeKind.choices, label=_("kind"), empty_label=_("All"))
    organiser = django_filters.ModelChoiceFilter(
        widget=QuickSelect, queryset=OrgUnit.objects.none(), label=_("organiser"), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(choices=ProgrammeStatus.choices, label=_("status"), empty_label=_("All"))
    places_left = django_filters.ChoiceFilter(
        choices=[("1", _("Sign-up open, my township's places not filled"))],
        label=_("Places"),
        empty_label=_("All"),
        method="filter_places_left",
    )

    class Meta:
        model = Programme
        fields = ["year", "kind", "organiser", "status", "places_left"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.user = user
        if user is not None:
            from apps.branches.selectors import orgunit_list

            from .selectors import _ancestor_paths, user_scope_path

            prefix = user_scope_path(user) or ""
            kinds = [OrgUnitKind.COUNTY, OrgUnitKind.TOWNSHIP]
            # The units whose programmes the user sees: their area's, and the county above a township.
            self.filters["organiser"].queryset = (
                orgunit_list(user=user).filter(kind__in=kinds)
                | OrgUnit.objects.filter(kind__in=kinds, path__in=_ancestor_paths(prefix) if prefix else [])
            ).order_by("path")

    def filter_places_left(self, queryset, name, value):
        from .selectors import programmes_with_places_left

        return programmes_with_places_left(queryset, user=self.user) if value else queryset


class UntrainedFilter(django_filters.FilterSet):
    """The 未培训干部 list: a township, and the years counted back (default 2). The years are read
    by the view (the selector's argument); the filter validates them."""

    township = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        queryset=OrgUnit.objects.none(),
        label=_("Township"),
        empty_label=_("All"),
        method="in_township",
    )
    years = django_filters.NumberFilter(
        label=_("Not trained in the last (years)"),
        method="counted_by_view",
        min_value=1,
        max_value=MAX_YEARS,
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_YEARS, "placeholder": str(DEFAULT_YEARS)}),
    )

    class Meta:
        model = OrgUnit
        fields = ["township", "years"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["years"].field_class = forms.IntegerField
        if user is not None:
            from apps.branches.selectors import orgunit_list

            self.filters["township"].queryset = orgunit_list(user=user).filter(kind=OrgUnitKind.TOWNSHIP)

    @staticmethod
    def in_township(queryset, name, value):
        return queryset.filter(union__path__startswith=value.path) if value else queryset

    @staticmethod
    def counted_by_view(queryset, name, value):
        return queryset
