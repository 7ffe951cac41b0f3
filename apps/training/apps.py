from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "apps.training"
    label = "training"
    verbose_name = _("Cadre training")

    def ready(self):
        # Each module declares what the app adds to the shared rails (indicators, milestones) in
        # its `register()`; the menu, panels and imports come with the views.
        from . import indicators, milestones

        for module in (indicators, milestones):
            module.register()
