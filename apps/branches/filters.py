import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import OrgUnitKind
from .models import OrgUnit


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
