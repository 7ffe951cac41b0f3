from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "apps.training"
    label = "training"
    verbose_name = _("Cadre training")

    def ready(self):
        # Each module declares what the app adds to the shared rails (indicators, milestones) in
        # its `register()`; the menu and panels come with the views.
        from apps.core.imports import register_importer

        from . import indicators, milestones
        from .imports import ATTENDANCE_SHEET

        for module in (indicators, milestones):
            module.register()
        # The sign-in sheet import, a background job: the sweep re-sends lost ones and fails dead ones.
        register_importer(ATTENDANCE_SHEET)
