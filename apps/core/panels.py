"""Panels: how a higher app adds a section to a lower app's page without the lower importing it.

A panel is `func(request, obj) -> str | None` (rendered HTML). The owner of a page declares a
slot and renders `{% panels "slot" obj %}`; a consumer registers in its AppConfig.ready().

A panel that reads a one-to-one of its own app on the page's object (dues' `fund_channel` on an
enterprise) names it with `select_related=`, and the page selects it with its object
(`panel_select_related(slot)`): no query of the panel's own, and the page never names a relation
of an app above it.
"""

from collections import defaultdict

_PANELS = defaultdict(list)
_SELECT_RELATED = defaultdict(list)


def register_panel(slot: str, func, *, select_related: tuple[str, ...] = ()) -> None:
    if func not in _PANELS[slot]:
        _PANELS[slot].append(func)
    for name in select_related:
        if name not in _SELECT_RELATED[slot]:
            _SELECT_RELATED[slot].append(name)


def panel_select_related(slot: str) -> list[str]:
    """The relations the slot's panels read on its object, for the page's `select_related`."""
    return list(_SELECT_RELATED[slot])


def render_panels(slot: str, *, request, obj) -> list[str]:
    return [html for func in _PANELS[slot] if (html := func(request, obj))]
