from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "apps.contracts"
    label = "contracts"
    verbose_name = _("Collective contracts")

    def ready(self):
        # Each module declares what the app adds to the shared rails (menu, header search, to-dos,
        # indicators, panels on other apps' pages, milestones, imports) in its `register()`.
        from . import global_search, imports, indicators, milestones, navigation, panels, todos

        for module in (navigation, global_search, todos, indicators, panels, milestones, imports):
            module.register()
