from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    name = "apps.overview"
    label = "overview"
    verbose_name = _("County overview")

    def ready(self):
        from apps.core.navigation import register_menu

        from .navigation import MENU

        register_menu(*MENU)
