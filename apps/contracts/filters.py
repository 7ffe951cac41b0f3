"""The contract list's filters (django-filter), as the complaint and member lists have theirs.

Every choice list is limited to the user's scope; a value outside it (another township's union,
an enterprise the user does not see) is the form's "选择一个有效的选项", never a row of another
township. The deadline sets (`due=`) are the sweep's own rules (apps.contracts.deadlines), so a
reminder's link shows exactly the contracts it was sent for.
"""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.branches.choices import GRASSROOTS_KINDS, OrgUnitKind
from apps.branches.models import Enterprise, OrgUnit
from apps.core.forms import int_param
from apps.core.widgets import QuickSelect

from . import clock, deadlines
from .choices import ContractKind, ContractScope, ContractStatus
from .models import Contract, ContractCoverage
from .selectors import contract_search

# Who signs a contract: a grassroots union, the township union itself (a regional contract), or
# the county union (an industry contract on the industry's behalf).
SIGNING_UNION_KINDS = frozenset({*GRASSROOTS_KINDS, OrgUnitKind.TOWNSHIP, OrgUnitKind.COUNTY})

# "Expiring within N days": up to ten years ahead, at least one day.
EXPIRING_MAX_DAYS = 3650

DUE_CHOICES = [
    ("answer", _("Awaiting the answer to the request")),
    ("answer_overdue", _("Answer overdue")),
    ("send", _("Awaiting sending for review")),
    ("send_overdue", _("Sending overdue")),
    ("renewal", _("In the renewal window")),
    ("expiring", _("Term ends soon")),
]


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (django-filter's NumberFilter takes decimals)."""

    field_class = forms.IntegerField


class ContractFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label=_("Number, enterprise, union or employers' representative"), max_length=100
    )
    kind = django_filters.ChoiceFilter(choices=ContractKind.choices, label=_("Kind"), empty_label=_("All"))
    scope = django_filters.ChoiceFilter(choices=ContractScope.choices, label=_("Scope"), empty_label=_("All"))
    status = django_filters.ChoiceFilter(choices=ContractStatus.choices, label=_("Status"), empty_label=_("All"))
    township = django_filters.ModelChoiceFilter(
        widget=QuickSelect, queryset=OrgUnit.objects.none(), label=_("Township"), empty_label=_("All")
    )
    union = django_filters.ModelChoiceFilter(
        widget=QuickSelect, queryset=OrgUnit.objects.none(), label=_("Signing union"), empty_label=_("All")
    )
    due = django_filters.ChoiceFilter(
        choices=DUE_CHOICES, method="filter_due", label=_("Deadline"), empty_label=_("All")
    )
    expiring = IntegerFilter(
        method="filter_expiring",
        label=_("Expiring within (days)"),
        min_value=1,
        max_value=EXPIRING_MAX_DAYS,
        widget=forms.NumberInput(attrs={"min": 1, "max": EXPIRING_MAX_DAYS, "placeholder": "30"}),
    )

    class Meta:
        model = Contract
        fields = ["q", "kind", "scope", "status", "township", "union", "due", "expiring"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.user = user
        if user is None:
            return
        from apps.branches.selectors import orgunit_list

        units = orgunit_list(user=user)
        self.filters["township"].queryset = units.filter(kind=OrgUnitKind.TOWNSHIP)
        self.filters["union"].queryset = self._union_choices(units, user, data or {})
        # Only the chosen enterprise is offered (a link from its page or a coverage figure), never
        # every enterprise of the county; without one the filter is not on the form at all.
        chosen = int_param((data or {}).get("enterprise"))
        if chosen is None:
            del self.filters["enterprise"]
        else:
            from apps.branches.selectors import enterprise_list

            self.filters["enterprise"].queryset = (
                enterprise_list(user=user).select_related(None).only("pk", "name").filter(pk=chosen)
            )

    def _union_choices(self, units, user, data):
        """A county has a thousand unions or more: offer those of one township, never all of them.

        The chosen township's (the township union itself first), or the user's own township's;
        county staff who have not chosen a township see only the union already chosen.
        """
        from apps.branches.selectors import user_oversees_townships

        unions = units.filter(kind__in=SIGNING_UNION_KINDS)
        township = int_param(data.get("township"))
        if township is not None:
            path = units.filter(pk=township, kind=OrgUnitKind.TOWNSHIP).values_list("path", flat=True).first()
            return unions.filter(path__startswith=path) if path else unions.none()
        if not user_oversees_townships(user):
            return unions
        self.filters["union"].extra["empty_label"] = _("All (choose a township to pick one)")
        chosen = int_param(data.get("union"))
        return unions.filter(pk=chosen) if chosen is not None else unions.none()

    def search(self, queryset, name, value):
        return contract_search(queryset, value)

    @staticmethod
    def filter_due(queryset, name, value):
        today = clock.shanghai_date(timezone.now())
        conditions = {
            "answer": deadlines.awaiting_answer_q,
            "answer_overdue": deadlines.answer_overdue_q,
            "send": deadlines.awaiting_sending_q,
            "send_overdue": deadlines.sending_overdue_q,
            "renewal": deadlines.renewal_window_q,
        }
        if value == "expiring":
            # Within the reminder's lead time (expiring_q's default): what the to-do counts.
            return queryset.filter(deadlines.expiring_q(today))
        return queryset.filter(conditions[value](today)) if value in conditions else queryset

    @staticmethod
    def filter_expiring(queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(deadlines.expiring_q(clock.shanghai_date(timezone.now()), value))

    @staticmethod
    def covering(queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=ContractCoverage.objects.filter(enterprise=value).values("contract_id"))


# "?enterprise=<pk>": the contracts covering an enterprise (its own, and regional or industry ones).
ContractFilter.base_filters["enterprise"] = django_filters.ModelChoiceFilter(
    widget=QuickSelect,
    queryset=Enterprise.objects.none(),
    label=_("Enterprise covered"),
    empty_label=_("All"),
    method="covering",
)
