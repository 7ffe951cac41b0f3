from urllib.parse import urlsplit

from django import template
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe

from apps.core.forms import filter_field as filter_field_html
from apps.core.panels import render_panels
from apps.core.tables import table_header_cells, table_rows
from apps.core.text import join_messages

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


# The context names a form page gives the object it is about, in the order they are asked.
CANCEL_OBJECT_KEYS = ("object", "member", "complaint", "enterprise", "unit", "parent", "job")


@register.simple_tag(takes_context=True)
def cancel_url(context) -> str:
    """Where a form's 取消 goes: the view's `cancel_url`, else the page the user came from (this
    site's, not the form itself; a refused form shown again keeps it, posted as `cancel_to`),
    else the page of the object the form is about, else home."""
    if explicit := context.get("cancel_url"):
        return str(explicit)
    request = context.get("request")
    if request is not None and request.method == "POST":
        # A refused form shown again: where 取消 pointed when the form was first shown.
        carried = request.POST.get("cancel_to", "")
        if (
            carried.startswith("/")
            and len(carried) <= 2000
            and url_has_allowed_host_and_scheme(carried, allowed_hosts={request.get_host()})
        ):
            return carried
    if request is not None:
        referer = request.headers.get("Referer", "")
        if referer and url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            parts = urlsplit(referer)
            if parts.path and parts.path != request.path:
                return parts.path + (f"?{parts.query}" if parts.query else "")
    for key in CANCEL_OBJECT_KEYS:
        obj = context.get(key)
        if hasattr(obj, "get_absolute_url"):
            return obj.get_absolute_url()
    return reverse("overview:home")


@register.filter(name="join_messages")
def join_messages_filter(messages) -> str:
    """An import row's messages on one line without doubled punctuation (apps.core.text.join_messages)."""
    return join_messages(messages)


@register.simple_tag
def page_numbers(page) -> list:
    """The page numbers a paginator shows around `page`: the first and last, two either side of
    this one, and 0 for a gap ("…")."""
    paginator = page.paginator
    return [
        0 if number == paginator.ELLIPSIS else number
        for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
