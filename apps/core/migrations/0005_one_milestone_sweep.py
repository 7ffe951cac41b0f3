"""One beat task sends every milestone reminder (apps.core.tasks.sweep_milestones).

The entries beat wrote for the sweeps it replaces (the complaints' deadline sweep, the branches'
compliance reminders) stay in django-celery-beat's table when they leave CELERY_BEAT_SCHEDULE;
they are disabled here, not deleted, so an edited schedule can still be read in admin. Running
them would do no harm (the claims make every reminder exactly-once), only double work.
"""

from django.db import migrations

REPLACED = ["apps.complaints.tasks.complaint_deadline_sweep", "apps.branches.tasks.send_compliance_reminders"]


def disable_the_replaced_sweeps(apps, schema_editor):
    from django.utils import timezone

    periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
    if periodic_task.objects.filter(task__in=REPLACED, enabled=True).update(enabled=False):
        # Tells a running beat to read its schedule again.
        apps.get_model("django_celery_beat", "PeriodicTasks").objects.update_or_create(
            ident=1, defaults={"last_update": timezone.now()}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_milestone_claims"),
        ("django_celery_beat", "0001_initial"),
    ]

    operations = [migrations.RunPython(disable_the_replaced_sweeps, migrations.RunPython.noop)]
