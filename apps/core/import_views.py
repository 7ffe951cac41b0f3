"""The pages of an import (apps.core.imports), for an app to subclass with its importer.

An app's views set ``importer``, ``selector`` (the scoped queryset of its jobs),
``permission_required`` and ``url_prefix`` (its URL names are ``<prefix>upload``,
``<prefix>detail``, ``<prefix>progress``, ``<prefix>confirm``, ``<prefix>retry`` and
``<prefix>report``, each taking the job's ``pk`` but the first). The templates are
``core/import_upload.html`` and ``core/import_detail.html``, which an app's own extend.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView

from .exports import xlsx_response
from .imports import REPORT_STATUSES, ImportReportEntries, import_report_entries
from .mixins import ScopedPermissionMixin, ServiceFormMixin
from .text import join_messages
from .uploads import read_upload

# What the file input offers to choose: every format the imports read (checked by content).
ACCEPTED_FILES = ".xlsx,.xls"


class ImportViewMixin(ScopedPermissionMixin):
    importer = None
    url_prefix = ""  # "members:import_"

    def import_urls(self, job=None) -> dict[str, str]:
        urls = {"upload": reverse(f"{self.url_prefix}upload")}
        if job is not None:
            for name in ("detail", "progress", "confirm", "retry", "report"):
                urls[name] = reverse(f"{self.url_prefix}{name}", kwargs={"pk": job.pk})
        return urls


class ImportUploadView(ImportViewMixin, ServiceFormMixin, FormView):
    """Upload a file: the importer stores it and queues its dry run; the page lists recent ones."""

    template_name = "core/import_upload.html"
    success_message = gettext_lazy("Uploaded. The check runs now; this page shows its progress.")
    recent = 10

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if "file" in form.fields:
            form.fields["file"].widget.attrs["accept"] = ACCEPTED_FILES
        return form

    def get_context_data(self, **kwargs):
        return super().get_context_data(imports=self.get_queryset()[: self.recent], **kwargs)

    def start_fields(self, form) -> dict:
        """The app's own fields of the job (the roster's union), from the form."""
        return {}

    def save(self, form):
        upload = form.cleaned_data["file"]
        return self.importer.start(
            user=self.request.user,
            file_name=upload.name,
            content=read_upload(upload, limit=settings.ROSTER_MAX_UPLOAD_BYTES),
            **self.start_fields(form),
        )


class ImportDetailView(ImportViewMixin, DetailView):
    """The job's page: progress while it runs, then the summary and the problem rows, 100 at a
    time, read from the database a page at a time (the report itself is never loaded here)."""

    template_name = "core/import_detail.html"
    context_object_name = "job"
    report_per_page = 100

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", "problems")
        if status not in REPORT_STATUSES:
            status = "problems"
        entries = import_report_entries(job=self.object, status=status)
        page = Paginator(entries, self.report_per_page).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            job=self.object,
            import_urls=self.import_urls(self.object),
            problems=page.object_list,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            report_status=status,
            report_statuses=[
                ("problems", _("All problems")),
                ("error", _("Errors")),
                ("warning", _("Warnings")),
            ],
            action_labels=self.importer.action_labels,
            done=self.object.is_done,
            **kwargs,
        )


class ImportProgressView(ImportDetailView):
    """JSON for the progress bar (static/js/import-progress.js polls it)."""

    def get(self, request, *args, **kwargs):
        job = self.get_object()
        return JsonResponse(
            {
                "status": job.status,
                "processed": job.processed_rows,
                "total": job.total_rows,
                "percent": job.progress_percent,
            }
        )


class ImportConfirmView(ImportDetailView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            self.importer.confirm(job=self.get_object(), user=self.request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(f"{self.url_prefix}detail", pk=kwargs["pk"])


class ImportRetryView(ImportDetailView):
    """The "重试" button of an interrupted check or import: queue it again."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            self.importer.retry(job=self.get_object(), user=self.request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "已重新排队，本页会显示进度。")
        return redirect(f"{self.url_prefix}detail", pk=kwargs["pk"])


class ImportReportView(ImportDetailView):
    """The per-row report as Excel: row numbers, results and messages, no personal data."""

    report_filename = "import-report"

    def get(self, request, *args, **kwargs):
        job = self.get_object()
        labels = {"valid": _("Valid"), "warning": _("Warning"), "error": _("Error")}
        actions = self.importer.action_labels
        return xlsx_response(
            filename=f"{self.report_filename}-{job.pk}",
            headers=[_("Row"), _("Result"), _("What happens"), _("Messages")],
            rows=(
                (e["row"], labels[e["status"]], actions.get(e["action"], e["action"]), join_messages(e["messages"]))
                for e in ImportReportEntries(job).batches()
            ),
            sheet_title=_("Import report"),
        )
