"""The re-employment app's menu entries (registered in ReemploymentConfig.ready()), in the 700
band under their own section 再就业帮扶 (650–665 is kept for the hardship aid section)."""

from django.utils.translation import gettext_lazy as _

from apps.core.navigation import MenuItem, register_menu

SECTION = _("Re-employment help")

MENU = [
    MenuItem(
        label=_("Re-employment cases"),
        url_name="reemployment:case_list",
        icon="person-workspace",
        permission="reemployment.view_reemploymentcase",
        order=700,
        section=SECTION,
        active_for=(
            "reemployment:case_register",
            "reemployment:case_detail",
            "reemployment:help_create",
            "reemployment:case_update",
            "reemployment:case_employed",
            "reemployment:case_close",
        ),
    ),
    MenuItem(
        label=_("Re-employment bases"),
        url_name="reemployment:base_list",
        icon="building",
        permission="reemployment.view_reemploymentbase",
        order=705,
        section=SECTION,
        active_for=(
            "reemployment:base_create",
            "reemployment:base_detail",
            "reemployment:base_update",
            "reemployment:base_places",
            "reemployment:base_close",
        ),
    ),
    MenuItem(
        label=_("Re-employment by township"),
        url_name="reemployment:report",
        icon="bar-chart",
        permission="reemployment.view_reemploymentcase",
        order=710,
        section=SECTION,
        active_for=("reemployment:targets",),
    ),
]


def register() -> None:
    register_menu(*MENU)
