"""The training lists' tables (django-tables2)."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.core.tables import detail_link

from .choices import ProgrammeStatus
from .models import Programme

BADGE = '<span class="badge text-bg-{} fw-normal">{}</span>'
STATUS_COLOURS = {
    ProgrammeStatus.SCHEDULED: "info",
    ProgrammeStatus.FINISHED: "success",
    ProgrammeStatus.CANCELLED: "secondary",
}


class ProgrammeTable(tables.Table):
    """Newest first; the places taken (and, for a township's user, their township's)."""

    title = tables.Column(verbose_name=_("Programme"), linkify=detail_link("training:programme_detail"))
    kind = tables.Column(verbose_name=_("kind"))
    organiser = tables.Column(verbose_name=_("organiser"), order_by=("organiser__path",))
    starts_on = tables.Column(verbose_name=_("Dates"))
    signup_closes_on = tables.Column(verbose_name=_("Sign-up"))
    enrolled = tables.Column(verbose_name=_("Enrolled / capacity"), attrs={"td": {"class": "text-end"}})
    waiting = tables.Column(verbose_name=_("Waiting list"), attrs={"td": {"class": "text-end"}})
    township_places = tables.Column(
        verbose_name=_("Your township"), accessor="pk", orderable=False, attrs={"td": {"class": "text-end"}}
    )
    status = tables.Column(verbose_name=_("status"))

    class Meta:
        model = Programme
        fields = [
            "title",
            "kind",
            "organiser",
            "starts_on",
            "signup_closes_on",
            "enrolled",
            "waiting",
            "township_places",
            "status",
        ]
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "programmes"}
        empty_text = _("No training programmes.")

    def __init__(self, *args, township=None, **kwargs):
        super().__init__(*args, **kwargs)
        if township is None:
            self.columns.hide("township_places")
        self.status_badges = {
            value: format_html(BADGE, STATUS_COLOURS.get(value, "secondary"), label)
            for value, label in ProgrammeStatus.choices
        }

    def render_title(self, record):
        return str(record)

    def render_organiser(self, value):
        return value.name

    def render_starts_on(self, record):
        return f"{record.starts_on:%Y-%m-%d} ~ {record.ends_on:%Y-%m-%d}"

    def render_signup_closes_on(self, record):
        return f"{record.signup_opens_on:%m-%d} ~ {record.signup_closes_on:%m-%d}"

    def render_enrolled(self, record):
        return f"{record.enrolled} / {record.capacity}"

    def render_township_places(self, record):
        quota = getattr(record, "township_quota", None)
        enrolled = getattr(record, "township_enrolled", 0)
        if quota is None:
            return format_html("{}", enrolled)
        return format_html("{} / {}", enrolled, quota)

    def render_status(self, record):
        return self.status_badges.get(record.status, record.status)


class UntrainedTable(tables.Table):
    """未培训干部: one officer in post a line, by township, union and name."""

    name = tables.Column(verbose_name=_("full name"), orderable=False)
    position = tables.Column(verbose_name=_("position"), orderable=False)
    union = tables.Column(verbose_name=_("union"), orderable=False)
    township = tables.Column(verbose_name=_("Township"), accessor="township_id", orderable=False)
    last_trained_on = tables.Column(verbose_name=_("Last trained"), orderable=False, default=_("Never trained"))

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "untrained"}
        empty_text = _("Every cadre in post has been trained.")

    def __init__(self, *args, townships=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.townships = townships or {}

    def render_position(self, record):
        return record.get_position_display()

    def render_union(self, value):
        return format_html('<a href="{}">{}</a>', value.get_absolute_url(), value.name)

    def render_township(self, value):
        return self.townships.get(value, "—")

    def render_last_trained_on(self, value):
        return f"{value:%Y-%m-%d}"

    def value_last_trained_on(self, value):
        return value
