"""The re-employment lists' tables (django-tables2)."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from apps.core.tables import detail_link

from .choices import CaseStatus
from .models import ReemploymentBase, ReemploymentCase

BADGE = '<span class="badge text-bg-{} fw-normal">{}</span>'
STATUS_COLOURS = {CaseStatus.SEEKING: "warning", CaseStatus.EMPLOYED: "success", CaseStatus.CLOSED: "secondary"}


class CaseTable(tables.Table):
    person_name = tables.Column(verbose_name=_("full name"), linkify=detail_link("reemployment:case_detail"))
    id_masked = tables.Column(verbose_name=_("citizen ID number"), orderable=False, empty_values=())
    township = tables.Column(verbose_name=_("township"), order_by=("township__path",))
    registered_on = tables.DateColumn(verbose_name=_("registered on"), format="Y-m-d")
    reason = tables.Column(verbose_name=_("reason"))
    status = tables.Column(verbose_name=_("status"))
    employer_name = tables.Column(verbose_name=_("new employer"), orderable=False, empty_values=())
    employed_on = tables.DateColumn(verbose_name=_("employed on"), format="Y-m-d")

    class Meta:
        model = ReemploymentCase
        fields = [
            "person_name",
            "id_masked",
            "township",
            "registered_on",
            "reason",
            "status",
            "employer_name",
            "employed_on",
        ]
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "cases"}
        empty_text = _("No re-employment cases.")

    def render_id_masked(self, record):
        return record.id_shown or "—"

    def render_status(self, record, value):
        return format_html(BADGE, STATUS_COLOURS.get(record.status, "secondary"), value)

    def render_employer_name(self, record):
        return record.employer_shown or "—"


class BaseTable(tables.Table):
    name = tables.Column(verbose_name=_("name"), linkify=detail_link("reemployment:base_detail"))
    township = tables.Column(verbose_name=_("township"), order_by=("township__path",))
    level = tables.Column(verbose_name=_("level"))
    recognised_on = tables.DateColumn(verbose_name=_("recognised on"), format="Y-m-d")
    places = tables.Column(verbose_name=_("Places this year"), attrs={"td": {"class": "text-end"}})
    filled = tables.Column(verbose_name=_("Placed this year"), attrs={"td": {"class": "text-end"}})
    closed_on = tables.Column(verbose_name=_("status"), empty_values=())

    class Meta:
        model = ReemploymentBase
        fields = ["name", "township", "level", "recognised_on", "places", "filled", "closed_on"]
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "bases"}
        empty_text = _("No re-employment bases.")

    def render_closed_on(self, record):
        if record.closed_on:
            return format_html(BADGE, "secondary", pgettext("re-employment base", "Closed"))
        return format_html(BADGE, "success", pgettext("re-employment base", "Active"))
