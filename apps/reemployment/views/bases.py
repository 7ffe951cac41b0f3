"""The base pages: the list (places and placed this year), one base (its places per year and the
people placed), recognising, editing, the places of a year, closing."""

from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView

from apps.core.mixins import ScopedListView, ScopedPermissionMixin, ServiceFormMixin

from .. import selectors, services
from ..filters import BaseFilter
from ..forms import BaseForm, CloseForm, PlacesForm
from ..tables import BaseTable


class BaseListView(ScopedListView):
    permission_required = "reemployment.view_reemploymentbase"
    selector = selectors.base_list
    table_class = BaseTable
    filterset_class = BaseFilter
    template_name = "reemployment/base_list.html"
    page_title = gettext_lazy("Re-employment bases")
    create_url = "reemployment:base_create"
    create_label = gettext_lazy("Recognise a base")
    create_permission = "reemployment.add_reemploymentbase"


class BaseMixin(ScopedPermissionMixin):
    selector = selectors.base_list

    @cached_property
    def base(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(base=self.base, **kwargs)


class BaseDetailView(BaseMixin, DetailView):
    permission_required = "reemployment.view_reemploymentbase"
    template_name = "reemployment/base_detail.html"
    context_object_name = "base"

    def get_object(self, queryset=None):
        return self.base

    def get_context_data(self, **kwargs):
        user, base = self.request.user, self.base
        years = list(selectors.base_years(base))
        for row in years:
            row.left = max(row.places - row.filled, 0)
        return super().get_context_data(
            years=years,
            placements=list(selectors.base_placements(user=user, base=base)[:200]),
            may_change=not base.is_closed and user.has_perm("reemployment.change_reemploymentbase"),
            may_places=not base.is_closed and user.has_perm("reemployment.change_baseyear"),
            **kwargs,
        )


class BaseCreateView(ScopedPermissionMixin, ServiceFormMixin, FormView):
    permission_required = "reemployment.add_reemploymentbase"
    selector = selectors.base_list
    form_class = BaseForm
    template_name = "reemployment/base_form.html"
    success_message = gettext_lazy("Base recognised. Enter the places it offers this year.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=gettext_lazy("Recognise a base"), **kwargs)

    def save(self, form):
        return services.base_create(user=self.request.user, **form.cleaned_data)


class BaseUpdateView(BaseMixin, ServiceFormMixin, FormView):
    permission_required = "reemployment.change_reemploymentbase"
    form_class = BaseForm
    template_name = "reemployment/base_form.html"
    success_message = gettext_lazy("Base saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "base": self.base}

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=gettext_lazy("Edit the base"), **kwargs)

    def save(self, form):
        return services.base_update(user=self.request.user, base=self.base, **form.cleaned_data)


class BasePlacesView(BaseMixin, ServiceFormMixin, FormView):
    permission_required = "reemployment.change_baseyear"
    form_class = PlacesForm
    template_name = "reemployment/base_form.html"
    success_message = gettext_lazy("Places saved.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=gettext_lazy("Places offered in a year"), **kwargs)

    def save(self, form):
        services.base_places_set(user=self.request.user, base=self.base, **form.cleaned_data)
        return self.base


class BaseCloseView(BaseMixin, ServiceFormMixin, FormView):
    permission_required = "reemployment.change_reemploymentbase"
    form_class = CloseForm
    template_name = "reemployment/base_form.html"
    success_message = gettext_lazy("Base closed.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "label": gettext_lazy("Close the base")}

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=gettext_lazy("Close the base"), **kwargs)

    def save(self, form):
        data = form.cleaned_data
        return services.base_close(
            user=self.request.user, base=self.base, closed_on=data["closed_on"], reason=data["reason"]
        )
