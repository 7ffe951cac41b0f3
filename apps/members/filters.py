import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from apps.branches.choices import GRASSROOTS_KINDS, OrgUnitKind
from apps.branches.models import Enterprise, OrgUnit
from apps.branches.selectors import user_oversees_townships
from apps.core.forms import int_param
from apps.core.widgets import QuickSelect

from .choices import EmploymentForm, MemberStatus
from .models import Member, RosterImport
from .selectors import import_list, member_search, members_counted, members_written_by_import, workplace_list

# The members every figure counts (selectors.members_counted): the home page's and the
# enrolment rate's links open the list with it.
COUNTED = "current"

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class MemberFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name, card, mobile or ID number"))
    township = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        queryset=OrgUnit.objects.none(),
        label=_("Township"),
        empty_label=_("All"),
        method="in_township",
    )
    union = django_filters.ModelChoiceFilter(
        widget=QuickSelect, queryset=OrgUnit.objects.none(), label=_("Union"), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        choices=[(COUNTED, _("Counted (in good standing or transferring)")), *MemberStatus.choices],
        label=_("Status"),
        empty_label=_("All"),
        method="with_status",
    )
    employment_form = django_filters.ChoiceFilter(
        choices=EmploymentForm.choices, label=_("Employment form"), empty_label=_("All")
    )
    hardship = django_filters.BooleanFilter(
        label=_("Hardship"), widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))])
    )
    joined_from = django_filters.DateFilter(
        field_name="join_date", lookup_expr="gte", label=_("Joined from"), widget=DATE_INPUT
    )
    joined_to = django_filters.DateFilter(
        field_name="join_date", lookup_expr="lte", label=_("Joined to"), widget=DATE_INPUT
    )

    class Meta:
        model = Member
        fields = ["q", "township", "union", "status", "employment_form", "hardship", "joined_from", "joined_to"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        if user is not None:
            from apps.branches.selectors import orgunit_list

            units = orgunit_list(user=user)
            self.filters["township"].queryset = units.filter(kind=OrgUnitKind.TOWNSHIP)
            self.filters["union"].queryset = self._union_choices(units, user, data or {})
            # Only the chosen import is offered (a link from its result page), never every import;
            # without one the filter is not on the form at all.
            chosen = int_param((data or {}).get("import"))
            if chosen is None or chosen >= 2**63:
                del self.filters["import"]
            else:
                self.filters["import"].queryset = import_list(user=user).select_related(None).filter(pk=chosen)
            # Likewise the workplace: only the one an enterprise's page links with (its members).
            workplace = int_param((data or {}).get("workplace"))
            if workplace is None or workplace >= 2**63:
                del self.filters["workplace"]
            else:
                self.filters["workplace"].queryset = Enterprise.objects.filter(
                    pk=workplace, pk__in=workplace_list(user=user).values("pk")
                )

    def _union_choices(self, units, user, data):
        """A county has a thousand unions or more: offer those of one township, never all of them.

        The chosen township's, or the user's own township's; county staff who have not chosen
        a township see only the union already chosen (a link from the union's page).
        """
        unions = units.filter(kind__in=GRASSROOTS_KINDS)
        township = int_param(data.get("township"))
        if township is not None:
            path = units.filter(pk=township, kind=OrgUnitKind.TOWNSHIP).values_list("path", flat=True).first()
            return unions.filter(path__startswith=path) if path else unions.none()
        if not user_oversees_townships(user):
            return unions
        self.filters["union"].extra["empty_label"] = _("All (choose a township to pick one)")
        chosen = int_param(data.get("union"))
        return unions.filter(pk=chosen) if chosen is not None else unions.none()

    @staticmethod
    def in_township(queryset, name, value):
        return queryset.filter(union__path__startswith=value.path) if value else queryset

    @staticmethod
    def with_status(queryset, name, value):
        if value == COUNTED:
            return members_counted(queryset)
        return queryset.filter(status=value) if value else queryset

    @staticmethod
    def search(queryset, name, value):
        return member_search(queryset, value)

    @staticmethod
    def written_by_import(queryset, name, value):
        return members_written_by_import(queryset, value) if value else queryset


# "?workplace=<pk>": the members working at an enterprise (工作单位), from the enterprise's page.
MemberFilter.base_filters["workplace"] = django_filters.ModelChoiceFilter(
    field_name="workplace", queryset=Enterprise.objects.none(), label=_("Workplace"), empty_label=_("All")
)

# "?import=<pk>": the members a roster import wrote (a Python keyword cannot be a declared name).
MemberFilter.base_filters["import"] = django_filters.ModelChoiceFilter(
    queryset=RosterImport.objects.none(),
    label="导入批次",
    empty_label=_("All"),
    method="written_by_import",
)


class EnrolmentProblemFilter(django_filters.FilterSet):
    """The 入会率数据待核实 list by township (the township page's and home card's links)."""

    township = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        queryset=OrgUnit.objects.none(),
        label=_("Township"),
        empty_label=_("All"),
        method="in_township",
    )

    class Meta:
        model = OrgUnit
        fields = ["township"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        if user is not None:
            from apps.branches.selectors import orgunit_list

            self.filters["township"].queryset = orgunit_list(user=user).filter(kind=OrgUnitKind.TOWNSHIP)

    @staticmethod
    def in_township(queryset, name, value):
        return queryset.filter(path__startswith=value.path) if value else queryset
