"""Panels: how a higher app adds a section to a lower app's page without the lower importing it.

A panel is `func(request, obj) -> str | None` (rendered HTML). The owner of a page declares a
slot and renders `{% panels "slot" obj %}`; a consumer registers in its AppConfig.ready().
"""

from collections import defaultdict

_PANELS = defaultdict(list)


def register_panel(slot: str, func) -> None:
    if func not in _PANELS[slot]:
        _PANELS[slot].append(func)


def render_panels(slot: str, *, request, obj) -> list[str]:
    return [html for func in _PANELS[slot] if (html := func(request, obj))]
