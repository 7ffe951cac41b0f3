"""The contract pages: the list and its export, one contract, the request form, content and coverage.

The step forms (answer, meeting, vote, sign, send, review, renew, close) and the documents are
views/steps.py's; this page shows their buttons (`_step_actions.html`) and the documents
(`_documents.html`), given `contract` and `steps_allowed`.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, UpdateView

from apps.branches.choices import OrgUnitKind
from apps.core.exports import XlsxExportMixin
from apps.core.forms import int_param
from apps.core.mixins import ScopedListView, ScopedPermissionMixin, ServiceFormMixin

from .. import selectors, services
from ..choices import ContractScope, StepKind
from ..filters import ContractFilter
from ..forms import ContractContentForm, ContractCoverageForm, ContractRequestForm
from ..tables import ContractTable


class ContractListView(ScopedListView):
    """Newest request first; a passed statutory period (answer, sending) flagged red."""

    permission_required = "contracts.view_contract"
    selector = selectors.contract_list
    table_class = ContractTable
    filterset_class = ContractFilter
    template_name = "contracts/contract_list.html"
    page_title = gettext_lazy("Collective contracts")
    create_url = "contracts:contract_create"
    create_label = gettext_lazy("Record a bargaining request")
    create_permission = "contracts.add_contract"
    export_url = "contracts:contract_export"
    # The header search's "see all" carries a session token for what was typed (apps.core.search),
    # as the union and enterprise lists do: the box posts, the URL holds the token.
    private_filters = ("q",)


class ContractExportView(XlsxExportMixin, ContractListView):
    """Exactly the rows the list shows under the same filters, one line a contract (dates as Excel dates)."""

    export_filename = "contracts"

    def export_queryset(self):
        return super().export_queryset().select_related("union", "township", "enterprise").defer(None)

    @property
    def export_columns(self):
        return [
            (_("Contract number"), lambda c: c.number),
            (_("Kind"), lambda c: c.get_kind_display()),
            (_("Scope"), lambda c: c.get_scope_display()),
            (_("Signing union"), lambda c: c.union.name),
            (_("Township"), lambda c: c.township.name if c.township_id else ""),
            (_("Employer side"), lambda c: c.parties_label),
            (_("Workers' chief negotiator"), lambda c: c.workers_negotiator),
            (_("Employer's chief negotiator"), lambda c: c.employer_negotiator),
            (_("Workers covered"), lambda c: c.workers_covered),
            (_("Why the number differs"), lambda c: c.workers_covered_reason),
            (_("Status"), lambda c: c.get_status_display()),
            (_("Request received on"), lambda c: c.requested_on),
            (_("Answer due by"), lambda c: c.answer_due_on),
            (_("Answered on"), lambda c: c.answered_on),
            (_("Signed on"), lambda c: c.signed_on),
            (_("To be sent by"), lambda c: c.send_due_on),
            (_("Sent on"), lambda c: c.sent_on),
            (_("Received on"), lambda c: c.received_on),
            (_("In force from"), lambda c: c.in_force_on),
            (_("Term starts"), lambda c: c.term_start),
            (_("Term ends"), lambda c: c.term_end),
            (_("Why the term is outside 1 to 3 years"), lambda c: c.term_reason),
            (_("Wage increase (%)"), lambda c: c.wage_increase_percent),
            (_("Minimum wage agreed (yuan a month)"), lambda c: c.minimum_wage),
            (_("Working hours"), lambda c: c.working_hours),
        ]


class ContractMixin(ScopedPermissionMixin):
    """One contract from the user's scope: another township's is a 404."""

    selector = selectors.contract_detail_queryset

    @cached_property
    def contract(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])


class RefusedFormMixin:
    """A form the contract does not take now (closed, in force, ...) is refused when it opens as
    when it is sent: back to the contract with the services' reason, as the step forms do."""

    def refusal(self) -> str | None:
        raise NotImplementedError

    def refused(self):
        refusal = self.refusal()
        if refusal is None:
            return None
        messages.error(self.request, refusal)
        return redirect(self.contract)

    def get(self, request, *args, **kwargs):
        return self.refused() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.refused() or super().post(request, *args, **kwargs)


class ContractDetailView(ContractMixin, DetailView):
    """Parties, content, the clock, the timeline, the renewal chain, documents and history."""

    permission_required = "contracts.view_contract"
    template_name = "contracts/contract_detail.html"
    context_object_name = "contract"

    def get_object(self, queryset=None):
        return self.contract

    def get_context_data(self, **kwargs):
        contract, user = self.object, self.request.user
        steps_allowed = services.contract_steps_allowed(user=user, contract=contract)
        documents = list(selectors.contract_documents(contract))  # the timeline's and the documents section's
        return super().get_context_data(
            steps_allowed=steps_allowed,
            timeline=selectors.contract_timeline(contract, documents=documents),
            documents=documents,
            covered=selectors.contract_coverage_rows(contract),
            chain=selectors.contract_chain(contract, user=user),
            history=selectors.contract_history(contract, user=user),
            warnings=services.contract_warnings(contract),
            may_edit=services.contract_update_refusal(user=user, contract=contract) is None,
            may_set_coverage=StepKind.COVERAGE in steps_allowed,
            **selectors.contract_summary(contract),
            **kwargs,
        )


class ContractCreateView(ScopedPermissionMixin, ServiceFormMixin, FormView):
    """The bargaining request (要约), the contract's first step. `?enterprise=<id>` and `?union=<id>`
    (links from the enterprise and union pages) fill the form in; ids outside the user's area are
    ignored."""

    permission_required = "contracts.add_contract"
    selector = selectors.contract_list
    form_class = ContractRequestForm
    template_name = "contracts/contract_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        initial = super().get_initial()
        user = self.request.user
        enterprise_pk = int_param(self.request.GET.get("enterprise"))
        union_pk = int_param(self.request.GET.get("union"))
        if enterprise_pk is not None:
            enterprise = (
                selectors.coverable_enterprise_list(user=user).select_related(None).filter(pk=enterprise_pk).first()
            )
            if enterprise is not None:
                initial.update(scope=ContractScope.ENTERPRISE, enterprise=enterprise.pk)
                if union_pk is None and enterprise.union_id is not None:
                    union_pk = enterprise.union_id
        if union_pk is not None:
            union = selectors.signing_union_list(user=user).filter(pk=union_pk).only("pk", "kind").first()
            if union is not None:
                initial["union"] = union.pk
                if enterprise_pk is None and union.kind in (OrgUnitKind.TOWNSHIP, OrgUnitKind.REGIONAL):
                    initial["scope"] = ContractScope.REGIONAL
                elif enterprise_pk is None and union.kind == OrgUnitKind.INDUSTRY:
                    initial["scope"] = ContractScope.INDUSTRY
        return initial

    def save(self, form):
        contract = services.contract_request(user=self.request.user, **form.service_arguments())
        self.success_message = _("Bargaining request recorded. The other side must answer in writing by %(day)s.") % {
            "day": f"{contract.answer_due_on:%Y-%m-%d}"
        }
        return contract


class ContractUpdateView(ContractMixin, RefusedFormMixin, ServiceFormMixin, UpdateView):
    """The contract's content: negotiators, term, wage clauses, working hours, other terms."""

    permission_required = "contracts.change_contract"
    form_class = ContractContentForm
    template_name = "contracts/contract_form.html"
    context_object_name = "contract"
    success_message = gettext_lazy("Contract content saved.")

    def get_object(self, queryset=None):
        return self.contract

    def refusal(self):
        return services.contract_update_refusal(user=self.request.user, contract=self.contract)

    def save(self, form):
        return services.contract_update(user=self.request.user, contract=self.object, **form.cleaned_data)


class ContractCoverageView(ContractMixin, RefusedFormMixin, ServiceFormMixin, FormView):
    """The enterprises a regional or industry contract covers; the workers covered, counted or typed."""

    permission_required = "contracts.change_contract"
    form_class = ContractCoverageForm
    template_name = "contracts/coverage_form.html"
    success_message = gettext_lazy("Coverage saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "contract": self.contract}

    def refusal(self):
        return services.contract_step_refusal(user=self.request.user, contract=self.contract, step=StepKind.COVERAGE)

    def get_context_data(self, **kwargs):
        return super().get_context_data(contract=self.contract, **kwargs)

    def save(self, form):
        return services.contract_coverage_set(
            user=self.request.user, contract=self.contract, **form.service_arguments()
        )
