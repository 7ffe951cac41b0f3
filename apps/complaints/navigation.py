"""The complaints app's menu entries (registered in ComplaintsConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from apps.core.navigation import MenuItem

MENU = [
    MenuItem(
        label=_("Complaints"),
        url_name="complaints:complaint_list",
        icon="megaphone",
        permission="complaints.view_complaint",
        order=300,
        section=_("Rights protection"),
        active_for=("complaints:",),
    ),
]
