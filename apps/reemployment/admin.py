"""Django admin for re-employment, scoped like the portal's lists.

Bases, their yearly places and the targets are saved through the services, as the admin user (the
township must lie in the user's area, places never fall below those filled, a closed base is
not changed). Cases and the help given are written by the portal's pages (one open case per
person, placements under the base year's row lock): read-only here, the ID number shown masked
only. Nothing is deleted.
"""

from django.contrib import admin

from apps.branches.selectors import enterprise_list, orgunit_list
from apps.core.admin_mixins import NoDeleteAdminMixin, ScopedAdminMixin, ServiceAdminMixin

from . import selectors
from .models import BaseYear, ReemploymentBase, ReemploymentCase, ReemploymentHelp, ReemploymentTarget
from .services import base_create, base_places_set, base_update, target_set


def _bases_in_scope(*, user):
    return ReemploymentBase.objects.filter(pk__in=selectors.base_list(user=user).values("pk"))


def _years_in_scope(*, user):
    return BaseYear.objects.filter(base__in=_bases_in_scope(user=user))


def _helps_in_scope(*, user):
    return ReemploymentHelp.objects.filter(case__in=selectors.case_list(user=user).values("pk"))


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class BaseYearInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = BaseYear
    extra = 0
    can_delete = False
    fields = readonly_fields = ["year", "places"]


@admin.register(ReemploymentBase)
class ReemploymentBaseAdmin(ServiceAdminMixin, NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_selector = _bases_in_scope
    scope_related = {"township": orgunit_list, "enterprise": enterprise_list}
    list_display = ["name", "township", "enterprise", "level", "recognised_on", "closed_on"]
    list_filter = ["level"]
    search_fields = ["name"]
    list_select_related = ["township", "enterprise"]
    autocomplete_fields = ["township", "enterprise"]
    readonly_fields = ["closed_on", "close_reason", "created_by", "created_at", "updated_at"]
    inlines = [BaseYearInline]

    def get_readonly_fields(self, request, obj=None):
        return ["township", *self.readonly_fields] if obj is not None else self.readonly_fields

    def service_create(self, request, data):
        return base_create(user=request.user, **data)

    def service_update(self, request, obj, data):
        return base_update(user=request.user, base=obj, **data)


@admin.register(BaseYear)
class BaseYearAdmin(ServiceAdminMixin, NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_selector = _years_in_scope
    scope_related = {"base": _bases_in_scope}
    list_display = ["base", "year", "places"]
    list_filter = ["year"]
    search_fields = ["base__name"]
    list_select_related = ["base"]

    def get_readonly_fields(self, request, obj=None):
        return ["base", "year"] if obj is not None else []

    def service_create(self, request, data):
        return base_places_set(user=request.user, **data)

    def service_update(self, request, obj, data):
        return base_places_set(user=request.user, base=obj.base, year=obj.year, places=data["places"])


class HelpInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ReemploymentHelp
    fk_name = "case"
    extra = 0
    can_delete = False
    fields = readonly_fields = ["given_on", "kind", "base", "note", "given_by"]


@admin.register(ReemploymentCase)
class ReemploymentCaseAdmin(ReadOnlyAdminMixin, NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Registered, helped and closed through the portal's pages."""

    scope_selector = selectors.case_list
    list_display = ["person_name", "id_masked", "township", "registered_on", "reason", "status", "employed_on"]
    list_filter = ["status", "reason"]
    list_select_related = ["township"]
    exclude = ["id_number", "id_hash"]
    raw_id_fields = ["member", "employer", "employed_via"]
    inlines = [HelpInline]

    def get_queryset(self, request):
        # The encrypted ID number is never read here: the masked one is shown.
        return super().get_queryset(request).defer("id_number").select_related("township")


@admin.register(ReemploymentHelp)
class ReemploymentHelpAdmin(ReadOnlyAdminMixin, NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_selector = _helps_in_scope
    list_display = ["given_on", "kind", "case", "base", "given_by"]
    list_filter = ["kind"]
    list_select_related = ["case", "base", "given_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("case__id_number")


@admin.register(ReemploymentTarget)
class ReemploymentTargetAdmin(ServiceAdminMixin, NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_selector = selectors.target_list
    scope_related = {"township": orgunit_list}
    list_display = ["township", "year", "persons", "set_by"]
    list_filter = ["year"]
    list_select_related = ["township", "set_by"]
    autocomplete_fields = ["township"]
    readonly_fields = ["set_by"]

    def get_readonly_fields(self, request, obj=None):
        return ["township", "year", "set_by"] if obj is not None else ["set_by"]

    def service_create(self, request, data):
        return target_set(user=request.user, **data)

    def service_update(self, request, obj, data):
        return target_set(user=request.user, township=obj.township, year=obj.year, persons=data["persons"])
