import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.dates import DB_EARLIEST, DB_LATEST
from apps.core.widgets import QuickSelect

from .choices import GRASSROOTS_KINDS, FormationForm, MeetingKind, OrgUnitKind, Ownership, SubCommitteeKind, UnionStatus
from .models import Enterprise, Meeting, OrgUnit

YES_NO_ALL = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]

# The lists behind the assessment's rates (apps.branches.indicators): a union with or without
# a sub-committee; a township that held, or did not hold, a meeting of its own in a year.
SUBCOMMITTEE_CHOICES = [
    (SubCommitteeKind.FUND_AUDIT.value, _("With a fund audit committee")),
    (f"no_{SubCommitteeKind.FUND_AUDIT.value}", _("Without a fund audit committee")),
    (SubCommitteeKind.WOMEN.value, _("With a women workers' committee")),
    (f"no_{SubCommitteeKind.WOMEN.value}", _("Without a women workers' committee")),
    (SubCommitteeKind.MEDIATION.value, _("With a mediation committee")),
    (f"no_{SubCommitteeKind.MEDIATION.value}", _("Without a mediation committee")),
]
HELD_CHOICES = [
    (MeetingKind.JOINT_MEETING.value, _("Held a joint meeting")),
    (f"no_{MeetingKind.JOINT_MEETING.value}", _("Held no joint meeting")),
    (MeetingKind.TOWNSHIP_ASSEMBLY.value, _("Held a township union assembly")),
    (f"no_{MeetingKind.TOWNSHIP_ASSEMBLY.value}", _("Held no township union assembly")),
]


def _with_or_without(queryset, value, condition):
    """`value` "x" keeps the rows where `condition(x)` holds, "no_x" those where it does not."""
    if value.startswith("no_"):
        return queryset.filter(~condition(value.removeprefix("no_")))
    return queryset.filter(condition(value))


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


class OrgUnitFilter(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name contains"))
    kind = django_filters.ChoiceFilter(choices=OrgUnitKind.choices, label=_("Kind"), empty_label=_("All"))
    is_active = django_filters.BooleanFilter(label=_("Active"), widget=forms.Select(choices=YES_NO_ALL))
    township = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        queryset=OrgUnit.objects.none(),
        label=_("Township"),
        empty_label=_("All"),
        method=lambda qs, name, value: ScopedFilterSet.in_township(qs, "", value),
    )
    # The townships behind the meetings rates: those that held (or not) a meeting in `held_year`
    # (the current year when none is given).
    held = django_filters.ChoiceFilter(
        choices=HELD_CHOICES, method="filter_held", label=_("Meetings"), empty_label=_("All")
    )
    held_year = YearFilter(method="filter_nothing", label=_("Meetings held in year"))
    title_year = YearFilter(method="filter_title_year", label=_("Holds a title of year"))

    class Meta:
        model = OrgUnit
        fields = ["q", "kind", "is_active", "township", "held", "held_year", "title_year"]

    def filter_title_year(self, queryset, name, value):
        from .selectors import has_title

        return queryset.filter(has_title(value))

    def filter_held(self, queryset, name, value):
        from django.utils import timezone

        from .selectors import held_meeting

        year = self.form.cleaned_data.get("held_year") or timezone.localdate().year
        return _with_or_without(queryset, value, lambda kind: held_meeting(kind, year))

    def filter_nothing(self, queryset, name, value):
        return queryset  # read by filter_held


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
    is_active = django_filters.BooleanFilter(label=_("Active"), widget=forms.Select(choices=YES_NO_ALL))
    # The unions behind the assessment's rates (apps.branches.indicators).
    subcommittee = django_filters.ChoiceFilter(
        choices=SUBCOMMITTEE_CHOICES, method="filter_subcommittee", label=_("Sub-committee"), empty_label=_("All")
    )
    title_year = YearFilter(method="filter_title_year", label=_("Holds a title of year"))

    class Meta:
        model = OrgUnit
        fields = [
            "q",
            "township",
            "kind",
            "status",
            "formation_form",
            "archived",
            "is_active",
            "subcommittee",
            "title_year",
        ]

    def filter_subcommittee(self, queryset, name, value):
        from .selectors import has_subcommittee

        return _with_or_without(queryset, value, has_subcommittee)

    def filter_title_year(self, queryset, name, value):
        from .selectors import has_title

        return queryset.filter(has_title(value))

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
