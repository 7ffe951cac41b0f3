from django import template
from django.utils.safestring import mark_safe

from apps.core.panels import render_panels

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
