from django.contrib import admin

from apps.core.admin_mixins import NoDeleteAdminMixin, ScopedAdminMixin

from . import selectors
from .models import Complaint, ComplaintReminder, ComplaintStep


class StepInline(admin.TabularInline):
    model = ComplaintStep
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "at", "note"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Read-only here: the workflow owns every field. A complaint is registered by
    `complaint_register` (tracking number, deadline, township) and moves on only by
    `complaint_transition` (status, answer, closing, with a timeline step each); steps and
    reminders are written by those services and the sweep, never by hand. The complainant's
    name and mobile are not shown here at all (the portal's pages show them as
    `selectors.complainant_shown` allows)."""

    scope_selector = selectors.complaint_list
    list_display = ["tracking_number", "received_at", "township", "enterprise", "category", "status", "is_overdue"]
    list_filter = ["status", "category", "channel", "is_overdue"]
    search_fields = ["tracking_number", "enterprise__name"]
    autocomplete_fields = ["township", "enterprise", "handler"]
    list_select_related = ["township", "enterprise"]
    exclude = ["complainant_name", "complainant_mobile"]
    inlines = [StepInline]
    date_hierarchy = "received_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ComplaintReminder)
class ComplaintReminderAdmin(NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """What the deadline sweep sent, once per complaint and kind: read-only."""

    scope_selector = selectors.complaint_reminder_list
    list_display = ["complaint", "kind", "sent_at"]
    list_filter = ["kind"]
    list_select_related = ["complaint"]
    raw_id_fields = ["complaint"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
