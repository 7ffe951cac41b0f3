"""What the memberdues part adds to the shared rails (menu, search, to-dos, indicators, panels,
milestones, imports): its `register()` is called from DuesConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from apps.core.navigation import MenuItem, register_menu

MENU = [
    MenuItem(
        label=_("Membership dues"),
        url_name="dues:member_dues",
        icon="wallet2",
        permission="dues.view_duesrecord",
        order=470,
        section=_("Union funds"),
        active_for=("dues:member_dues_sheet", "dues:member_dues_overdue"),
    ),
]


def register() -> None:
    register_menu(*MENU)
