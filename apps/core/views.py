from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import ListView

from . import health
from .pagination import CappedCountPaginator
from .selectors import notification_list
from .services import notification_mark_all_read, notification_mark_read


class NotificationListView(ListView):
    template_name = "core/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 25
    paginator_class = CappedCountPaginator

    def get_queryset(self):
        return notification_list(user=self.request.user)


@require_POST
def notification_open(request, pk):
    notification = get_object_or_404(notification_list(user=request.user), pk=pk)
    notification_mark_read(notification=notification)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("core:notification_list")


@require_POST
def notification_read_all(request):
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


def _own_export(request, pk, *, with_file=False):
    """Only the person who asked for an export may see or download it; anyone else gets a 404."""
    from .models import ExportJob

    jobs = ExportJob.objects.all() if with_file else ExportJob.objects.defer("content")
    return get_object_or_404(jobs, pk=pk, requested_by=request.user)


@require_GET
@never_cache
def export_job(request, pk):
    """The progress page of a large export; it reloads itself until the file is ready."""
    job = _own_export(request, pk)
    return render(request, "core/export_job.html", {"job": job})


@require_GET
@never_cache
def export_job_download(request, pk):
    from .exports import xlsx_download
    from .models import ExportStatus

    job = _own_export(request, pk, with_file=True)
    if job.status != ExportStatus.DONE or job.content is None:
        messages.error(request, _("This export is no longer available: files are kept for a day. Export again."))
        return redirect(job)
    return xlsx_download(bytes(job.content), job.file_name)


@require_POST
def export_job_retry(request, pk):
    """The "重试" button of a failed export: queue it again, for its requester only."""
    from django.core.exceptions import ValidationError

    from .services import export_job_retry as retry

    job = _own_export(request, pk)
    try:
        retry(job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(job)
