import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.dates import DB_EARLIEST, DB_LATEST
from apps.core.widgets import QuickSelect

from .choices import GRASSROOTS_KINDS, FormationForm, MeetingKind, OrgUnitKind, Ownership, UnionStatus
from .models import Enterprise, Meeting, OrgUnit

YES_NO_ALL = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]


class ScopedFilterSet(django_filters.FilterSet):
    """A filter set whose township choices are the user's townships."""

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        if user is not None and "township" in self.filters:
            from .selectors import orgunit_list

            self.filters["township"].queryset = orgunit_list(user=user).filter(kind=OrgUnitKind.TOWNSHIP)

    @staticmethod
    def in_township(queryset, relation, township):
        if township is None:
            return queryset
        return queryset.filter(**{f"{relation}path__startswith": township.path})


class YearFilter(django_filters.NumberFilter):
    """A whole year within the database's date window; anything else (0, 9999, "1e9", "²") makes
    the filter invalid, shown on the form with no rows, instead of a date the year lookup cannot build."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", DB_EARLIEST.year)
        kwargs.setdefault("max_value", DB_LATEST.year)
        super().__init__(*args, **kwargs)


class IdFilter(django_filters.NumberFilter):
    """A row id from a link: a whole number in a database key's range, or the filter is invalid
    (shown on the form, no rows); never "1e9", "²" or 2**70 reaching the query."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**31 - 1)
        super().__init__(*args, **kwargs)


class OrgUnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name contains"))
    kind = django_filters.ChoiceFilter(choices=OrgUnitKind.choices, label=_("Kind"), empty_label=_("All"))
    is_active = django_filters.BooleanFilter(label=_("Active"), widget=forms.Select(choices=YES_NO_ALL))

    class Meta:
        model = OrgUnit
        fields = ["q", "kind", "is_active"]


class EnterpriseFilter(ScopedFilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Name or credit code"))
    township = django_filters.ModelChoiceFilter(
        widget=QuickSelect, queryset=OrgUnit.objects.none(), label=_("Township"), empty_label=_("All")
    )
    ownership = django_filters.ChoiceFilter(choices=Ownership.choices, label=_("Ownership"), empty_label=_("All"))
    unionised = django_filters.BooleanFilter(
        field_name="union",
        lookup_expr="isnull",
        exclude=True,
        label=_("Unionised"),
        widget=forms.Select(choices=YES_NO_ALL),
    )
    union_status = django_filters.ChoiceFilter(
        field_name="union__status",
        choices=[(s.value, s.label) for s in UnionStatus if s != UnionStatus.REJECTED],
        label=_("Covering union's approval"),
        empty_label=_("All"),
    )
    min_employees = django_filters.NumberFilter(
        field_name="employee_count", lookup_expr="gte", label=_("Employees at least")
    )
    # The unions' lists link to the enterprises one union covers (the 职工入会率's denominator).
    union = IdFilter(field_name="union_id", widget=forms.HiddenInput)
    archived = django_filters.BooleanFilter(
        field_name="archived_at",
        lookup_expr="isnull",
        exclude=True,
        label=_("Archived"),
        widget=forms.Select(choices=[("false", _("No")), ("true", _("Yes")), ("", _("All"))]),
    )

    class Meta:
        model = Enterprise
        fields = ["q", "township", "ownership", "unionised", "union_status", "min_employees", "archived", "union"]

    def __init__(self, data=None, *args, **kwargs):
        data = {} if data is None else data.copy()
        if "archived" not in data:
            data["archived"] = "false"  # archived enterprises are hidden unless asked for
        super().__init__(data, *args, **kwargs)

    def filter_q(self, queryset, name, value):
        from .selectors import enterprise_search

        return enterprise_search(queryset, value)


class UnionFilter(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name contains"))
    township = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        queryset=OrgUnit.objects.none(),
        label=_("Township"),
        empty_label=_("All"),
        method=lambda qs, name, value: ScopedFilterSet.in_township(qs, "", value),
    )
    kind = django_filters.ChoiceFilter(
        choices=[(k.value, k.label) for k in OrgUnitKind if k in GRASSROOTS_KINDS],
        label=_("Kind"),
        empty_label=_("All"),
    )
    status = django_filters.ChoiceFilter(choices=UnionStatus.choices, label=_("Approval status"), empty_label=_("All"))
    formation_form = django_filters.ChoiceFilter(
        choices=FormationForm.choices, label=_("Form of organisation"), empty_label=_("All")
    )
    archived = django_filters.BooleanFilter(
        field_name="archived_at",
        lookup_expr="isnull",
        exclude=True,
        label=_("Archived"),
        widget=forms.Select(choices=[("false", _("No")), ("true", _("Yes")), ("", _("All"))]),
    )

    class Meta:
        model = OrgUnit
        fields = ["q", "township", "kind", "status", "formation_form", "archived"]

    def __init__(self, data=None, *args, **kwargs):
        data = {} if data is None else data.copy()
        if "archived" not in data:
            data["archived"] = "false"
        super().__init__(data, *args, **kwargs)


class MeetingFilter(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Subject contains"))
    township = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        queryset=OrgUnit.objects.none(),
        label=_("Township"),
        empty_label=_("All"),
        method=lambda qs, name, value: ScopedFilterSet.in_township(qs, "org_unit__", value),
    )
    kind = django_filters.ChoiceFilter(choices=MeetingKind.choices, label=_("Kind"), empty_label=_("All"))
    year = YearFilter(field_name="held_on", lookup_expr="year", label=_("Year"))

    class Meta:
        model = Meeting
        fields = ["q", "township", "kind", "year"]
