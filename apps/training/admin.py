"""Django admin for cadre training, scoped like the portal's lists.

Programmes, their sessions and the townships' quotas are saved through the training services,
as the admin user (so the organiser must lie in the user's area, a quota cannot fall below its
enrolled trainees, and a larger one moves the waiting list up). Nominations, attendance and
certificates are written only by the portal's services (places under the programme's lock,
certificate numbers from the shared serials): read-only here. Nothing is deleted.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.branches.selectors import orgunit_list
from apps.core.admin_mixins import NoDeleteAdminMixin, ScopedAdminMixin, ServiceAdminMixin

from .models import Attendance, AttendanceImport, Certificate, Nomination, Programme, Quota, Session
from .selectors import (
    attendance_import_list,
    attendance_list,
    certificate_list,
    nomination_list,
    programme_list,
    quota_list,
    session_list,
)
from .services import (
    PROGRAMME_UPDATABLE_FIELDS,
    programme_create,
    programme_update,
    quota_set,
    session_add,
    session_update,
)


def _programmes_in_scope(*, user):
    return Programme.objects.filter(pk__in=programme_list(user=user).values("pk"))


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SessionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Session
    extra = 0
    can_delete = False
    fields = readonly_fields = ["held_on", "hours", "subject", "teacher", "attendance_recorded_at"]


class QuotaInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Quota
    extra = 0
    can_delete = False
    fields = readonly_fields = ["township", "places"]


@admin.register(Programme)
class ProgrammeAdmin(ServiceAdminMixin, NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_selector = programme_list
    scope_related = {"organiser": orgunit_list}
    list_display = ["title", "year", "batch", "kind", "organiser", "starts_on", "ends_on", "capacity", "status"]
    list_filter = ["kind", "status", "year"]
    search_fields = ["title", "venue"]
    list_select_related = ["organiser"]
    autocomplete_fields = ["organiser"]
    date_hierarchy = "starts_on"
    inlines = [SessionInline, QuotaInline]
    readonly_fields = ["status", "cancelled_at", "cancel_reason", "created_by", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["organiser", "kind", "year", "batch", "title", "venue", "target_groups"]}),
        (_("Dates"), {"fields": ["starts_on", "ends_on", "signup_opens_on", "signup_closes_on"]}),
        (_("Places and completion"), {"fields": ["capacity", "completion_share"]}),
        (
            _("Record"),
            {"fields": ["status", "cancelled_at", "cancel_reason", "created_by", "created_at", "updated_at"]},
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["organiser", "kind", "year", "batch"] if obj is not None else []
        return [*fixed, *self.readonly_fields]

    def service_create(self, request, data):
        return programme_create(user=request.user, **data)

    def service_update(self, request, obj, data):
        fields = {name: value for name, value in data.items() if name in PROGRAMME_UPDATABLE_FIELDS}
        return programme_update(user=request.user, programme=obj, **fields)


@admin.register(Session)
class SessionAdmin(ServiceAdminMixin, NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_selector = session_list
    scope_related = {"programme": _programmes_in_scope}
    list_display = ["held_on", "subject", "programme", "hours", "teacher", "attendance_recorded_at"]
    search_fields = ["subject", "teacher", "programme__title"]
    list_select_related = ["programme"]
    readonly_fields = ["attendance_recorded_at"]
    date_hierarchy = "held_on"

    def get_readonly_fields(self, request, obj=None):
        return ["programme", *self.readonly_fields] if obj is not None else self.readonly_fields

    def service_create(self, request, data):
        return session_add(user=request.user, **data)

    def service_update(self, request, obj, data):
        return session_update(user=request.user, session=obj, **data)


@admin.register(Quota)
class QuotaAdmin(ServiceAdminMixin, NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_selector = quota_list
    scope_related = {"programme": _programmes_in_scope, "township": orgunit_list}
    list_display = ["programme", "township", "places"]
    list_select_related = ["programme", "township"]
    search_fields = ["programme__title", "township__name"]
    autocomplete_fields = ["township"]

    def get_readonly_fields(self, request, obj=None):
        return ["programme", "township"] if obj is not None else []

    def service_create(self, request, data):
        return quota_set(user=request.user, **data)

    def service_update(self, request, obj, data):
        return quota_set(user=request.user, programme=obj.programme, township=obj.township, places=data["places"])


class AttendanceInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Attendance
    extra = 0
    can_delete = False
    fields = readonly_fields = ["session", "present", "hours", "recorded_by"]


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdminMixin, NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Places are given by the portal's nomination service, under the programme's lock."""

    scope_selector = nomination_list
    list_display = ["trainee_name", "programme", "township", "status", "waiting_position", "completed", "score"]
    list_filter = ["status", "completed"]
    search_fields = ["trainee_name", "programme__title"]
    list_select_related = ["programme", "township"]
    raw_id_fields = ["officer", "member"]
    inlines = [AttendanceInline]

    def get_queryset(self, request):
        # The member's encrypted columns are not needed here.
        return super().get_queryset(request).select_related("programme", "township")


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdminMixin, NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_selector = attendance_list
    list_display = ["session", "nomination", "present", "hours", "recorded_by"]
    list_filter = ["present"]
    search_fields = ["nomination__trainee_name", "session__subject"]
    list_select_related = ["session", "nomination", "recorded_by"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdminMixin, NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Numbers are drawn once by the certificate service; a certificate is kept for good."""

    scope_selector = certificate_list
    list_display = ["number", "nomination", "issued_at", "issued_by"]
    search_fields = ["number", "nomination__trainee_name"]
    list_select_related = ["nomination", "issued_by"]


@admin.register(AttendanceImport)
class AttendanceImportAdmin(ReadOnlyAdminMixin, NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """The uploaded sign-in sheets and their results (the portal's import pages import them)."""

    scope_selector = attendance_import_list
    list_display = ["file_name", "programme", "uploaded_by", "status", "total_rows", "created_at"]
    list_filter = ["status"]
    exclude = ["content", "report"]
    list_select_related = ["programme", "uploaded_by"]
