from django.utils.translation import gettext_lazy as _

from apps.core.navigation import MenuItem

MENU = [
    MenuItem(label=_("Home"), url_name="overview:home", icon="house", order=0),
    # The county assessment (年终考核), in the 800 band.
    MenuItem(
        label=_("Year-end assessment"),
        url_name="overview:assessment",
        icon="clipboard-check",
        permission="overview.view_assessmentyear",
        order=800,
        active_for=(
            "overview:assessment_township",
            "overview:assessment_manage",
            "overview:assessment_refresh",
            "overview:assessment_lock",
        ),
    ),
]
