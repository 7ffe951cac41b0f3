from django import template
from django.utils.safestring import mark_safe

from apps.core.forms import filter_field as filter_field_html
from apps.core.panels import render_panels
from apps.core.tables import table_header_cells, table_rows

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context, slot, obj):
    """The sections other apps add to this page (see apps.core.panels)."""
    # Each panel renders through Django's templates, which escape their own content.
    return mark_safe("".join(render_panels(slot, request=context["request"], obj=obj)))  # noqa: S308


@register.simple_tag
def lookup(mapping, key):
    """mapping[key] in a template, for tables whose first column varies."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.simple_tag(takes_context=True, name="table_rows")
def table_rows_tag(context, table):
    """The rows of a django-tables2 table's page (see apps.core.tables.table_rows)."""
    return table_rows(table, context)


@register.simple_tag(name="filter_field")
def filter_field_tag(field):
    """A filter form's field as crispy's `as_crispy_field` renders it (see apps.core.forms.filter_field)."""
    return filter_field_html(field)


@register.simple_tag(takes_context=True, name="table_header_cells")
def table_header_cells_tag(context, table):
    """The header cells of a django-tables2 table (see apps.core.tables.table_header_cells)."""
    return table_header_cells(table, context)


@register.simple_tag(takes_context=True)
def may_global_search(context):
    """Whether the header's search box is shown: the user may search at least one kind (no query)."""
    from apps.core.global_search import search_providers_for

    return bool(search_providers_for(context.get("user")))
