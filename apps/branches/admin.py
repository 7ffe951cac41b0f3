from django.contrib import admin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from apps.core.admin_mixins import ScopedAdminMixin

from . import selectors
from .models import OrgUnit


@admin.register(OrgUnit)
class OrgUnitAdmin(ScopedAdminMixin, TreeAdmin):
    scope_selector = selectors.orgunit_list
    form = movenodeform_factory(OrgUnit, fields=["name", "kind", "code", "is_active"])
    list_display = ["name", "kind", "code", "is_active", "updated_at"]
    list_filter = ["kind", "is_active", "depth"]
    search_fields = ["name", "code"]
