import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.core.tables import detail_link

from . import clock
from .choices import ContractScope, ContractStatus
from .models import Contract
from .selectors import contract_next_deadline

BADGE = '<span class="badge text-bg-{} fw-normal">{}</span>'

# How each status looks in a list: where the clock stands at a glance.
STATUS_COLOURS = {
    ContractStatus.REQUESTED: "info",
    ContractStatus.NEGOTIATING: "info",
    ContractStatus.PASSED: "primary",
    ContractStatus.SIGNED: "primary",
    ContractStatus.SUBMITTED: "warning",
    ContractStatus.IN_FORCE: "success",
    ContractStatus.EXPIRED: "secondary",
    ContractStatus.RENEWED: "secondary",
    ContractStatus.CLOSED: "dark",
}


class ContractTable(tables.Table):
    """Newest request first (the selector's order); a statutory period passed is flagged red."""

    number = tables.Column(verbose_name=_("Contract number"), linkify=detail_link("contracts:contract_detail"))
    kind = tables.Column(verbose_name=_("Kind"))
    scope = tables.Column(verbose_name=_("Scope"))
    union = tables.Column(verbose_name=_("Signing union"), order_by=("union__name",))
    employer = tables.Column(
        verbose_name=_("Employer side"), accessor="pk", order_by=("enterprise__name", "employer_representative")
    )
    township = tables.Column(verbose_name=_("Township"), default="—", order_by=("township__name",))
    workers_covered = tables.Column(verbose_name=_("Workers covered"), attrs={"td": {"class": "text-end"}})
    term = tables.Column(verbose_name=_("Term"), accessor="term_start", order_by=("term_start", "term_end"))
    status = tables.Column(verbose_name=_("Status"))
    next_deadline = tables.Column(verbose_name=_("Next deadline"), accessor="pk", orderable=False)

    class Meta:
        model = Contract
        fields = [
            "number",
            "kind",
            "scope",
            "union",
            "employer",
            "township",
            "workers_covered",
            "term",
            "status",
            "next_deadline",
        ]
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "contracts"}
        row_attrs = {"class": lambda table, record: table.row_class(record)}
        empty_text = _("No contracts.")

    # What the cells, the links and the row colours read: the list loads only these.
    loaded_fields = (
        "number",
        "kind",
        "scope",
        "union__name",
        "enterprise__name",
        "employer_representative",
        "township__name",
        "workers_covered",
        "workers_covered_reason",
        "term_start",
        "term_end",
        "status",
        "answer_due_on",
        "answered_on",
        "send_due_on",
        "sent_on",
        "review_ends_on",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = clock.shanghai_date(timezone.now())
        # Translated and escaped once per table, not once per row.
        self.status_badges = {
            value: format_html(BADGE, STATUS_COLOURS.get(value, "secondary"), label)
            for value, label in ContractStatus.choices
        }
        self.overdue_badge = format_html(BADGE, "danger", _("Overdue"))
        self.overridden_mark = format_html(
            ' <i class="bi bi-pencil-square text-muted" title="{}"></i>', _("Counted by hand, with a reason")
        )

    def deadline_of(self, record):
        if not hasattr(record, "_next_deadline"):
            record._next_deadline = contract_next_deadline(record, today=self.today)
        return record._next_deadline

    def row_class(self, record) -> str:
        deadline = self.deadline_of(record)
        return "table-danger" if deadline is not None and deadline.overdue else ""

    def render_union(self, value):
        return value.name

    def render_township(self, value):
        return value.name

    def render_employer(self, record):
        if record.scope == ContractScope.ENTERPRISE and record.enterprise_id:
            return record.enterprise.name
        return record.employer_representative

    def render_workers_covered(self, record, value):
        if record.workers_covered_reason:
            return format_html("{}{}", value, self.overridden_mark)
        return value

    def render_term(self, record):
        if not (record.term_start and record.term_end):
            return "—"
        return f"{record.term_start:%Y-%m-%d} ~ {record.term_end:%Y-%m-%d}"

    def render_status(self, record):
        badge = self.status_badges.get(record.status, record.status)
        deadline = self.deadline_of(record)
        if deadline is not None and deadline.overdue:
            return format_html("{} {}", badge, self.overdue_badge)
        return badge

    def render_next_deadline(self, record):
        deadline = self.deadline_of(record)
        if deadline is None:
            return "—"
        if deadline.overdue:
            return format_html(
                '{} {} <span class="text-danger">{}</span>',
                deadline.label,
                deadline.due.isoformat(),
                _("%(days)s days overdue") % {"days": -deadline.days_left},
            )
        if deadline.days_left < 0:
            return format_html("{} {}", deadline.label, deadline.due.isoformat())
        return format_html(
            '{} {} <span class="text-muted">{}</span>',
            deadline.label,
            deadline.due.isoformat(),
            _("%(days)s days left") % {"days": deadline.days_left},
        )
