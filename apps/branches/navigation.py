"""The branches app's menu entries (registered in BranchesConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from apps.core.navigation import MenuItem

from .choices import GRASSROOTS_KINDS

SECTION = _("Organisation building")


def _over_an_area(permission):
    """The area's figures (the formation rate, the yearly check) are a township's and the
    county's: a grassroots officer's area is their own union, for which both pages are empty."""

    def allowed(user):
        unit = user.org_unit  # loaded with the user (accounts.backends): no query
        return user.has_perm(permission) and (unit is None or unit.kind not in GRASSROOTS_KINDS)

    return allowed


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
        permission=_over_an_area("branches.view_enterprise"),
        order=140,
        section=SECTION,
    ),
    MenuItem(
        label=_("Yearly compliance"),
        url_name="branches:compliance",
        icon="clipboard-check",
        permission=_over_an_area("branches.view_orgunit"),
        order=150,
        section=SECTION,
    ),
]
