from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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
