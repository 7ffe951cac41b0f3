from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AidConfig(AppConfig):
    name = "apps.aid"
    label = "aid"
    verbose_name = _("Hardship aid")

    def ready(self):
        # Each module declares what the app adds to the shared rails (menu, indicators, panels
        # on other apps' pages, reminders) in its `register()`.
        from . import indicators, milestones, navigation, panels

        for module in (navigation, indicators, panels, milestones):
            module.register()
