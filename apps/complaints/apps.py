from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "apps.complaints"
    label = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from apps.core.milestones import register_milestone

        from .services import complaint_milestones

        for milestone in complaint_milestones():
            register_milestone(milestone)
