from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask, SolarSchedule

from . import schedules
from .models import MilestoneClaim, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "level", "created_at", "read_at", "emailed_at"]
    list_filter = ["level", "created_at"]
    search_fields = ["title", "recipient__username"]
    autocomplete_fields = ["recipient"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"


@admin.register(MilestoneClaim)
class MilestoneClaimAdmin(admin.ModelAdmin):
    """The milestones reached (apps.core.milestones), to inspect: read-only, for superusers only.

    A claim is written by the sweep alone (in the transaction that sends its reminders); adding,
    changing or deleting one by hand would send a reminder twice or never. A claim spans every
    app's subjects, so no township scope applies: county staff see their apps' own views (the
    complaints' reminders) instead. Subject 0 with occurrence "swept:<day>" is a daily
    milestone's "already swept this day" marker.
    """

    list_display = ["kind", "subject_shown", "occurrence", "due_at", "sent_at"]
    list_filter = ["kind"]
    search_fields = ["kind", "occurrence", "=subject_id"]
    date_hierarchy = "sent_at"
    ordering = ["-sent_at", "-id"]
    readonly_fields = ["kind", "subject_shown", "occurrence", "due_at", "sent_at"]
    fields = readonly_fields

    @admin.display(description=_("subject id"), ordering="subject_id")
    def subject_shown(self, claim):
        return claim.subject_id

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Celery beat's schedules, in Chinese (apps.core.schedules) ----------------------------------


class TaskFilter(admin.SimpleListFilter):
    title = _("Task")
    parameter_name = "task"

    def lookups(self, request, model_admin):
        tasks = PeriodicTask.objects.order_by("task").values_list("task", flat=True).distinct()
        known = schedules.PORTAL_TASKS
        return [(task, str(known[task][0]) if task in known else task) for task in tasks]

    def queryset(self, request, queryset):
        return queryset.filter(task=self.value()) if self.value() else queryset


_BEAT_FIRST_SECTION = beat_admin.PeriodicTaskAdmin.fieldsets[0][1]


class PortalPeriodicTaskAdmin(beat_admin.PeriodicTaskAdmin):
    """The portal's beat tasks by their Chinese names, their schedules in words."""

    list_display = ["title", "description_shown", "schedule_shown", "enabled", "last_run_at"]
    list_display_links = ["title"]
    list_filter = ["enabled", "one_off", TaskFilter, "start_time", "last_run_at"]
    list_select_related = ["interval", "crontab", "clocked", "solar"]
    readonly_fields = [*beat_admin.PeriodicTaskAdmin.readonly_fields, "title", "description_shown"]
    # django-celery-beat's sections, the task's Chinese name and what it does first.
    fieldsets = (
        (None, {**_BEAT_FIRST_SECTION, "fields": ("title", "description_shown", *_BEAT_FIRST_SECTION["fields"])}),
        *beat_admin.PeriodicTaskAdmin.fieldsets[1:],
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "task" and field is not None:
            field.label = _("Task (code name)")  # django-celery-beat's "Task Name" is not translatable
        return field

    @admin.display(description=_("Task"), ordering="name")
    def title(self, task):
        return schedules.task_title(task)

    @admin.display(description=_("What it does"))
    def description_shown(self, task):
        return schedules.task_description(task)

    @admin.display(description=_("Runs"))
    def schedule_shown(self, task):
        return schedules.describe_schedule(task)

    @admin.display(description=_("Crontab in words"))
    def crontab_translation(self, task):
        return schedules.describe_crontab_schedule(task.crontab) if task.crontab_id else "—"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The form's script shows the chosen crontab in words: the Chinese ones, not cron-descriptor's English.
        readable = {crontab.pk: str(crontab) for crontab in CrontabSchedule.objects.all()}
        extra_context = {**(extra_context or {}), "readable_crontabs": readable}
        return admin.ModelAdmin.changeform_view(self, request, object_id, form_url, extra_context)


class PortalPeriodicTaskInline(beat_admin.PeriodicTaskInline):
    fields = ["title", "name", "args", "kwargs"]
    readonly_fields = fields
    verbose_name = _("periodic task using this schedule")
    verbose_name_plural = _("periodic tasks using this schedule")

    @admin.display(description=_("Task"))
    def title(self, task):
        return schedules.task_title(task)


class PortalIntervalScheduleAdmin(beat_admin.IntervalScheduleAdmin):
    list_display = ["shown", "every", "period"]
    inlines = [PortalPeriodicTaskInline]

    @admin.display(description=_("Interval"))
    def shown(self, interval):
        return schedules.describe_interval(interval.every, interval.period)


class PortalCrontabScheduleAdmin(beat_admin.CrontabScheduleAdmin):
    list_display = ["__str__", "shown"]
    inlines = [PortalPeriodicTaskInline]
    fields = ["shown", "minute", "hour", "day_of_month", "month_of_year", "day_of_week", "timezone"]
    readonly_fields = ["shown"]

    @admin.display(description=_("Crontab in words"))
    def shown(self, crontab):
        return schedules.describe_crontab_schedule(crontab) if crontab.pk else "—"


class PortalClockedScheduleAdmin(beat_admin.ClockedScheduleAdmin):
    inlines = [PortalPeriodicTaskInline]


class PortalSolarScheduleAdmin(beat_admin.SolarScheduleAdmin):
    inlines = [PortalPeriodicTaskInline]


for _model, _admin_class in (
    (PeriodicTask, PortalPeriodicTaskAdmin),
    (IntervalSchedule, PortalIntervalScheduleAdmin),
    (CrontabSchedule, PortalCrontabScheduleAdmin),
    (ClockedSchedule, PortalClockedScheduleAdmin),
    (SolarSchedule, PortalSolarScheduleAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin_class)
