from django.contrib import admin

from apps.branches.models import Enterprise
from apps.core.admin_mixins import NoDeleteAdminMixin, PrivateSearchAdminMixin, ScopedAdminMixin, ServiceAdminMixin

from . import selectors, services
from .codelists import CODE_LISTS
from .forms import CodeListField
from .idnumbers import validate_id_number
from .models import IdNumberReveal, Member, MemberLookup, MembershipTransfer, RosterImport


@admin.register(Member)
class MemberAdmin(ServiceAdminMixin, PrivateSearchAdminMixin, NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """The ID number appears masked only; members are created through the portal's checks.

    Only a member's details are corrected here, through member_update (as the admin user): the
    union and the status change only by a transfer or archiving, in the portal; the card, the
    join date and what the ID number gives are never edited.
    """

    scope_selector = selectors.member_list
    list_display = ["real_name", "card_number", "id_masked", "union", "status", "hardship", "join_date"]
    list_filter = ["status", "employment_form", "hardship", "sex"]
    search_fields = ["real_name", "card_number", "mobile"]
    list_select_related = ["union"]
    fields = [
        *services.EDITABLE_FIELDS,
        "union",
        "status",
        "left_on",
        "leave_reason",
        "card_number",
        "join_date",
        "id_masked",
        "birth_date",
        "sex",
        "code_list_note",
    ]
    readonly_fields = [name for name in fields if name not in services.EDITABLE_FIELDS]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # 民族, 文化程度, 政治面貌 read as the portal's form reads them (codelists.code_for).
        if db_field.name in CODE_LISTS:
            return CodeListField(db_field.name)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "workplace" in form.base_fields:
            # The enterprises the member's union covers (and the one chosen before, if it moved).
            choices = services.workplace_choices(obj.union if obj else None)
            if obj is not None and obj.workplace_id:
                choices = choices | Enterprise.objects.filter(pk=obj.workplace_id)
            form.base_fields["workplace"].queryset = choices
        return form

    def has_add_permission(self, request):
        return False

    def get_search_results(self, request, queryset, search_term):
        """A whole ID number finds its member through the keyed hash (the number itself is stored
        encrypted, so no column search can match it); anything else searches as usual."""
        check = validate_id_number(search_term.strip())
        if search_term.strip() and not check.errors:
            return queryset.filter(id_hash=selectors.id_hash_of(check.number)), False
        return super().get_search_results(request, queryset, search_term)

    def readable_history(self, request, obj):
        return selectors.member_history(obj, user=request.user)  # mobiles masked as in the portal

    def service_update(self, request, obj, data):
        return services.member_update(user=request.user, member=obj, **data)


@admin.register(MembershipTransfer)
class MembershipTransferAdmin(NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """View only: transfers are started, settled and withdrawn in the portal, with their checks."""

    # Not a transfer-in request for a member the user cannot see: its row would name them.
    scope_selector = selectors.transfer_list_disclosed
    list_display = ["member", "from_union", "to_union", "status", "direction", "created_at", "decided_at"]
    list_filter = ["status", "direction"]
    list_select_related = ["member", "from_union", "to_union"]
    raw_id_fields = ["member"]  # its lookup is the member change list, whose search keeps names out of URLs
    autocomplete_fields = ["from_union", "to_union", "requested_by", "decided_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SuperuserOnlyAdminMixin:
    """An audit log across the whole deployment (who looked at whose ID number, naming the member):
    for superusers only. A staff user with the model's view permission is not shown it at all; the
    log has no union of its own to scope it by, and a lookup's member may be in any township."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.none()


@admin.register(IdNumberReveal)
class IdNumberRevealAdmin(SuperuserOnlyAdminMixin, NoDeleteAdminMixin, admin.ModelAdmin):
    """Who saw whose whole ID number, when: read-only."""

    list_display = ["revealed_at", "user", "member"]
    list_select_related = ["user", "member"]
    date_hierarchy = "revealed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MemberLookup)
class MemberLookupAdmin(SuperuserOnlyAdminMixin, NoDeleteAdminMixin, admin.ModelAdmin):
    """Who looked which ID number up across the deployment, when (the number only as its hash)."""

    list_display = ["looked_up_at", "user", "purpose", "member"]
    list_filter = ["purpose"]
    list_select_related = ["user", "member"]
    date_hierarchy = "looked_up_at"
    raw_id_fields = ["member"]
    autocomplete_fields = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RosterImport)
class RosterImportAdmin(NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_selector = selectors.import_list
    list_display = ["file_name", "union", "uploaded_by", "status", "total_rows", "created_at"]
    list_filter = ["status"]
    exclude = ["content", "report"]
    list_select_related = ["union", "uploaded_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
