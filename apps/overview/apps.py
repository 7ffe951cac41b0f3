from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    name = "apps.overview"
    label = "overview"
    verbose_name = _("County overview")

    def ready(self):
        from apps.core.navigation import register_menu

        from .navigation import MENU

        register_menu(*MENU)

        from apps.core.jobs import JobKind, register_job_kind

        from .choices import RefreshStatus
        from .models import AssessmentRefresh

        register_job_kind(
            JobKind(
                model=AssessmentRefresh,
                task_name="apps.overview.tasks.run_assessment_refresh",
                waiting=RefreshStatus.PENDING,
                running=RefreshStatus.RUNNING,
                failed=RefreshStatus.FAILED,
            )
        )
