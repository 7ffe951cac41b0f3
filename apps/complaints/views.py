import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from apps.core.exports import XlsxExportMixin
from apps.core.mixins import ScopedListView, ScopedPermissionMixin, ServiceFormMixin
from apps.core.replica import ReadsFromReplicaMixin
from apps.core.uploads import read_upload

from . import selectors, services
from .choices import Category, Status
from .deadlines import last_day_to_answer
from .filters import ComplaintFilter
from .forms import AttachmentForm, ComplaintForm, TransitionForm
from .models import ComplaintAttachment
from .selectors import complainant_posted, complainant_shown
from .tables import ComplaintTable


class ComplaintListView(ScopedListView):
    """Most urgent first; due today and overdue highlighted; a search that may hold a name is
    kept out of the URL (PrivateSearchMixin), like the member list's."""

    permission_required = "complaints.view_complaint"
    selector = selectors.complaint_list
    table_class = ComplaintTable
    filterset_class = ComplaintFilter
    template_name = "complaints/complaint_list.html"
    page_title = gettext_lazy("Complaints")
    create_url = "complaints:complaint_create"
    create_label = gettext_lazy("Register a complaint")
    create_permission = "complaints.add_complaint"
    export_url = "complaints:complaint_export"
    # A tracking number, an enterprise or the complainant's name: posted, a token in the URL.
    private_filters = ("q",)

    def get_table_kwargs(self):
        return {"user": self.request.user}


def _local(moment):
    return timezone.localtime(moment) if moment else None  # an Excel date and time (apps.core.exports)


class ComplaintExportView(XlsxExportMixin, ComplaintListView):
    """The rows the list shows under the same filters; the complainant as the list shows them."""

    export_filename = "complaints"

    @property
    def export_columns(self):
        user = self.request.user
        return [
            (_("Tracking number"), lambda c: c.tracking_number),
            (_("Received at"), lambda c: _local(c.received_at)),
            (_("Township"), lambda c: c.township.name),
            (_("Enterprise"), lambda c: c.enterprise.name),
            (_("Category"), lambda c: c.get_category_display()),
            (_("Complainant"), lambda c: complainant_shown(c, user=user).name),
            (_("Handler"), lambda c: str(c.handler) if c.handler else ""),
            (_("Status"), lambda c: c.get_status_display()),
            (_("Answer due by"), lambda c: last_day_to_answer(c.due_at)),
            (_("Answered at"), lambda c: _local(c.answered_at)),
            (_("Overdue"), lambda c: c.is_overdue),
        ]


class ComplaintDetailView(ScopedPermissionMixin, DetailView):
    permission_required = "complaints.view_complaint"
    selector = selectors.complaint_detail_queryset
    template_name = "complaints/complaint_detail.html"
    context_object_name = "complaint"

    def get_context_data(self, **kwargs):
        complaint, user = self.object, self.request.user
        # Only the buttons the user may use: the rule the transition form opens by.
        allowed = services.complaint_transitions_allowed(user=user, complaint=complaint)
        may_upload = services.attachment_refusal(user=user, complaint=complaint) is None
        return super().get_context_data(
            steps=complaint.steps.select_related("actor"),
            attachments=complaint.attachments.defer("content"),
            next_statuses=[(s.value, s.label) for s in allowed],
            attachment_form=AttachmentForm() if may_upload else None,
            history=selectors.complaint_history(complaint, user=user),
            **selectors.complaint_summary(complaint, user=user),
            **kwargs,
        )


class ComplaintCreateView(ScopedPermissionMixin, ServiceFormMixin, FormView):
    permission_required = "complaints.add_complaint"
    selector = selectors.complaint_list
    form_class = ComplaintForm
    template_name = "complaints/complaint_form.html"
    success_message = gettext_lazy("Complaint registered. The answer is due within seven days.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def save(self, form):
        return services.complaint_register(user=self.request.user, **form.cleaned_data)


class ComplaintActionMixin(ScopedPermissionMixin):
    selector = selectors.complaint_detail_queryset

    @cached_property
    def complaint(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])


class ComplaintTransitionView(ComplaintActionMixin, ServiceFormMixin, FormView):
    """One step of the workflow. A step the user may not take now (the workflow or the
    permission: services.complaint_transition_refusal) is refused when the form opens as when it
    is sent: back to the complaint with the reason. An unknown step, or another township's
    complaint, is a 404."""

    permission_required = "complaints.change_complaint"
    form_class = TransitionForm
    template_name = "complaints/transition_form.html"

    @cached_property
    def to_status(self):
        try:
            return Status(self.kwargs["status"])
        except ValueError as exc:
            raise Http404 from exc

    def refused(self):
        refusal = services.complaint_transition_refusal(
            user=self.request.user, complaint=self.complaint, to_status=self.to_status
        )
        if refusal is None:
            return None
        messages.error(self.request, refusal)
        return redirect(self.complaint)

    def get(self, request, *args, **kwargs):
        return self.refused() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.refused() or super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "to_status": self.to_status}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            complaint=self.complaint,
            to_status=self.to_status,
            **selectors.complaint_summary(self.complaint, user=self.request.user),
            **kwargs,
        )

    def save(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if v not in ("", None)}
        return services.complaint_transition(
            user=self.request.user, complaint=self.complaint, to_status=self.to_status, **data
        )


class AttachmentUploadView(ComplaintActionMixin, View):
    permission_required = "complaints.change_complaint"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = AttachmentForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Choose a file to upload."))
        else:
            upload = form.cleaned_data["file"]
            try:
                services.attachment_add(
                    user=request.user,
                    complaint=self.complaint,
                    file_name=upload.name,
                    content=read_upload(upload, limit=settings.COMPLAINT_ATTACHMENT_MAX_BYTES),
                )
                messages.success(request, _("Attachment added."))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        return redirect(self.complaint)


class AttachmentDownloadView(ComplaintActionMixin, View):
    permission_required = "complaints.view_complaint"

    def get(self, request, pk, attachment_pk):
        attachment = get_object_or_404(ComplaintAttachment, pk=attachment_pk, complaint=self.complaint)
        response = HttpResponse(bytes(attachment.content), content_type=attachment.content_type)
        response["Content-Disposition"] = f'attachment; filename="evidence-{attachment.pk}"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class PostingPrintView(ComplaintActionMixin, DetailView):
    """The A4 notice for the enterprise's board (张榜公布): the complainant masked unless they consented."""

    permission_required = "complaints.view_complaint"
    template_name = "complaints/posting_print.html"
    context_object_name = "complaint"

    def get_object(self, queryset=None):
        if self.complaint.status not in (Status.POSTED, Status.CLOSED) or not self.complaint.posted_text:
            raise Http404
        return self.complaint

    def get_context_data(self, **kwargs):
        # The enterprise's notice board: named only as complainant_posted allows.
        return super().get_context_data(complainant=complainant_posted(self.object).name, **kwargs)


class ComplaintPrintView(ComplaintActionMixin, DetailView):
    """投诉登记表, A4 from the browser: the complaint as registered and handled, the complainant
    as the viewer may see them (complainant_shown), for the office's paper file."""

    permission_required = "complaints.view_complaint"
    template_name = "complaints/complaint_print.html"
    context_object_name = "complaint"

    def get_object(self, queryset=None):
        return self.complaint

    def get_context_data(self, **kwargs):
        complaint = self.object
        return super().get_context_data(
            steps=complaint.steps.select_related("actor"),
            printed_at=timezone.localtime(),
            **selectors.complaint_summary(complaint, user=self.request.user),
            **kwargs,
        )


class ComplaintStatisticsView(ReadsFromReplicaMixin, ScopedPermissionMixin, TemplateView):
    """投诉统计: every row and figure links to the complaint list behind it (filters.ComplaintFilter)."""

    permission_required = "complaints.view_complaint"
    selector = selectors.complaint_list
    template_name = "complaints/statistics.html"

    def get_context_data(self, **kwargs):
        stats = selectors.complaint_statistics(user=self.request.user)
        labels = dict(Category.choices)
        _add_links(stats["total"], {})
        for row in stats["by_township"]:
            _add_links(row, {"township": row["township_id"]})
        for row in stats["by_category"]:
            row["label"] = labels.get(row["category"], row["category"])
            _add_links(row, {"category": row["category"]})
        for row in stats["by_month"]:
            _add_links(row, _month_filters(row["month"]))
        return super().get_context_data(stats=stats, answer_days=settings.COMPLAINT_ANSWER_DAYS, **kwargs)


# Which list is behind each figure of a statistics row: the row's filters plus these.
FIGURE_FILTERS = {
    "total": {},
    "due": {"answer": "due"},
    "on_time": {"answer": "on_time"},
    "late": {"answer": "late"},
    "answered": {"answer": "answered"},
    "overdue_unanswered": {"answer": "overdue_unanswered"},
    "open": {"answer": "open"},
    "overdue": {"overdue": "1"},
}


def _add_links(row: dict, filters: dict) -> None:
    base = reverse("complaints:complaint_list")
    row["links"] = {
        figure: f"{base}?{urlencode({**filters, **extra})}" if filters or extra else base
        for figure, extra in FIGURE_FILTERS.items()
    }


def _month_filters(month: datetime.datetime) -> dict:
    """A month of the table (TruncMonth in the portal's time zone) as the list's received dates."""
    first = timezone.localtime(month).date() if timezone.is_aware(month) else month.date()
    following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return {"received_from": first.isoformat(), "received_to": (following - datetime.timedelta(days=1)).isoformat()}
