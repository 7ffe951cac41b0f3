"""Core's own menu entries: notifications and, for staff, Django admin."""

from django.utils.translation import gettext_lazy as _

from .navigation import MenuItem

MENU = [
    MenuItem(label=_("Notifications"), url_name="core:notification_list", icon="bell", order=900),
    MenuItem(
        label=_("Administration"),
        url_name="admin:index",
        icon="gear",
        order=990,
        permission=lambda user: user.is_staff,
        active_for=("admin:",),
    ),
]
