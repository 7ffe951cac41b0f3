from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "apps.members"
    label = "members"
    verbose_name = _("Members")

    def ready(self):
        # The township page (branches) shows the enrolment rate, which members own.
        from apps.core.panels import register_panel

        from .panels import enrolment_panel

        register_panel("orgunit_detail", enrolment_panel)
