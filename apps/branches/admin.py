from django.contrib import admin
from treebeard.forms import movenodeform_factory

from apps.core.admin_mixins import NoDeleteAdminMixin, ScopedAdminMixin

from . import selectors
from .models import Enterprise, Meeting, Officer, OrgUnit, Rating, SubCommittee

STAFF_EDITABLE_FIELDS = [
    "name",
    "code",
    "formation_form",
    "declared_members",
    "founded_on",
    "term_years",
    "term_start",
    "term_end",
]


@admin.register(OrgUnit)
class OrgUnitAdmin(NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    # A flat, path-ordered list: treebeard's TreeAdmin draws from the roots, which a scoped
    # (non-superuser) queryset does not hold. Its MoveNodeForm still places new units.
    scope_selector = selectors.orgunit_list
    form = movenodeform_factory(
        OrgUnit,
        fields=[
            "name",
            "kind",
            "code",
            "is_active",
            "status",
            "formation_form",
            "declared_members",
            "founded_on",
            "term_years",
            "term_start",
            "term_end",
            "archived_at",
            "archive_reason",
        ],
    )
    list_display = ["name", "kind", "status", "code", "is_active", "term_end", "updated_at"]
    list_filter = ["kind", "status", "is_active", "formation_form", "depth"]
    search_fields = ["name", "code"]
    ordering = ["path"]

    def has_add_permission(self, request):
        # Units are placed in the tree by administrators; township staff register unions in
        # the portal, where the formation rules and approval apply.
        return request.user.is_superuser

    def get_form(self, request, obj=None, change=False, **kwargs):
        if not request.user.is_superuser:
            # Without treebeard's move fields: staff may correct a unit, not move it elsewhere.
            from django import forms

            # nor approve their own union: approval goes through the portal's service.
            return forms.modelform_factory(OrgUnit, fields=STAFF_EDITABLE_FIELDS)
        return super().get_form(request, obj, change=change, **kwargs)


@admin.register(Enterprise)
class EnterpriseAdmin(NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_selector = selectors.enterprise_list
    scope_related = {"township": selectors.orgunit_list, "union": selectors.orgunit_list}
    list_display = ["name", "credit_code", "township", "ownership", "employee_count", "union", "archived_at"]
    list_filter = ["ownership", "is_county_direct", "has_workers_congress", "credit_code_checksum_ok", "township"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["township", "union"]
    autocomplete_fields = ["township", "union", "credit_code_confirmed_by"]


@admin.register(SubCommittee)
class SubCommitteeAdmin(NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_selector = selectors.subcommittee_list
    scope_related = {"union": selectors.orgunit_list}
    list_display = ["union", "kind", "established_on", "head_name"]
    list_filter = ["kind"]
    search_fields = ["union__name", "head_name"]
    list_select_related = ["union"]
    autocomplete_fields = ["union"]


@admin.register(Officer)
class OfficerAdmin(NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_selector = selectors.officer_list
    scope_related = {"union": selectors.orgunit_list}
    list_display = ["name", "position", "union", "concurrent_post", "term_start", "term_end"]
    list_filter = ["position"]
    search_fields = ["name", "union__name"]
    list_select_related = ["union"]
    autocomplete_fields = ["union"]


@admin.register(Meeting)
class MeetingAdmin(NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_selector = selectors.meeting_list
    scope_related = {"org_unit": selectors.orgunit_list, "enterprise": selectors.enterprise_list}
    list_display = ["held_on", "title", "kind", "org_unit", "enterprise", "attendees"]
    list_filter = ["kind", "held_on"]
    search_fields = ["title", "org_unit__name", "enterprise__name"]
    list_select_related = ["org_unit", "enterprise"]
    autocomplete_fields = ["org_unit", "enterprise", "recorded_by"]
    date_hierarchy = "held_on"


@admin.register(Rating)
class RatingAdmin(NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_selector = selectors.rating_list
    scope_related = {"org_unit": selectors.orgunit_list}
    list_display = ["org_unit", "title", "year"]
    list_filter = ["title", "year"]
    search_fields = ["org_unit__name"]
    list_select_related = ["org_unit"]
    autocomplete_fields = ["org_unit", "awarded_by"]
