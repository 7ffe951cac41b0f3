from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "apps.members"
    label = "members"
    verbose_name = _("Members")

    def ready(self):
        # The township page (branches) shows the enrolment rate, which members own.
        from apps.core.jobs import JobKind, register_job_kind
        from apps.core.panels import register_panel

        from .choices import ImportStatus
        from .models import RosterImport
        from .panels import enrolment_panel

        register_panel("orgunit_detail", enrolment_panel)
        # Roster imports are background jobs: the sweep re-sends lost ones and fails dead ones.
        register_job_kind(
            JobKind(
                model=RosterImport,
                task_name="apps.members.tasks.run_roster_import",
                waiting=ImportStatus.QUEUED,
                running=ImportStatus.RUNNING,
                failed=ImportStatus.FAILED,
            )
        )
