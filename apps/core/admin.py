from django.contrib import admin
from django.utils.translation import gettext_lazy as _

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
