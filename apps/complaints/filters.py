import datetime

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.branches.choices import OrgUnitKind
from apps.branches.models import Enterprise, OrgUnit
from apps.core.dates import DB_EARLIEST, DB_LATEST
from apps.core.forms import int_param
from apps.core.widgets import QuickSelect

from .choices import OPEN_STATUSES, Category, Status
from .models import Complaint
from .selectors import (
    ANSWERED,
    ANSWERED_ON_TIME,
    COUNTED_FOR_ON_TIME,
    LATE,
    OVERDUE_UNANSWERED,
    complaint_handler_choices,
    complaint_search,
    complaints_due_by_today,
    user_may_see_complainant,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"})
# A day outside the database's window (year 1, year 9999) is refused on the form, in Chinese:
# its start would not convert to an instant the database can compare with.
DAY_RANGE = [MinValueValidator(DB_EARLIEST), MaxValueValidator(DB_LATEST)]

OPEN = "open"


class ComplaintFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Tracking number or enterprise"))
    township = django_filters.ModelChoiceFilter(
        widget=QuickSelect, queryset=OrgUnit.objects.none(), label=_("Township"), empty_label=_("All")
    )
    enterprise = django_filters.ModelChoiceFilter(
        widget=QuickSelect, queryset=Enterprise.objects.none(), label=_("Enterprise"), empty_label=_("All")
    )
    handler = django_filters.ModelChoiceFilter(
        widget=QuickSelect, queryset=get_user_model().objects.none(), label=_("Handler"), empty_label=_("All")
    )
    # "open": the complaints still waiting for the answer (OPEN_STATUSES), what the home page counts.
    status = django_filters.ChoiceFilter(
        choices=[(OPEN, _("Open (not yet answered)")), *Status.choices],
        method="filter_status",
        label=_("Status"),
        empty_label=_("All"),
    )
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("Category"), empty_label=_("All"))
    overdue = django_filters.ChoiceFilter(
        choices=[("1", _("Overdue only"))], method="filter_overdue", label=_("Overdue"), empty_label=_("All")
    )
    # The to-do "complaints due today or overdue" links here, and shows exactly what it counted.
    due = django_filters.ChoiceFilter(
        choices=[("today", _("Due today or overdue"))],
        method="filter_due",
        label=_("Deadline"),
        empty_label=_("All"),
    )
    # What the statistics page counts (selectors: the on-time rule), so each figure links to its rows.
    answer = django_filters.ChoiceFilter(
        choices=[
            ("open", _("Waiting for the answer")),
            ("answered", _("Answered or posted")),
            ("due", _("Due to be answered (answered, or past the deadline)")),
            ("on_time", _("Answered on time")),
            ("late", _("Answered late, or overdue without an answer")),
            ("overdue_unanswered", _("Overdue without an answer")),
        ],
        method="filter_answer",
        label=_("Answer status"),
        empty_label=_("All"),
    )
    received_from = django_filters.DateFilter(
        method="received_on_or_after", label=_("Received from"), widget=DATE_INPUT, validators=DAY_RANGE
    )
    received_to = django_filters.DateFilter(
        method="received_on_or_before", label=_("Received to"), widget=DATE_INPUT, validators=DAY_RANGE
    )

    class Meta:
        model = Complaint
        fields = [
            "q",
            "township",
            "enterprise",
            "handler",
            "status",
            "category",
            "overdue",
            "due",
            "answer",
            "received_from",
            "received_to",
        ]

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.user = user
        if user is None:
            return
        from apps.branches.selectors import orgunit_list

        townships = orgunit_list(user=user).filter(kind=OrgUnitKind.TOWNSHIP)
        self.filters["township"].queryset = townships
        self.filters["handler"].queryset = complaint_handler_choices(user=user)
        self.filters["enterprise"].queryset = self._enterprise_choices(user, data or {})
        if user_may_see_complainant(user):
            self.filters["q"].label = _("Tracking number, enterprise or complainant")

    def _enterprise_choices(self, user, data):
        """A county has thousands of enterprises: offer those of one township, never all of them.

        The chosen township's, or the chair's own; county staff who have not chosen a township
        see only the enterprise already chosen (a link from elsewhere), as the member list does.
        """
        from apps.branches.selectors import enterprise_list, user_oversees_townships

        enterprises = enterprise_list(user=user).select_related(None).only("pk", "name").order_by("name")
        township = int_param(data.get("township"))
        if township is not None:
            return enterprises.filter(township_id=township)
        if not user_oversees_townships(user):
            return enterprises
        self.filters["enterprise"].extra["empty_label"] = _("All (choose a township to pick one)")
        chosen = int_param(data.get("enterprise"))
        return enterprises.filter(pk=chosen) if chosen is not None else enterprises.none()

    def search(self, queryset, name, value):
        return complaint_search(queryset, value, user=self.user)

    @staticmethod
    def filter_status(queryset, name, value):
        if value == OPEN:
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=value) if value else queryset

    @staticmethod
    def filter_overdue(queryset, name, value):
        # Marked overdue by the sweep and still waiting for the answer.
        return queryset.filter(is_overdue=True, status__in=OPEN_STATUSES) if value else queryset

    @staticmethod
    def filter_due(queryset, name, value):
        return complaints_due_by_today(queryset) if value else queryset

    @staticmethod
    def filter_answer(queryset, name, value):
        now = timezone.now()
        conditions = {
            "open": Q(status__in=OPEN_STATUSES),
            "answered": ANSWERED,
            "due": COUNTED_FOR_ON_TIME(now),
            "on_time": ANSWERED_ON_TIME,
            "late": LATE(now),
            "overdue_unanswered": OVERDUE_UNANSWERED(now),
        }
        return queryset.filter(conditions[value]) if value in conditions else queryset

    @staticmethod
    def received_on_or_after(queryset, name, value):
        return queryset.filter(received_at__gte=_start_of(value)) if value else queryset

    @staticmethod
    def received_on_or_before(queryset, name, value):
        return queryset.filter(received_at__lt=_start_of(value + datetime.timedelta(days=1))) if value else queryset


def _start_of(day: datetime.date) -> datetime.datetime:
    """The first instant of a Shanghai calendar day (the portal's time zone)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
