from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.db.models.signals import post_migrate

        from .forms import install_plain_empty_labels
        from .jobs import JobKind, register_job_kind
        from .menu import MENU
        from .models import ExportJob, ExportStatus
        from .navigation import register_menu
        from .permissions import name_permissions_in_chinese
        from .schedules import install_chinese_schedule_names
        from .tables import install_signature_cache

        post_migrate.connect(name_permissions_in_chinese, dispatch_uid="core.name_permissions_in_chinese")
        install_chinese_schedule_names()
        install_signature_cache()
        install_plain_empty_labels()
        register_menu(*MENU)
        register_job_kind(
            JobKind(
                model=ExportJob,
                task_name="apps.core.tasks.run_export_job",
                waiting=ExportStatus.PENDING,
                running=ExportStatus.RUNNING,
                failed=ExportStatus.FAILED,
            )
        )
