import functools

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.core.tables import IsoDateColumn, detail_link, pk_url_function

from .models import Enterprise, Meeting, OrgUnit


class OrgUnitTable(tables.Table):
    name = tables.Column(verbose_name=_("Name"), order_by=("path",))
    kind = tables.Column(verbose_name=_("Kind"))
    code = tables.Column(verbose_name=_("Unit code"))
    numchild = tables.Column(verbose_name=_("Units directly under it"))
    is_active = tables.BooleanColumn(verbose_name=_("Active"))

    class Meta:
        model = OrgUnit
        fields = ["name", "kind", "code", "numchild", "is_active"]
        attrs = {"class": "table table-sm table-hover align-middle"}

    def __init__(self, *args, base_depth=1, **kwargs):
        super().__init__(*args, **kwargs)
        self.base_depth = base_depth

    @functools.cached_property
    def detail_url(self):
        """record.get_absolute_url(), reversed once per table."""
        return pk_url_function("branches:orgunit_detail")

    def render_name(self, record):
        # Indent by depth so the tree reads as a tree in a flat, path-ordered list.
        return format_html(
            '<span class="tree-depth-{}"><a href="{}">{}</a></span>',
            min(max(record.depth - self.base_depth + 1, 1), 8),
            self.detail_url(record.pk),
            record.name,
        )


class EnterpriseTable(tables.Table):
    name = tables.Column(verbose_name=_("Name"), linkify=detail_link("branches:enterprise_detail"))
    credit_code = tables.Column(verbose_name=_("Unified social credit code"))
    township = tables.Column(verbose_name=_("Township"), order_by=("township__path",))
    ownership = tables.Column(verbose_name=_("Ownership"))
    employee_count = tables.Column(verbose_name=_("Employees"))
    union = tables.Column(verbose_name=_("Covering union"), default="—", order_by=("union__name",))

    class Meta:
        model = Enterprise
        fields = ["name", "credit_code", "township", "ownership", "employee_count", "union"]
        attrs = {"class": "table table-sm table-hover align-middle"}

    # What the cells read: the list loads only these (apps.core.mixins.ScopedListView.get_table_data).
    loaded_fields = ("name", "credit_code", "township__name", "ownership", "employee_count", "union__name")

    def render_union(self, value):
        return value.name

    def render_township(self, value):
        return value.name


class UnionTable(tables.Table):
    name = tables.Column(verbose_name=_("Name"), linkify=detail_link("branches:orgunit_detail"))
    township_name = tables.Column(verbose_name=_("Township"), order_by=("path",))
    kind = tables.Column(verbose_name=_("Kind"))
    status = tables.Column(verbose_name=_("Approval status"))
    formation_form = tables.Column(verbose_name=_("Form of organisation"), default="—")
    declared_members = tables.Column(verbose_name=_("Number of members"), default="—")
    enterprise_count = tables.Column(verbose_name=_("Enterprises covered"))
    term_end = IsoDateColumn(verbose_name=_("Term ends"), default="—")

    class Meta:
        model = OrgUnit
        fields = [
            "name",
            "township_name",
            "kind",
            "status",
            "formation_form",
            "declared_members",
            "enterprise_count",
            "term_end",
        ]
        attrs = {"class": "table table-sm table-hover align-middle"}

    # What the cells read besides the selector's annotations (township_name, enterprise_count).
    loaded_fields = ("name", "kind", "status", "formation_form", "declared_members", "term_end")


class MeetingTable(tables.Table):
    held_on = IsoDateColumn(verbose_name=_("Held on"))
    title = tables.Column(verbose_name=_("Subject"))
    kind = tables.Column(verbose_name=_("Kind"))
    org_unit = tables.Column(verbose_name=_("Held by"), linkify=True, order_by=("org_unit__path",))
    enterprise = tables.Column(verbose_name=_("Enterprise"), default="—")
    attendees = tables.Column(verbose_name=_("Attendees"), default="—")

    class Meta:
        model = Meeting
        fields = ["held_on", "title", "kind", "org_unit", "enterprise", "attendees"]
        attrs = {"class": "table table-sm table-hover align-middle"}
