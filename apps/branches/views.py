from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, TemplateView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from apps.core.errors import ApplicationError
from apps.core.exports import xlsx_response
from apps.core.history import object_history
from apps.core.mixins import ScopedPermissionMixin

from . import selectors, services
from .filters import EnterpriseFilter, OrgUnitFilter
from .forms import ArchiveForm, EnterpriseForm, OrgUnitChildForm, OrgUnitForm
from .tables import EnterpriseTable, OrgUnitTable


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


class EnterpriseListView(ScopedPermissionMixin, SingleTableMixin, FilterView):
    permission_required = "branches.view_enterprise"
    selector = selectors.enterprise_list
    table_class = EnterpriseTable
    filterset_class = EnterpriseFilter
    template_name = "branches/enterprise_list.html"
    paginate_by = 50

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["user"] = self.request.user
        return kwargs


class EnterpriseExportView(EnterpriseListView):
    """Exactly the filtered list, as Excel."""

    def get(self, request, *args, **kwargs):
        filterset = self.get_filterset(self.get_filterset_class())
        return xlsx_response(
            filename="enterprises",
            headers=[
                _("Name"),
                _("Unified social credit code"),
                _("Township"),
                _("Ownership"),
                _("County-direct unit"),
                _("Employees"),
                _("Covering union"),
            ],
            rows=(
                (
                    e.name,
                    e.credit_code,
                    e.township.name,
                    e.get_ownership_display(),
                    _("Yes") if e.is_county_direct else _("No"),
                    e.employee_count,
                    e.union.name if e.union else "",
                )
                for e in filterset.qs.iterator(chunk_size=2000)
            ),
        )


class EnterpriseDetailView(ScopedPermissionMixin, DetailView):
    permission_required = "branches.view_enterprise"
    selector = selectors.enterprise_list
    template_name = "branches/enterprise_detail.html"
    context_object_name = "enterprise"

    def get_context_data(self, **kwargs):
        return super().get_context_data(history=object_history(self.object), **kwargs)


class EnterpriseFormMixin:
    form_class = EnterpriseForm
    template_name = "branches/enterprise_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def save(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            enterprise = self.save(form)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect(enterprise)


class EnterpriseCreateView(ScopedPermissionMixin, EnterpriseFormMixin, FormView):
    permission_required = "branches.add_enterprise"
    selector = selectors.enterprise_list

    def save(self, form):
        return services.enterprise_register(user=self.request.user, **form.cleaned_data)


class EnterpriseUpdateView(ScopedPermissionMixin, EnterpriseFormMixin, UpdateView):
    permission_required = "branches.change_enterprise"
    selector = selectors.enterprise_list
    context_object_name = "enterprise"

    def save(self, form):
        data = dict(form.cleaned_data)
        return services.enterprise_update(
            user=self.request.user,
            enterprise=self.get_object(),
            confirm_pilot_code=data.pop("confirm_pilot_code", False),
            **data,
        )


class EnterpriseArchiveView(ScopedPermissionMixin, FormView):
    permission_required = "branches.change_enterprise"
    selector = selectors.enterprise_list
    form_class = ArchiveForm
    template_name = "branches/enterprise_form.html"

    @cached_property
    def enterprise(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(enterprise=self.enterprise, archiving=True, **kwargs)

    def form_valid(self, form):
        services.enterprise_archive(enterprise=self.enterprise, reason=form.cleaned_data["reason"])
        messages.success(self.request, _("Archived."))
        return redirect(self.enterprise)


class FormationRateView(ScopedPermissionMixin, TemplateView):
    """工会组建率 per township, each linked to its list of enterprises without a union."""

    permission_required = "branches.view_enterprise"
    selector = selectors.orgunit_list
    template_name = "branches/formation_rate.html"

    def get_context_data(self, **kwargs):
        from django.conf import settings

        rows = selectors.formation_rate_by_township(user=self.request.user)
        total = sum(r["total"] for r in rows)
        unionised = sum(r["unionised"] for r in rows)
        return super().get_context_data(
            rows=rows,
            total=total,
            unionised=unionised,
            rate=(unionised / total) if total else None,
            min_employees=settings.FORMATION_RATE_MIN_EMPLOYEES,
            **kwargs,
        )
