"""The main menu: each app declares its entries in its AppConfig.ready(); base.html renders them.

    from apps.core.navigation import MenuItem, register_menu

    register_menu(
        MenuItem(label=_("Members"), url_name="members:member_list", icon="person-vcard",
                 permission="members.view_member", order=200, section=_("Members"),
                 active_for=("members:",)),
    )

`permission` is an "app_label.codename" string, a callable `(user) -> bool`, or None (every
logged-in user). `active_for` lists the view names that highlight the entry besides its own; a
name ending in ":" stands for a whole URL namespace, and an exact name always wins over a
namespace. `order` sorts the whole menu (see README for the bands each app uses); entries of one
`section` should share a band, as the heading is shown where the section changes.

The menu is worked out once per request, from the user's permissions that are already cached on
the user (no query beyond the one that loads them), and only when a page actually shows it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import NoReverseMatch, get_urlconf, reverse
from django.utils.translation import get_language

_ITEMS: dict[str, "MenuItem"] = {}
# What does not depend on the user, worked out once per language and URL configuration:
# [(item, url, label, section)], with the label and section already translated.
_LAYOUTS: dict[tuple, list] = {}


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    icon: str  # a bootstrap-icons name without the "bi-" prefix, served from static/
    permission: str | Callable | None = None
    order: int = 500
    section: str | None = None
    active_for: tuple[str, ...] = field(default_factory=tuple)

    def allowed(self, user, permissions: set[str]) -> bool:
        if self.permission is None:
            return True
        if callable(self.permission):
            return bool(self.permission(user))
        return user.is_superuser or self.permission in permissions


def register_menu(*items: MenuItem) -> None:
    """Add (or replace, keyed by URL name) menu entries; call from AppConfig.ready()."""
    for item in items:
        _ITEMS[item.url_name] = item
    _LAYOUTS.clear()


def unregister_menu(url_name: str) -> None:
    _ITEMS.pop(url_name, None)
    _LAYOUTS.clear()


def registered_items() -> list[MenuItem]:
    return sorted(_ITEMS.values(), key=lambda item: (item.order, item.url_name))


def _layout() -> list[tuple]:
    key = (get_language(), get_urlconf() or settings.ROOT_URLCONF)
    layout = _LAYOUTS.get(key)
    if layout is None:
        layout = []
        for item in registered_items():
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:  # an app whose URLs are not mounted in this configuration
                continue
            layout.append((item, url, str(item.label), str(item.section) if item.section is not None else None))
        _LAYOUTS[key] = layout
    return layout


def _active_entry(items: list[MenuItem], view_name: str) -> str | None:
    if not view_name:
        return None
    namespace = view_name.rsplit(":", 1)[0] + ":" if ":" in view_name else None
    fallback = None
    for item in items:
        if view_name == item.url_name or view_name in item.active_for:
            return item.url_name
        if fallback is None and namespace and namespace in item.active_for:
            fallback = item.url_name
    return fallback


def menu_for(user, *, view_name: str = "") -> list[dict]:
    """The entries the user may open, in order, each with its URL, section heading and active flag."""
    if user is None or not user.is_authenticated:
        return []
    permissions = user.get_all_permissions() if not user.is_superuser else set()
    visible = [entry for entry in _layout() if entry[0].allowed(user, permissions)]
    active = _active_entry([entry[0] for entry in visible], view_name)
    menu, section = [], None
    for item, url, label, item_section in visible:
        heading = item_section if item_section is not None and item_section != section else None
        section = item_section
        menu.append(
            {
                "label": label,
                "url": url,
                "icon": item.icon,
                "section": heading,
                "active": item.url_name == active,
                "url_name": item.url_name,
            }
        )
    return menu
