from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "apps.members"
    label = "members"
    verbose_name = _("Members")

    def ready(self):
        # The township page (branches) shows the enrolment rate, which members own.
        from apps.core.imports import register_importer
        from apps.core.panels import register_panel

        from .imports import ROSTER
        from .panels import enrolment_panel

        register_panel("orgunit_detail", enrolment_panel)
        # The roster import (apps.core.imports), a background job: the sweep re-sends lost ones
        # and fails dead ones.
        register_importer(ROSTER)
