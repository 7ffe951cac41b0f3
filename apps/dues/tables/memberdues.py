"""Tables of the membership dues pages: the branches' month and the warning list."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.branches.models import OrgUnit
from apps.core.tables import IsoDateColumn
from apps.members.models import Member


def month_label(month) -> str:
    return f"{month.year}年{month.month}月" if month else "—"


class MoneyColumn(tables.Column):
    """Two decimals with thousands separators (the portal's row renderer writes plain cells)."""

    def render(self, value):
        return f"{value:,.2f}"


CountColumn = tables.Column


class DuesSummaryTable(tables.Table):
    name = tables.Column(verbose_name=_("Union"))
    township_name = tables.Column(verbose_name=_("Township"), order_by=("path",))
    members_active = CountColumn(verbose_name=_("Number of members"))
    members_exempt = CountColumn(verbose_name=_("Exempt"))
    members_liable = CountColumn(verbose_name=_("Liable"), empty_values=(), orderable=False)
    records_made = CountColumn(verbose_name=_("Recorded"))
    dues_due = MoneyColumn(verbose_name=_("Dues due"))
    dues_collected = MoneyColumn(verbose_name=_("Dues collected"))

    class Meta:
        model = OrgUnit
        fields = ["name", "township_name"]
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "dues-summary"}

    loaded_fields = ("name", "path")

    def __init__(self, *args, month=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.month = month

    def render_name(self, record, value):
        url = reverse("dues:member_dues_sheet", kwargs={"pk": record.pk})
        return format_html('<a href="{}?month={}">{}</a>', url, f"{self.month:%Y-%m}", value)

    def render_members_liable(self, record):
        return max(record.members_active - record.members_exempt, 0)


class DuesOverdueTable(tables.Table):
    real_name = tables.Column(
        verbose_name=_("Member's name"), linkify=("members:member_detail", {"pk": tables.A("pk")})
    )
    card_number = tables.Column(verbose_name=_("Member card number"))
    union = tables.Column(verbose_name=_("Union"), order_by=("union__path",))
    join_date = IsoDateColumn(verbose_name=_("Join date"))
    last_settled_month = tables.Column(verbose_name=_("Last month paid or exempt"), default="从未登记")

    class Meta:
        model = Member
        fields = ["real_name", "card_number", "union", "join_date", "last_settled_month"]
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "dues-overdue"}

    loaded_fields = ("real_name", "card_number", "union__name", "join_date")

    def render_union(self, value):
        return value.name

    def render_last_settled_month(self, value):
        return month_label(value)
