"""Django admin for hardship aid, scoped like the portal's lists.

The yearly thresholds are edited here (through the service, as the admin user); campaigns too.
Files, reviews and aid records are written by the portal's pages (one open file per member, the
member's hardship flag following it, reversals instead of changes): read-only here. Nothing is
deleted.
"""

from django.contrib import admin

from apps.branches.selectors import orgunit_list
from apps.core.admin_mixins import NoDeleteAdminMixin, ScopedAdminMixin, ServiceAdminMixin

from . import selectors
from .models import AidCampaign, AidRecord, HardshipFile, HardshipReview, HardshipThreshold
from .services import campaign_create, campaign_update, threshold_set


def _thresholds_in_scope(*, user):
    return HardshipThreshold.objects.filter(unit__in=orgunit_list(user=user).values("pk"))


def _campaigns_in_scope(*, user):
    return AidCampaign.objects.filter(pk__in=selectors.campaign_list(user=user).values("pk"))


def _reviews_in_scope(*, user):
    return HardshipReview.objects.filter(file__in=selectors.file_list(user=user).values("pk"))


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(HardshipThreshold)
class HardshipThresholdAdmin(ServiceAdminMixin, NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_selector = _thresholds_in_scope
    scope_related = {"unit": orgunit_list}
    list_display = ["unit", "year", "amount"]
    list_filter = ["year"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]

    def get_readonly_fields(self, request, obj=None):
        return ["unit", "year"] if obj is not None else []

    def service_create(self, request, data):
        return threshold_set(user=request.user, **data)

    def service_update(self, request, obj, data):
        return threshold_set(user=request.user, unit=obj.unit, year=obj.year, amount=data["amount"])


@admin.register(AidCampaign)
class AidCampaignAdmin(ServiceAdminMixin, NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_selector = _campaigns_in_scope
    scope_related = {"unit": orgunit_list}
    list_display = ["name", "year", "kind", "unit", "starts_on", "ends_on", "budget"]
    list_filter = ["year", "kind"]
    search_fields = ["name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["created_by"]

    def get_readonly_fields(self, request, obj=None):
        return ["unit", "created_by"] if obj is not None else ["created_by"]

    def service_create(self, request, data):
        return campaign_create(user=request.user, **data)

    def service_update(self, request, obj, data):
        return campaign_update(user=request.user, campaign=obj, **data)


class ReviewInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = HardshipReview
    extra = 0
    can_delete = False
    fields = readonly_fields = ["reviewed_on", "due_on", "outcome", "note", "reviewed_by"]


@admin.register(HardshipFile)
class HardshipFileAdmin(ReadOnlyAdminMixin, NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Opened, reviewed and closed through the portal's pages."""

    scope_selector = selectors.file_list
    list_display = ["member", "township", "reason", "opened_on", "review_due_on", "closed_on"]
    list_filter = ["reason", "close_reason"]
    list_select_related = ["member", "township"]
    raw_id_fields = ["member"]
    inlines = [ReviewInline]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("member__id_number")


@admin.register(HardshipReview)
class HardshipReviewAdmin(ReadOnlyAdminMixin, NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_selector = _reviews_in_scope
    list_display = ["reviewed_on", "due_on", "outcome", "file", "reviewed_by"]
    list_filter = ["outcome"]
    list_select_related = ["file", "reviewed_by"]


@admin.register(AidRecord)
class AidRecordAdmin(ReadOnlyAdminMixin, NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Money given is never changed or deleted: a wrong record is reversed on the portal."""

    scope_selector = selectors.record_list
    list_display = ["given_on", "member", "township", "kind", "amount", "fund", "campaign", "reverses"]
    list_filter = ["kind", "fund"]
    list_select_related = ["member", "township", "campaign"]
    raw_id_fields = ["member", "file", "campaign", "reverses"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("member__id_number")
