import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import OrgUnitKind, Ownership
from .models import Enterprise, OrgUnit


class OrgUnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name contains"))
    kind = django_filters.ChoiceFilter(choices=OrgUnitKind.choices, label=_("Kind"), empty_label=_("All"))
    is_active = django_filters.BooleanFilter(
        label=_("Active"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]),
    )

    class Meta:
        model = OrgUnit
        fields = ["q", "kind", "is_active"]


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Name or credit code"))
    township = django_filters.ModelChoiceFilter(
        queryset=OrgUnit.objects.none(), label=_("Township"), empty_label=_("All")
    )
    ownership = django_filters.ChoiceFilter(choices=Ownership.choices, label=_("Ownership"), empty_label=_("All"))
    unionised = django_filters.BooleanFilter(
        field_name="union",
        lookup_expr="isnull",
        exclude=True,
        label=_("Unionised"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]),
    )
    min_employees = django_filters.NumberFilter(
        field_name="employee_count", lookup_expr="gte", label=_("Employees at least")
    )
    archived = django_filters.BooleanFilter(
        field_name="archived_at",
        lookup_expr="isnull",
        exclude=True,
        label=_("Archived"),
        widget=forms.Select(choices=[("false", _("No")), ("true", _("Yes")), ("", _("All"))]),
    )

    class Meta:
        model = Enterprise
        fields = ["q", "township", "ownership", "unionised", "min_employees", "archived"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        data = {} if data is None else data.copy()
        if "archived" not in data:
            data["archived"] = "false"  # archived enterprises are hidden unless asked for
        super().__init__(data, *args, **kwargs)
        if user is not None:
            from .selectors import orgunit_list

            self.filters["township"].queryset = orgunit_list(user=user).filter(kind=OrgUnitKind.TOWNSHIP)

    def filter_q(self, queryset, name, value):
        from .validators import normalize_credit_code

        value = value.strip()
        code = normalize_credit_code(value)
        if len(code) == 18:
            return queryset.filter(credit_code=code)
        return queryset.filter(name__icontains=value)
