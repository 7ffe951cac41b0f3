from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DuesConfig(AppConfig):
    name = "apps.dues"
    label = "dues"
    verbose_name = _("Union funds and dues")

    def ready(self):
        # Each part declares what it adds to the shared rails (menu, header search, to-dos,
        # indicators, panels on other apps' pages, milestones, imports) in its `register()`.
        from .rails import PARTS

        for part in PARTS:
            part.register()
