from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from apps.core.admin_mixins import ServiceAdminMixin

from .models import User
from .services import user_create


@admin.register(User)
class UserAdmin(ServiceAdminMixin, DjangoUserAdmin):
    """Logins are added through user_create and changed through model_update, as the admin user
    (the history records who); the password has its own page, as in Django."""

    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Union portal"), {"fields": ("real_name", "phone", "org_unit")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Union portal"), {"fields": ("real_name", "phone", "org_unit", "groups")}),
    )
    list_display = ["username", "real_name", "org_unit", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "groups"]
    search_fields = ["username", "real_name"]
    list_select_related = ["org_unit"]
    autocomplete_fields = ["org_unit"]

    def service_create(self, request, data):
        return user_create(
            user=request.user,
            username=data["username"],
            password=data.get("password1") or None,  # "no usable password" leaves it empty
            real_name=data.get("real_name", ""),
            phone=data.get("phone", ""),
            org_unit=data.get("org_unit"),
        )
