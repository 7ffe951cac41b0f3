from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "apps.training"
    label = "training"
    verbose_name = _("Cadre training")

    def ready(self):
        # Each module declares what the app adds to the shared rails (menu, to-dos, indicators,
        # panels on other apps' pages, milestones) in its `register()`.
        from apps.core.imports import register_importer

        from . import indicators, milestones, navigation, panels, todos
        from .imports import ATTENDANCE_SHEET

        for module in (navigation, todos, indicators, panels, milestones):
            module.register()
        # The sign-in sheet import, a background job: the sweep re-sends lost ones and fails dead ones.
        register_importer(ATTENDANCE_SHEET)
