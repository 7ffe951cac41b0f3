"""The arrears list's table: what is owed, since when, and how far the chasing has come."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..choices import ArrearsStage
from ..models import LedgerEntry
from ..selectors.arrears import arrears_today

BADGE = '<span class="badge text-bg-{} fw-normal">{}</span>'
STAGE_COLOURS = {
    "": "light",
    ArrearsStage.NOTICE: "info",
    ArrearsStage.SECOND_NOTICE: "warning",
    ArrearsStage.PAYMENT_ORDER: "danger",
    ArrearsStage.SETTLED: "success",
    ArrearsStage.WRITTEN_OFF: "secondary",
}
MONEY_CELL = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}


def months_since(day, today) -> int:
    """Whole months from `day` to `today` (a period ended 31 July is 0 months old on 30 August)."""
    months = (today.year - day.year) * 12 + today.month - day.month
    return months - 1 if today.day < day.day and months > 0 else max(months, 0)


class ArrearsTable(tables.Table):
    enterprise = tables.Column(verbose_name=_("Enterprise"), accessor="enterprise__name")
    township = tables.Column(verbose_name=_("Township"), accessor="enterprise__township__name", default="—")
    period = tables.Column(verbose_name=_("Period"), accessor="period_start")
    due = tables.Column(verbose_name=_("Amount due"), attrs=MONEY_CELL)
    received = tables.Column(verbose_name=_("Amount received"), attrs=MONEY_CELL)
    owed = tables.Column(verbose_name=_("Amount owed"), attrs=MONEY_CELL)
    age = tables.Column(verbose_name=_("Months since the period's end"), accessor="period_end", attrs=MONEY_CELL)
    # "" is a stage too (not chased yet): rendered, not replaced by the table's default.
    stage_now = tables.Column(verbose_name=_("Arrears stage"), empty_values=())
    actions = tables.Column(verbose_name="", accessor="pk", orderable=False)

    class Meta:
        model = LedgerEntry
        fields = ["enterprise", "township", "period", "due", "received", "owed", "age", "stage_now", "actions"]
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "arrears"}
        empty_text = _("No arrears.")

    loaded_fields = (
        "enterprise__name",
        "enterprise__township__name",
        "period_start",
        "period_kind",
        "period_end",
        "due",
        "received",
        "status",
        "arrears_stage",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = arrears_today()
        self.record_url = reverse("dues:arrears_record", kwargs={"pk": 0})[: -len("0/record/")]

    def render_period(self, record):
        return record.period_label

    def render_age(self, value):
        return months_since(value, self.today)

    def render_stage_now(self, value):
        label = ArrearsStage(value).label if value else _("Not chased yet")
        return format_html(BADGE, STAGE_COLOURS.get(value, "light"), label)

    def render_actions(self, record):
        base = f"{self.record_url}{record.pk}/"
        return format_html(
            '<a class="btn btn-sm btn-outline-primary" href="{}record/">{}</a> '
            '<a class="btn btn-sm btn-outline-secondary" href="{}notice/" target="_blank">{}</a> '
            '<a class="btn btn-sm btn-outline-secondary" href="{}order/" target="_blank">{}</a>',
            base,
            _("Stages"),
            base,
            _("Notice"),
            base,
            _("Order"),
        )
