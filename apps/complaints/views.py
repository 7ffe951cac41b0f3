from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from apps.core.exports import xlsx_response
from apps.core.forms import int_param
from apps.core.history import object_history
from apps.core.mixins import ScopedPermissionMixin, ServiceFormMixin
from apps.core.pagination import CappedCountPaginator
from apps.core.uploads import read_upload

from . import selectors, services
from .choices import OPEN_STATUSES, TRANSITIONS, Category, Status
from .deadlines import days_left, last_day_to_answer
from .forms import AttachmentForm, ComplaintForm, TransitionForm
from .models import ComplaintAttachment


def _can_see_complainant(user, complaint):
    return user.has_perm("complaints.view_complainant") and not complaint.anonymous


class ComplaintListView(ScopedPermissionMixin, ListView):
    """Most urgent first; due today and overdue highlighted; filters in the query string."""

    permission_required = "complaints.view_complaint"
    selector = selectors.complaint_list
    template_name = "complaints/complaint_list.html"
    context_object_name = "complaints"
    paginate_by = 50
    paginator_class = CappedCountPaginator

    def get_queryset(self):
        queryset = super().get_queryset()
        params = self.request.GET
        # Values that are not what a filter expects are ignored, never a server error.
        for name in ("status", "category"):
            if params.get(name):
                queryset = queryset.filter(**{name: params[name]})
        for name in ("township", "enterprise", "handler"):
            if (value := int_param(params.get(name))) is not None:
                queryset = queryset.filter(**{f"{name}_id": value})
        if params.get("overdue") == "1":
            queryset = queryset.filter(is_overdue=True, status__in=OPEN_STATUSES)
        if params.get("due") == "today":  # the to-do "due today or overdue" links here
            queryset = selectors.complaints_due_by_today(queryset)
        for name, lookup in (("from", "gte"), ("to", "lte")):
            try:
                day = parse_date(params.get(name, ""))
            except ValueError:  # well-formed but impossible, like 2026-02-30
                day = None
            if day:
                queryset = queryset.filter(**{f"received_at__date__{lookup}": day})
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        for complaint in context["complaints"]:
            complaint.days_left = days_left(complaint.due_at, now) if complaint.is_open else None
        from apps.branches.selectors import enterprise_list, orgunit_list, user_oversees_townships, user_scope_path

        user = self.request.user
        prefix = user_scope_path(user)
        params = self.request.GET
        # A county has thousands of enterprises: the choice lists those of one township, the
        # chosen one or the chair's own; county staff pick a township first.
        enterprises = enterprise_list(user=user).filter(archived_at__isnull=True).select_related(None)
        within_township = not user_oversees_townships(user)
        township = int_param(params.get("township"))
        if township is not None:
            enterprises = enterprises.filter(township_id=township)
        elif not within_township:
            enterprises = enterprises.filter(pk=int_param(params.get("enterprise")))
        context.update(
            statuses=Status.choices,
            categories=Category.choices,
            townships=orgunit_list(user=user).filter(kind="township"),
            enterprises=enterprises.only("pk", "name").order_by("name"),
            enterprises_need_township=not within_township and township is None,
            handlers=self._handler_choices(prefix),
            query=self.request.GET,
            can_see_complainant=self.request.user.has_perm("complaints.view_complainant"),
        )
        return context

    @staticmethod
    def _handler_choices(prefix):
        """Anyone in scope who may handle complaints; no join over the complaints themselves."""
        from django.contrib.auth import get_user_model

        users = get_user_model().objects
        if prefix is None:  # no org unit: no scope, so nobody to choose
            return users.none()
        may_handle = Q(groups__permissions__codename="change_complaint") | Q(
            user_permissions__codename="change_complaint"
        )
        return (
            users.filter(is_active=True, org_unit__path__startswith=prefix)
            .filter(may_handle)
            .distinct()
            .only("pk", "username", "real_name")
            .order_by("real_name", "username")
        )


class ComplaintExportView(ComplaintListView):
    def get(self, request, *args, **kwargs):
        show = request.user.has_perm("complaints.view_complainant")
        return xlsx_response(
            filename="complaints",
            headers=[
                _("Tracking number"),
                _("Received at"),
                _("Township"),
                _("Enterprise"),
                _("Category"),
                _("Complainant"),
                _("Status"),
                _("Answer due by"),
                _("Answered at"),
                _("Overdue"),
            ],
            rows=(
                (
                    c.tracking_number,
                    timezone.localtime(c.received_at).strftime("%Y-%m-%d %H:%M"),
                    c.township.name,
                    c.enterprise.name,
                    c.get_category_display(),
                    (c.complainant_name if show and not c.anonymous else c.complainant_masked),
                    c.get_status_display(),
                    last_day_to_answer(c.due_at),
                    timezone.localtime(c.answered_at).strftime("%Y-%m-%d %H:%M") if c.answered_at else "",
                    _("Yes") if c.is_overdue else "",
                )
                for c in self.get_queryset().iterator(chunk_size=2000)
            ),
        )


class ComplaintDetailView(ScopedPermissionMixin, DetailView):
    permission_required = "complaints.view_complaint"
    selector = selectors.complaint_detail_queryset
    template_name = "complaints/complaint_detail.html"
    context_object_name = "complaint"

    def get_context_data(self, **kwargs):
        complaint = self.object
        now = timezone.now()
        return super().get_context_data(
            steps=complaint.steps.select_related("actor"),
            attachments=complaint.attachments.defer("content"),
            next_statuses=[(s.value, s.label) for s in Status if s in TRANSITIONS[Status(complaint.status)]],
            days_left=days_left(complaint.due_at, now) if complaint.is_open else None,
            last_day=last_day_to_answer(complaint.due_at),
            show_complainant=_can_see_complainant(self.request.user, complaint),
            attachment_form=AttachmentForm(),
            history=object_history(complaint),
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
    permission_required = "complaints.change_complaint"
    form_class = TransitionForm
    template_name = "complaints/transition_form.html"

    @cached_property
    def to_status(self):
        try:
            return Status(self.kwargs["status"])
        except ValueError as exc:
            raise Http404 from exc

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "to_status": self.to_status}

    def get_context_data(self, **kwargs):
        return super().get_context_data(complaint=self.complaint, to_status=self.to_status, **kwargs)

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
        complaint = self.object
        # Named only with separate consent and when the complainant did not ask to stay unknown
        # to the enterprise, whose notice board this is.
        named = complaint.consent_to_name and not complaint.anonymous and not complaint.confidential
        return super().get_context_data(
            complainant=complaint.complainant_name if named else complaint.complainant_masked, **kwargs
        )


class ComplaintStatisticsView(ScopedPermissionMixin, TemplateView):
    permission_required = "complaints.view_complaint"
    selector = selectors.complaint_list
    template_name = "complaints/statistics.html"

    def get_context_data(self, **kwargs):
        stats = selectors.complaint_statistics(user=self.request.user)
        labels = dict(Category.choices)
        for row in stats["by_category"]:
            row["label"] = labels.get(row["category"], row["category"])
        return super().get_context_data(stats=stats, **kwargs)
