from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.functional import classproperty
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import ListView

from . import health
from .global_search import (
    MAX_LENGTH,
    SearchTerm,
    clean_term,
    global_search,
    registered_search_providers,
    search_term_problem,
)
from .mixins import ScopedPermissionMixin, ScopedQuerysetMixin
from .pagination import CappedCountPaginator
from .search import is_token, search_expired_message, search_token_resolve, search_token_store
from .selectors import export_job_list, notification_list, search_provider_list
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


class GlobalSearchView(ScopedPermissionMixin, View):
    """The header's search box across members, unions, enterprises and complaints.

    The box posts its term; the term is kept in the session (apps.core.search) and the results
    are shown at `?q=<token>`, so no name, ID number or mobile reaches a URL, a log or the
    browser's history. Each kind's rows come from its app's provider (apps.core.global_search),
    scoped by that app's selector; the page needs one of the providers' permissions.
    """

    selector = search_provider_list
    template_name = "core/global_search.html"
    http_method_names = ["get", "post"]

    @classproperty
    def permission_required(cls):
        """Any of the registered kinds' permissions (has_permission asks for one, not all)."""
        return tuple(sorted({p.permission for p in registered_search_providers() if p.permission}))

    def has_permission(self):
        return bool(self.get_queryset())

    def post(self, request):
        text = clean_term(request.POST.get("q", ""))
        problem = search_term_problem(text)
        if problem:
            return self.page(problem=problem, text=text[:MAX_LENGTH])
        return self.redirect_to(text)

    def get(self, request):
        value = request.GET.get("q", "")
        if not value:
            return self.page()
        if not is_token(value):  # a typed URL or an old bookmark: the term leaves the URL at once
            text = clean_term(value)
            problem = search_term_problem(text)
            return self.page(problem=problem, text=text[:MAX_LENGTH]) if problem else self.redirect_to(text)
        text = search_token_resolve(request.session, value)
        if text is None:
            return self.page(problem=search_expired_message())
        term = SearchTerm(text=text, token=value)
        return self.page(text=text, groups=global_search(request.user, term))

    def redirect_to(self, text):
        token = search_token_store(self.request.session, text)
        return redirect(f"{self.request.path}?{urlencode({'q': token})}")

    def page(self, *, problem=None, text="", groups=None):
        """`text` is shown in the heading and put back in the box, unless it had to be masked."""
        shown = SearchTerm(text=text, token="").shown
        context = {
            "problem": problem,
            "search_shown": shown,
            "global_search_text": text if shown == text else "",
            "groups": groups,
        }
        return render(self.request, self.template_name, context)
