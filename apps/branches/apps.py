from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BranchesConfig(AppConfig):
    name = "apps.branches"
    label = "branches"
    verbose_name = _("Union organisations")

    def ready(self):
        from apps.core.milestones import register_milestone

        from .services.reminders import compliance_milestones

        for milestone in compliance_milestones():
            register_milestone(milestone)
