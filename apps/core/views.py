from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import ListView

from . import health
from .mixins import ScopedPermissionMixin, ScopedQuerysetMixin
from .pagination import CappedCountPaginator
from .selectors import export_job_list, notification_list
from .services import notification_mark_all_read, notification_mark_read


class NotificationListView(ScopedPermissionMixin, ListView):
    permission_required = "core.view_notification"
    selector = notification_list
    template_name = "core/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 25
    paginator_class = CappedCountPaginator


class NotificationOpenView(ScopedPermissionMixin, View):
    permission_required = "core.view_notification"
    selector = notification_list
    http_method_names = ["post"]

    def post(self, request, pk):
        notification = get_object_or_404(self.get_queryset(), pk=pk)
        notification_mark_read(notification=notification)
        link = notification.link
        if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
            return redirect(link)
        return redirect("core:notification_list")


class NotificationReadAllView(ScopedPermissionMixin, View):
    permission_required = "core.view_notification"
    selector = notification_list
    http_method_names = ["post"]

    def post(self, request):
        count = notification_mark_all_read(user=request.user)
        messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
        return redirect("core:notification_list")


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Liveness and readiness in one: 200 when database, Redis, a worker and migrations are fine."""
    checks = health.run_checks()
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


@login_not_required
def server_error(request):
    return render(request, "500.html", status=500)


class OwnExportMixin(ScopedQuerysetMixin):
    """Only the person who asked for an export may see or download it; anyone else gets a 404.

    No model permission: the export view that started the job had one, and the job is its
    requester's alone (`own_rows_only`, checked by tests/core/test_url_walk.py).
    """

    own_rows_only = True
    selector = export_job_list

    def job(self, pk, *, with_file=False):
        jobs = self.get_queryset() if with_file else self.get_queryset().defer("content")
        return get_object_or_404(jobs, pk=pk)


@method_decorator(never_cache, name="dispatch")
class ExportJobView(OwnExportMixin, View):
    """The progress page of a large export; it reloads itself until the file is ready."""

    http_method_names = ["get"]

    def get(self, request, pk):
        return render(request, "core/export_job.html", {"job": self.job(pk)})


@method_decorator(never_cache, name="dispatch")
class ExportJobDownloadView(OwnExportMixin, View):
    http_method_names = ["get"]

    def get(self, request, pk):
        from .exports import xlsx_download
        from .models import ExportStatus

        job = self.job(pk, with_file=True)
        if job.status != ExportStatus.DONE or job.content is None:
            messages.error(request, _("This export is no longer available: files are kept for a day. Export again."))
            return redirect(job)
        return xlsx_download(bytes(job.content), job.file_name)


class ExportJobRetryView(OwnExportMixin, View):
    """The "重试" button of a failed export: queue it again, for its requester only."""

    http_method_names = ["post"]

    def post(self, request, pk):
        from django.core.exceptions import ValidationError

        from .services import export_job_retry as retry

        job = self.job(pk)
        try:
            retry(job=job)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(job)
