"""The case pages: the list, one case (its help and outcome), registering, editing, help,
employment and closing. Views stay thin: the form, one service, a message, a redirect."""

from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView

from apps.core.forms import int_param
from apps.core.mixins import ScopedListView, ScopedPermissionMixin, ServiceFormMixin
from apps.members.selectors import member_list

from .. import selectors, services
from ..filters import CaseFilter
from ..forms import CaseRegisterForm, CaseUpdateForm, CloseForm, EmployedForm, HelpForm
from ..tables import CaseTable


class CaseListView(ScopedListView):
    permission_required = "reemployment.view_reemploymentcase"
    selector = selectors.case_list
    table_class = CaseTable
    filterset_class = CaseFilter
    template_name = "reemployment/case_list.html"
    page_title = gettext_lazy("Re-employment cases")
    create_url = "reemployment:case_register"
    create_label = gettext_lazy("Register a person")
    create_permission = "reemployment.add_reemploymentcase"


class CaseMixin(ScopedPermissionMixin):
    """One case from the user's scope: another township's case is a 404."""

    selector = selectors.case_list

    @cached_property
    def case(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(case=self.case, **kwargs)


class CaseDetailView(CaseMixin, DetailView):
    permission_required = "reemployment.view_reemploymentcase"
    template_name = "reemployment/case_detail.html"
    context_object_name = "case"

    def get_object(self, queryset=None):
        return self.case

    def get_context_data(self, **kwargs):
        user, case = self.request.user, self.case
        return super().get_context_data(
            helps=list(selectors.case_helps(case)),
            may_change=case.is_open and user.has_perm("reemployment.change_reemploymentcase"),
            may_help=case.is_open and user.has_perm("reemployment.add_reemploymenthelp"),
            **kwargs,
        )


class CaseRegisterView(ScopedPermissionMixin, ServiceFormMixin, FormView):
    """再就业登记: `?member=<pk>` registers a member of the user's area, else a non-member."""

    permission_required = "reemployment.add_reemploymentcase"
    selector = selectors.case_list
    form_class = CaseRegisterForm
    template_name = "reemployment/case_form.html"
    success_message = gettext_lazy("Registered. Record the help given as it happens.")

    @cached_property
    def member(self):
        pk = int_param(self.request.GET.get("member"))
        if pk is None:
            return None
        return get_object_or_404(member_list(user=self.request.user), pk=pk)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "member": self.member}

    def get_context_data(self, **kwargs):
        return super().get_context_data(member=self.member, heading=gettext_lazy("Register a person"), **kwargs)

    def save(self, form):
        return services.case_register(user=self.request.user, **form.service_arguments())


class CaseUpdateView(CaseMixin, ServiceFormMixin, FormView):
    permission_required = "reemployment.change_reemploymentcase"
    form_class = CaseUpdateForm
    template_name = "reemployment/case_form.html"
    success_message = gettext_lazy("Saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "case": self.case}

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=gettext_lazy("Edit the registration"), **kwargs)

    def save(self, form):
        return services.case_update(user=self.request.user, case=self.case, **form.cleaned_data)


class HelpCreateView(CaseMixin, ServiceFormMixin, FormView):
    permission_required = "reemployment.add_reemploymenthelp"
    form_class = HelpForm
    template_name = "reemployment/case_form.html"
    success_message = gettext_lazy("Help recorded.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=gettext_lazy("Record help given"), **kwargs)

    def save(self, form):
        services.help_give(user=self.request.user, case=self.case, **form.cleaned_data)
        return self.case


class CaseEmployedView(CaseMixin, ServiceFormMixin, FormView):
    permission_required = "reemployment.change_reemploymentcase"
    form_class = EmployedForm
    template_name = "reemployment/case_form.html"
    success_message = gettext_lazy("Re-employment recorded.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "case": self.case}

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=gettext_lazy("Record the re-employment"), **kwargs)

    def save(self, form):
        return services.case_employed(user=self.request.user, case=self.case, **form.cleaned_data)


class CaseCloseView(CaseMixin, ServiceFormMixin, FormView):
    permission_required = "reemployment.change_reemploymentcase"
    form_class = CloseForm
    template_name = "reemployment/case_form.html"
    success_message = gettext_lazy("Case closed.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=gettext_lazy("Close without work"), **kwargs)

    def save(self, form):
        return services.case_close(user=self.request.user, case=self.case, **form.cleaned_data)
