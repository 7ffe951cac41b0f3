"""The hardship-aid lists' tables (django-tables2). A file's reason, household and income are
shown only to those with `aid.view_hardship_details` (PIPL art. 28), masked for the others."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from apps.core.tables import detail_link

from .models import AidCampaign, AidRecord, HardshipFile
from .selectors import MASK

BADGE = '<span class="badge text-bg-{} fw-normal">{}</span>'


class MaskedTable(tables.Table):
    """A table whose sensitive columns show `MASK` unless `details=True`."""

    masked: tuple[str, ...] = ()

    def __init__(self, *args, details: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.details = details
        if not details:
            for name in self.masked:
                self.columns[name].column.orderable = False


class FileTable(MaskedTable):
    member = tables.Column(
        verbose_name=_("member"), linkify=detail_link("aid:file_detail"), order_by=("member__real_name",)
    )
    township = tables.Column(verbose_name=_("township"), order_by=("township__path",))
    reason = tables.Column(verbose_name=_("reason for hardship"))
    household_size = tables.Column(verbose_name=_("household size"), attrs={"td": {"class": "text-end"}})
    income_per_head = tables.Column(
        verbose_name=_("monthly income per head (yuan)"), attrs={"td": {"class": "text-end"}}
    )
    opened_on = tables.DateColumn(verbose_name=_("opened on"), format="Y-m-d")
    review_due_on = tables.DateColumn(verbose_name=_("next review due"), format="Y-m-d")
    closed_on = tables.Column(verbose_name=_("status"), empty_values=())

    masked = ("reason", "household_size", "income_per_head")

    class Meta:
        model = HardshipFile
        fields = [
            "member",
            "township",
            "reason",
            "household_size",
            "income_per_head",
            "opened_on",
            "review_due_on",
            "closed_on",
        ]
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "files"}
        empty_text = _("No hardship files.")

    def render_member(self, record):
        return record.member.real_name

    def render_reason(self, record, value):
        return value if self.details else MASK

    def render_household_size(self, record, value):
        return value if self.details else MASK

    def render_income_per_head(self, record, value):
        return value if self.details else MASK

    def render_review_due_on(self, record, value):
        return value.strftime("%Y-%m-%d") if record.is_open else "—"

    def render_closed_on(self, record):
        if record.closed_on:
            return format_html(BADGE, "secondary", pgettext("hardship file", "Closed"))
        return format_html(BADGE, "warning", pgettext("hardship file", "Open"))


class RecordTable(MaskedTable):
    given_on = tables.DateColumn(verbose_name=_("given on"), format="Y-m-d", linkify=detail_link("aid:record_detail"))
    member = tables.Column(verbose_name=_("member"), order_by=("member__real_name",))
    township = tables.Column(verbose_name=_("township"), order_by=("township__path",))
    kind = tables.Column(verbose_name=_("kind of aid"))
    amount = tables.Column(verbose_name=_("amount (yuan)"), attrs={"td": {"class": "text-end"}})
    fund = tables.Column(verbose_name=pgettext_lazy("aid", "fund"))
    campaign = tables.Column(verbose_name=_("campaign"), order_by=("campaign__name",))
    file = tables.Column(verbose_name=_("reason for hardship"), orderable=False, empty_values=())
    reverses = tables.Column(verbose_name=_("status"), orderable=False, empty_values=())

    masked = ("file",)

    class Meta:
        model = AidRecord
        fields = ["given_on", "member", "township", "kind", "amount", "fund", "campaign", "file", "reverses"]
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "records"}
        empty_text = _("No aid records.")

    def render_member(self, record):
        return record.member.real_name

    def render_file(self, record):
        if record.file_id is None:
            return "—"
        return record.file.get_reason_display() if self.details else MASK

    def render_reverses(self, record):
        if record.reverses_id:
            return format_html(BADGE, "danger", _("Reversal"))
        if getattr(record, "reversed_by", None) is not None:
            return format_html(BADGE, "secondary", _("Reversed"))
        return "—"


class CampaignTable(tables.Table):
    name = tables.Column(verbose_name=_("name"), linkify=detail_link("aid:campaign_detail"))
    year = tables.Column(verbose_name=_("year"))
    kind = tables.Column(verbose_name=_("kind of aid"))
    unit = tables.Column(verbose_name=_("organising union"), order_by=("unit__path",))
    starts_on = tables.DateColumn(verbose_name=pgettext_lazy("aid campaign", "starts on"), format="Y-m-d")
    ends_on = tables.DateColumn(verbose_name=pgettext_lazy("aid campaign", "ends on"), format="Y-m-d")
    budget = tables.Column(verbose_name=_("budget (yuan)"), attrs={"td": {"class": "text-end"}})
    spent = tables.Column(verbose_name=_("Spent (yuan)"), attrs={"td": {"class": "text-end"}})
    persons = tables.Column(verbose_name=_("Persons reached"), attrs={"td": {"class": "text-end"}})

    class Meta:
        model = AidCampaign
        fields = ["name", "year", "kind", "unit", "starts_on", "ends_on", "budget", "spent", "persons"]
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "campaigns"}
        empty_text = _("No aid campaigns.")
