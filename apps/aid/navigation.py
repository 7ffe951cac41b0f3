"""The hardship-aid app's menu entries (registered in AidConfig.ready()), in the 650–665 band
under their own section 困难职工帮扶 (the re-employment section follows at 700)."""

from django.utils.translation import gettext_lazy as _

from apps.core.navigation import MenuItem, register_menu

SECTION = _("Hardship aid")

MENU = [
    MenuItem(
        label=_("Hardship files"),
        url_name="aid:file_list",
        icon="heart",
        permission="aid.view_hardshipfile",
        order=650,
        section=SECTION,
        active_for=("aid:file_detail", "aid:file_open", "aid:file_update", "aid:file_review", "aid:file_close"),
    ),
    MenuItem(
        label=_("Aid records"),
        url_name="aid:record_list",
        icon="gift",
        permission="aid.view_aidrecord",
        order=655,
        section=SECTION,
        active_for=("aid:record_detail", "aid:record_create", "aid:record_reverse"),
    ),
    MenuItem(
        label=_("Aid campaigns"),
        url_name="aid:campaign_list",
        icon="calendar-heart",
        permission="aid.view_aidcampaign",
        order=660,
        section=SECTION,
        active_for=("aid:campaign_detail", "aid:campaign_create", "aid:campaign_update"),
    ),
    MenuItem(
        label=_("Hardship aid by township"),
        url_name="aid:report",
        icon="bar-chart",
        permission="aid.view_aidrecord",
        order=665,
        section=SECTION,
    ),
]


def register() -> None:
    register_menu(*MENU)
