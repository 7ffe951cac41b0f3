from django.utils.translation import gettext_lazy as _

from apps.core.navigation import MenuItem

MENU = [MenuItem(label=_("Home"), url_name="overview:home", icon="house", order=0)]
