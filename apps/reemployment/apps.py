from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReemploymentConfig(AppConfig):
    name = "apps.reemployment"
    label = "reemployment"
    verbose_name = _("Re-employment")

    def ready(self):
        # Each module declares what the app adds to the shared rails (menu, indicators, panels
        # on other apps' pages) in its `register()`.
        from . import indicators, navigation, panels

        for module in (navigation, indicators, panels):
            module.register()
