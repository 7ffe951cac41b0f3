"""The branches app's menu entries (registered in BranchesConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from apps.core.navigation import MenuItem

SECTION = _("Organisation building")

MENU = [
    MenuItem(
        label=_("Union organisations"),
        url_name="branches:orgunit_list",
        icon="diagram-3",
        permission="branches.view_orgunit",
        order=100,
        section=SECTION,
    ),
    MenuItem(
        label=_("Grassroots unions"),
        url_name="branches:union_list",
        icon="people",
        permission="branches.view_orgunit",
        order=110,
        section=SECTION,
        active_for=("branches:union_register",),
    ),
    MenuItem(
        label=_("Enterprises"),
        url_name="branches:enterprise_list",
        icon="buildings",
        permission="branches.view_enterprise",
        order=120,
        section=SECTION,
        active_for=("branches:enterprise_create",),
    ),
    MenuItem(
        label=_("Meetings"),
        url_name="branches:meeting_list",
        icon="calendar-check",
        permission="branches.view_meeting",
        order=130,
        section=SECTION,
    ),
    MenuItem(
        label=_("Union formation rate"),
        url_name="branches:formation_rate",
        icon="pie-chart",
        permission="branches.view_enterprise",
        order=140,
        section=SECTION,
    ),
    MenuItem(
        label=_("Yearly compliance"),
        url_name="branches:compliance",
        icon="clipboard-check",
        permission="branches.view_orgunit",
        order=150,
        section=SECTION,
    ),
]
