"""The tax statements' pages: the list, the upload and the job's page (the shared import pages,
apps.core.import_views), and the reconciliation per enterprise for the statement's period, with
its Excel export and the organising list's registration of unknown payers.

County finance staff only (dues.manage_funds): the statement is the county's, and township
chairs see their enterprises' payments in the ledger.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView, View

from apps.branches.choices import OrgUnitKind
from apps.branches.selectors import orgunit_list
from apps.core import import_views
from apps.core.exports import INVALID_FILTER_MESSAGE, xlsx_response
from apps.core.mixins import ScopedPermissionMixin
from apps.core.uploads import read_upload

from .. import imports
from ..forms.statements import VERDICT_LABELS, ReconciliationFilterForm, RegisterPayersForm, StatementUploadForm
from ..selectors.statements import statement_list, statement_reconciliation, statement_verdict_counts
from ..services.statements import statement_register_payers

PERMISSION = "dues.manage_funds"


class StatementImportViewMixin:
    permission_required = PERMISSION
    selector = statement_list
    importer = imports.STATEMENT
    url_prefix = "dues:statement_"


class StatementListView(ScopedPermissionMixin, ListView):
    permission_required = PERMISSION
    selector = statement_list
    template_name = "dues/statements/statement_list.html"
    context_object_name = "statements"
    paginate_by = 50


class StatementUploadView(StatementImportViewMixin, import_views.ImportUploadView):
    form_class = StatementUploadForm
    template_name = "dues/statements/statement_upload.html"

    def save(self, form):
        upload = form.cleaned_data["file"]
        return self.importer.start(
            user=self.request.user,
            file_name=upload.name,
            content=read_upload(upload, limit=settings.TAX_STATEMENT_MAX_BYTES),
        )


class StatementDetailView(StatementImportViewMixin, import_views.ImportDetailView):
    template_name = "dues/statements/statement_detail.html"

    def get_context_data(self, **kwargs):
        job = self.object
        earlier = (
            self.get_queryset()
            .filter(content_sha256=job.content_sha256, status="imported")
            .exclude(pk=job.pk)
            .order_by("-pk")
            .first()
            if job.content_sha256
            else None
        )
        return super().get_context_data(
            verdict_counts=[(v, VERDICT_LABELS[v], n) for v, n in statement_verdict_counts(job).items()],
            imported_before=earlier,
            **kwargs,
        )


class StatementProgressView(StatementImportViewMixin, import_views.ImportProgressView):
    pass


class StatementConfirmView(StatementImportViewMixin, import_views.ImportConfirmView):
    pass


class StatementRetryView(StatementImportViewMixin, import_views.ImportRetryView):
    pass


class StatementReportView(StatementImportViewMixin, import_views.ImportReportView):
    report_filename = "tax-statement-report"


class ReconciliationMixin(ScopedPermissionMixin):
    """A done statement's verdicts per enterprise under the page's filters."""

    permission_required = PERMISSION
    selector = statement_list

    @cached_property
    def job(self):
        return get_object_or_404(self.get_queryset().exclude(status__in=("queued", "running")), pk=self.kwargs["pk"])

    @cached_property
    def townships(self):
        return orgunit_list(user=self.request.user).filter(kind=OrgUnitKind.TOWNSHIP).order_by("name")

    @cached_property
    def filter_form(self):
        return ReconciliationFilterForm(self.request.GET or None, townships=self.townships)

    def verdicts(self):
        """The filtered verdicts, or None when a filter is not valid (nothing shown, nothing exported)."""
        form = self.filter_form
        if form.is_bound and not form.is_valid():
            return None
        data = form.cleaned_data if form.is_bound else {}
        return statement_reconciliation(
            job=self.job,
            verdict=data.get("verdict") or "",
            township=data.get("township"),
            q=(data.get("q") or "").strip(),
        )


class StatementReconciliationView(ReconciliationMixin, TemplateView):
    template_name = "dues/statements/statement_reconciliation.html"
    per_page = 100

    def get_context_data(self, **kwargs):
        verdicts = self.verdicts()
        page = Paginator(verdicts if verdicts is not None else [], self.per_page).get_page(self.request.GET.get("page"))
        unknown = [v for v in page.object_list if v["verdict"] == "unknown" and v["enterprise_id"] is None]
        register_form = None
        if unknown and self.request.user.has_perm("branches.add_enterprise"):
            register_form = RegisterPayersForm(codes=[v["credit_code"] for v in unknown], townships=self.townships)
        return super().get_context_data(
            job=self.job,
            filter_form=self.filter_form,
            filter_invalid=verdicts is None,
            page_obj=page,
            verdicts=page.object_list,
            is_paginated=page.has_other_pages(),
            verdict_labels=VERDICT_LABELS,
            verdict_counts=[(v, VERDICT_LABELS[v], n) for v, n in statement_verdict_counts(self.job).items()],
            register_form=register_form,
            **kwargs,
        )


class StatementReconciliationExportView(ReconciliationMixin, View):
    """The reconciliation under the page's filters as Excel (a bad filter: refused, never everything)."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        verdicts = self.verdicts()
        if verdicts is None:
            messages.error(request, INVALID_FILTER_MESSAGE)
            return redirect("dues:statement_reconciliation", pk=self.job.pk)
        return xlsx_response(
            filename=f"tax-statement-reconciliation-{self.job.pk}",
            headers=[
                _("Unified social credit code"),
                _("Name"),
                _("Township"),
                _("Result"),
                _("Amount due"),
                _("Amount paid"),
                _("Shortfall"),
                _("Paid beyond the due"),
                _("Union preparatory fund"),
            ],
            rows=(
                (
                    v["credit_code"],
                    v["enterprise_name"] or v["payer_name"],
                    v["township"],
                    str(VERDICT_LABELS[v["verdict"]]),
                    v["due"] or "",
                    v["paid"],
                    v["shortfall"],
                    v["excess"],
                    "是" if v["is_preparatory"] else "",
                )
                for v in verdicts.batches()
            ),
            sheet_title=_("Reconciliation"),
        )


class StatementRegisterPayersView(ReconciliationMixin, View):
    """登记为未建会企业: the chosen unknown payers registered as enterprises without a union."""

    permission_required = (PERMISSION, "branches.add_enterprise")
    http_method_names = ["post"]
    success_message = gettext_lazy("Registered as enterprises without a union: %(count)s.")

    def post(self, request, *args, **kwargs):
        codes = request.POST.getlist("codes")
        form = RegisterPayersForm(request.POST, codes=codes, townships=self.townships)
        if not form.is_valid():
            messages.error(request, "；".join(" ".join(errors) for errors in form.errors.values()))
        else:
            try:
                registered = statement_register_payers(
                    user=request.user,
                    job=self.job,
                    codes=form.cleaned_data["codes"],
                    township=form.cleaned_data["township"],
                    ownership=form.cleaned_data["ownership"],
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, self.success_message % {"count": len(registered)})
        return redirect(reverse("dues:statement_reconciliation", kwargs={"pk": self.job.pk}) + "?verdict=unknown")
