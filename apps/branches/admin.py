"""Django admin for the org tree: every save goes through the branches services, as the admin user.

What a workflow owns is read-only here: a union's approval (union_approve / union_reject, with
its opinion and 批复文号), officers leaving office at an election (union_election_record), the
archiving of units and enterprises, a credit code's confirmation (enterprise_register /
enterprise_update, by a user with branches.confirm_credit_code) and titles once recorded
(rating_record). Units are not moved in the tree here.
"""

from django import forms
from django.contrib import admin

from apps.core.admin_mixins import NoDeleteAdminMixin, ScopedAdminMixin, ServiceAdminMixin

from . import selectors, services
from .forms import EnterpriseForm
from .models import Enterprise, Meeting, Officer, OrgUnit, Rating, SubCommittee
from .validators import normalize_credit_code

# What staff who are not superusers may correct on a unit (no switching it off: that is archiving).
STAFF_EDITABLE_FIELDS = [name for name in services.CORRECTABLE_FIELDS if name != "is_active"]
WORKFLOW_FIELDS = [
    "status",
    "approved_by",
    "approved_at",
    "approval_opinion",
    "approval_number",
    "archived_at",
    "archive_reason",
]


class OrgUnitAddForm(forms.ModelForm):
    """A new unit for administrators: placed under a parent by orgunit_create (its kind rules)."""

    parent = forms.ModelChoiceField(
        label="上级组织", queryset=OrgUnit.objects.order_by("path"), required=False, help_text="留空：新建顶级组织。"
    )

    class Meta:
        model = OrgUnit
        fields = ["parent", "name", "kind", "code"]

    def _post_clean(self):
        # The tree's path is orgunit_create's to set; the model's other checks run there.
        pass


class DepthFilter(admin.AllValuesFieldListFilter):
    """treebeard's `depth` has no verbose name of its own (admin titled the filter "depth")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "层级"


@admin.register(OrgUnit)
class OrgUnitAdmin(ServiceAdminMixin, NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    # A flat, path-ordered list: treebeard's TreeAdmin draws from the roots, which a scoped
    # (non-superuser) queryset does not hold.
    scope_selector = selectors.orgunit_list
    list_display = ["name", "kind", "status", "code", "is_active", "term_end", "updated_at"]
    list_filter = ["kind", "status", "is_active", "formation_form", ("depth", DepthFilter)]
    search_fields = ["name", "code"]
    ordering = ["path"]

    def has_add_permission(self, request):
        # Units are placed in the tree by administrators; township staff register unions in
        # the portal, where the formation rules and approval apply.
        return request.user.is_superuser

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["parent", "name", "kind", "code"]
        editable = services.CORRECTABLE_FIELDS if request.user.is_superuser else STAFF_EDITABLE_FIELDS
        return ["kind", *editable, *WORKFLOW_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        # Staff may correct a unit, not approve their own union nor archive it: the portal's
        # services do that, with their checks.
        return [] if obj is None else ["kind", *WORKFLOW_FIELDS]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = OrgUnitAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def service_create(self, request, data):
        return services.orgunit_create(user=request.user, **data)

    def service_update(self, request, obj, data):
        return services.orgunit_update(user=request.user, unit=obj, **data)


class EnterpriseAdminForm(forms.ModelForm):
    confirm_pilot_code = forms.BooleanField(
        label="确认试点代码",
        required=False,
        help_text="仅县总工会工作人员：登记校验位不符、确为试点期间发放的旧代码（记录确认人和时间）。",
    )

    class Meta:
        model = Enterprise
        fields = EnterpriseForm.Meta.fields  # the portal's enterprise form's fields, no other

    def clean_credit_code(self):
        return normalize_credit_code(self.cleaned_data["credit_code"])


@admin.register(Enterprise)
class EnterpriseAdmin(ServiceAdminMixin, NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_selector = selectors.enterprise_list
    scope_related = {"township": selectors.orgunit_list, "union": selectors.orgunit_list}
    form = EnterpriseAdminForm
    list_display = ["name", "credit_code", "township", "ownership", "employee_count", "union", "archived_at"]
    list_filter = ["ownership", "is_county_direct", "has_workers_congress", "credit_code_checksum_ok", "township"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["township", "union"]
    autocomplete_fields = ["township", "union"]
    readonly_fields = [
        "credit_code_checksum_ok",
        "credit_code_confirmed_by",
        "credit_code_confirmed_at",
        "archived_at",
        "archive_reason",
    ]

    def service_create(self, request, data):
        confirm = data.pop("confirm_pilot_code", False)
        return services.enterprise_register(user=request.user, confirm_pilot_code=confirm, **data)

    def service_update(self, request, obj, data):
        confirm = data.pop("confirm_pilot_code", False)
        return services.enterprise_update(user=request.user, enterprise=obj, confirm_pilot_code=confirm, **data)


@admin.register(SubCommittee)
class SubCommitteeAdmin(ServiceAdminMixin, NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_selector = selectors.subcommittee_list
    scope_related = {"union": selectors.orgunit_list}
    list_display = ["union", "kind", "established_on", "head_name"]
    list_filter = ["kind"]
    search_fields = ["union__name", "head_name"]
    list_select_related = ["union"]
    autocomplete_fields = ["union"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["union", "kind"]

    def service_create(self, request, data):
        return services.subcommittee_add(user=request.user, **data)


@admin.register(Officer)
class OfficerAdmin(ServiceAdminMixin, NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_selector = selectors.officer_list
    scope_related = {"union": selectors.orgunit_list}
    list_display = ["name", "position", "union", "concurrent_post", "term_start", "term_end"]
    list_filter = ["position"]
    search_fields = ["name", "union__name"]
    list_select_related = ["union"]
    autocomplete_fields = ["union"]
    # Leaving office is the election's (union_election_record): read-only here.
    readonly_fields = ["ended_on", "election"]

    def service_create(self, request, data):
        return services.officer_add(user=request.user, **data)


@admin.register(Meeting)
class MeetingAdmin(ServiceAdminMixin, NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_selector = selectors.meeting_list
    scope_related = {"org_unit": selectors.orgunit_list, "enterprise": selectors.enterprise_list}
    list_display = ["held_on", "title", "kind", "org_unit", "enterprise", "attendees"]
    list_filter = ["kind", "held_on"]
    search_fields = ["title", "org_unit__name", "enterprise__name"]
    list_select_related = ["org_unit", "enterprise"]
    autocomplete_fields = ["org_unit", "enterprise"]
    readonly_fields = ["recorded_by"]
    date_hierarchy = "held_on"

    def get_readonly_fields(self, request, obj=None):
        # Who held it, what kind and where are meeting_record's checks: corrected by recording anew.
        return ["recorded_by"] if obj is None else ["recorded_by", "org_unit", "kind", "enterprise"]

    def service_create(self, request, data):
        return services.meeting_record(user=request.user, **data)


@admin.register(Rating)
class RatingAdmin(ServiceAdminMixin, NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Titles are recorded through rating_record (by the level above) and not changed afterwards."""

    scope_selector = selectors.rating_list
    scope_related = {"org_unit": selectors.orgunit_list}
    list_display = ["org_unit", "title", "year"]
    list_filter = ["title", "year"]
    search_fields = ["org_unit__name"]
    list_select_related = ["org_unit"]
    autocomplete_fields = ["org_unit"]
    readonly_fields = ["awarded_by"]

    def has_change_permission(self, request, obj=None):
        return False

    def service_create(self, request, data):
        return services.rating_record(user=request.user, **data)
