from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from apps.core.errors import ApplicationError
from apps.core.exports import xlsx_response
from apps.core.history import object_history
from apps.core.mixins import ScopedPermissionMixin

from . import selectors, services
from .filters import OrgUnitFilter
from .forms import OrgUnitChildForm, OrgUnitForm
from .tables import OrgUnitTable


class OrgUnitListView(ScopedPermissionMixin, SingleTableMixin, FilterView):
    permission_required = "branches.view_orgunit"
    selector = selectors.orgunit_list
    table_class = OrgUnitTable
    filterset_class = OrgUnitFilter
    template_name = "branches/orgunit_list.html"
    paginate_by = 50

    def get_table_kwargs(self):
        # Indent relative to the user's own unit, so a township chair's list starts at the left.
        own_unit = self.request.user.org_unit
        return {"base_depth": own_unit.depth if own_unit else 1}


class OrgUnitDetailView(ScopedPermissionMixin, DetailView):
    permission_required = "branches.view_orgunit"
    selector = selectors.orgunit_list
    template_name = "branches/orgunit_detail.html"
    context_object_name = "unit"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = self.object
        context["ancestors"] = selectors.orgunit_ancestors(user=self.request.user, unit=unit)
        context["children"] = selectors.orgunit_children(user=self.request.user, unit=unit)
        context["history"] = object_history(unit)
        context["can_add_child"] = bool(services.ALLOWED_CHILD_KINDS.get(unit.kind)) and self.request.user.has_perm(
            "branches.add_orgunit"
        )
        return context


class OrgUnitUpdateView(ScopedPermissionMixin, UpdateView):
    permission_required = "branches.change_orgunit"
    selector = selectors.orgunit_list
    form_class = OrgUnitForm
    template_name = "branches/orgunit_form.html"
    context_object_name = "unit"

    def form_valid(self, form):
        try:
            services.orgunit_update(unit=self.object, **{f: form.cleaned_data[f] for f in form.Meta.fields})
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect(self.object)


class OrgUnitChildCreateView(ScopedPermissionMixin, FormView):
    """Add a unit directly under one the user can see."""

    permission_required = "branches.add_orgunit"
    selector = selectors.orgunit_list
    form_class = OrgUnitChildForm
    template_name = "branches/orgunit_form.html"

    @cached_property
    def parent(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["allowed_kinds"] = sorted(services.ALLOWED_CHILD_KINDS.get(self.parent.kind, ()))
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(parent=self.parent, **kwargs)

    def form_valid(self, form):
        try:
            unit = services.orgunit_create(parent=self.parent, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Org unit “%(name)s” added.") % {"name": unit.name})
        return redirect(unit)


class OrgUnitExportView(ScopedPermissionMixin, FilterView):
    """Exactly the filtered list, as Excel."""

    permission_required = "branches.view_orgunit"
    selector = selectors.orgunit_list
    filterset_class = OrgUnitFilter

    def get(self, request, *args, **kwargs):
        filterset = self.get_filterset(self.get_filterset_class())
        units = filterset.qs  # invalid filters give no rows, never the unfiltered list
        return xlsx_response(
            filename="orgunits",
            headers=[_("Name"), _("Kind"), _("Unit code"), _("Level"), _("Active")],
            rows=(
                (u.name, u.get_kind_display(), u.code, u.depth, _("Yes") if u.is_active else _("No"))
                for u in units.iterator(chunk_size=2000)
            ),
        )
