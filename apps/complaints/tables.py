import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.core.tables import detail_link

from .deadlines import days_left
from .models import Complaint
from .selectors import COMPLAINANT_FIELDS, complainant_shown

BADGE = '<span class="badge text-bg-{}">{}</span>'


class ComplaintTable(tables.Table):
    """Most urgent first (the selector's order); overdue rows red, rows due today yellow."""

    tracking_number = tables.Column(
        verbose_name=_("Tracking number"), linkify=detail_link("complaints:complaint_detail")
    )
    received_at = tables.Column(verbose_name=_("Received at"))
    enterprise = tables.Column(verbose_name=_("Enterprise"), order_by=("enterprise__name",))
    category = tables.Column(verbose_name=_("Category"))
    complainant = tables.Column(verbose_name=_("Complainant"), accessor="pk", orderable=False)
    handler = tables.Column(verbose_name=_("Handler"), default="—", order_by=("handler__real_name",))
    status = tables.Column(verbose_name=_("Status"))
    days_left = tables.Column(verbose_name=_("Days left"), accessor="due_at", order_by=("open_rank", "due_at"))

    class Meta:
        model = Complaint
        fields = [
            "tracking_number",
            "received_at",
            "enterprise",
            "category",
            "complainant",
            "handler",
            "status",
            "days_left",
        ]
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "complaints"}
        row_attrs = {"class": lambda table, record: table.row_class(record)}
        empty_text = _("No complaints.")

    # What the cells and row colours read (the complainant's name as the user may see it, the
    # deadline, the open flag from the status): the list loads only these.
    loaded_fields = (
        "tracking_number",
        "received_at",
        "enterprise__name",
        "category",
        *COMPLAINANT_FIELDS,
        "handler__real_name",
        "handler__username",
        "status",
        "due_at",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.now = timezone.now()
        # Translated and escaped once per table, not once per row.
        self.overdue_badge = format_html(BADGE, "danger", _("Overdue"))
        self.due_today_badge = format_html(BADGE, "warning", _("Due today"))

    def days_left_of(self, record):
        if not record.is_open:
            return None
        if not hasattr(record, "_days_left"):
            record._days_left = days_left(record.due_at, self.now)
        return record._days_left

    def row_class(self, record) -> str:
        left = self.days_left_of(record)
        if left is None:
            return ""
        return "table-danger" if left < 0 else "table-warning" if left == 0 else ""

    def render_received_at(self, value):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"

    def render_enterprise(self, value):
        return value.name

    def render_complainant(self, record):
        return complainant_shown(record, user=self.user).name

    def render_days_left(self, record):
        left = self.days_left_of(record)
        if left is None:
            return "—"
        if left < 0:
            return self.overdue_badge
        if left == 0:
            return self.due_today_badge
        return left
