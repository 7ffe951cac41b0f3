import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import OrgUnit


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

    def render_name(self, record):
        # Indent by depth so the tree reads as a tree in a flat, path-ordered list.
        return format_html(
            '<span class="tree-depth-{}"><a href="{}">{}</a></span>',
            min(max(record.depth - self.base_depth + 1, 1), 8),
            record.get_absolute_url(),
            record.name,
        )
