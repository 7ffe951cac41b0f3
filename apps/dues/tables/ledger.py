"""The fund ledger's table: one row per enterprise and period, the filtered set's totals at its foot."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.tables import detail_link

from ..choices import EntryStatus
from ..models import LedgerEntry

BADGE = '<span class="badge text-bg-{} fw-normal">{}</span>'

STATUS_COLOURS = {
    EntryStatus.UNPAID: "danger",
    EntryStatus.PARTIAL: "warning",
    EntryStatus.PAID: "success",
    EntryStatus.OVERPAID: "info",
    EntryStatus.DEFERRED: "secondary",
    EntryStatus.WRITTEN_OFF: "dark",
}

# The portal's rows carry no per-cell attributes (apps.core.tables): a money cell aligns its own text.
MONEY_CELL = {"th": {"class": "text-end"}, "tf": {"class": "text-end text-nowrap"}}
MONEY_SPAN = '<span class="d-block text-end text-nowrap">{}</span>'


def money(value) -> str:
    """1234567.5 → 1,234,567.50: what the office reads on paper."""
    return f"{value:,.2f}"


def _total(key):
    return lambda table: money(table.totals[key]) if getattr(table, "totals", None) else ""


class LedgerEntryTable(tables.Table):
    enterprise = tables.Column(verbose_name=_("Enterprise"), order_by=("enterprise__name",))
    township = tables.Column(
        verbose_name=_("Township"), accessor="enterprise__township", order_by=("enterprise__township__name",)
    )
    period = tables.Column(
        verbose_name=_("Period"),
        accessor="period_start",
        order_by=("period_start",),
        linkify=detail_link("dues:entry_detail"),
        footer=_("Total"),
    )
    fund_kind = tables.Column(verbose_name=_("Fund"))
    channel = tables.Column(verbose_name=pgettext_lazy("fund", "Channel"))
    payroll = tables.Column(verbose_name=_("Total payroll"), attrs=MONEY_CELL, footer=_total("payroll"))
    due = tables.Column(verbose_name=_("Amount due"), attrs=MONEY_CELL, footer=_total("due"))
    received = tables.Column(verbose_name=_("Amount received"), attrs=MONEY_CELL, footer=_total("received"))
    arrears = tables.Column(
        verbose_name=_("Arrears"), accessor="pk", orderable=False, attrs=MONEY_CELL, footer=_total("arrears")
    )
    status = tables.Column(verbose_name=_("Status"))

    class Meta:
        model = LedgerEntry
        fields = [
            "enterprise",
            "township",
            "period",
            "fund_kind",
            "channel",
            "payroll",
            "due",
            "received",
            "arrears",
            "status",
        ]
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "ledger"}
        empty_text = _("No ledger entries.")

    # What the cells and links read: the list loads only these.
    loaded_fields = (
        "enterprise__name",
        "enterprise__township__name",
        "period_kind",
        "period_start",
        "fund_kind",
        "channel",
        "payroll",
        "due",
        "received",
        "status",
        "arrears_stage",
    )

    def __init__(self, *args, totals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.totals = totals
        self.status_badges = {
            value: format_html(BADGE, STATUS_COLOURS.get(value, "secondary"), label)
            for value, label in EntryStatus.choices
        }

    def render_enterprise(self, value):
        return value.name

    def render_township(self, value):
        return value.name

    def render_period(self, record):
        return record.period_label

    def render_payroll(self, value):
        return format_html(MONEY_SPAN, money(value))

    def render_due(self, value):
        return format_html(MONEY_SPAN, money(value))

    def render_received(self, value):
        return format_html(MONEY_SPAN, money(value))

    def render_arrears(self, record):
        arrears = record.arrears
        if not arrears:
            return format_html(MONEY_SPAN, "—")
        return format_html('<span class="d-block text-end text-nowrap text-danger">{}</span>', money(arrears))

    def render_status(self, record):
        badge = self.status_badges.get(record.status, record.status)
        if record.arrears_stage:
            return format_html('{} <span class="small text-muted">{}</span>', badge, record.get_arrears_stage_display())
        return badge
