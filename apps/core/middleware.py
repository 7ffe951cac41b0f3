"""Session lifetime: 30 minutes idle and 8 hours in all, whichever comes first.

Only what the user does counts as activity. A page's own refreshing — a progress bar's polling
(the ``X-Auto-Refresh: 1`` header) or a progress page reloading itself (``?auto_refresh=1``) —
is checked against the timeouts like any request, but never keeps an idle session alive.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

LOGIN_AT = "_login_at"
LAST_SEEN = "_last_seen"
AUTO_REFRESH_HEADER = "X-Auto-Refresh"
AUTO_REFRESH_PARAM = "auto_refresh"


def is_auto_refresh(request) -> bool:
    """Whether the page asked for this itself (static/js polls and reloads mark it so)."""
    return request.headers.get(AUTO_REFRESH_HEADER) == "1" or request.GET.get(AUTO_REFRESH_PARAM) == "1"


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        passive = is_auto_refresh(request)
        if AUTO_REFRESH_PARAM in request.GET:
            # The page's links and filters are built from request.GET: a click on them is the
            # user's own, so the marker goes no further than here.
            request.GET = request.GET.copy()
            del request.GET[AUTO_REFRESH_PARAM]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            login_at = request.session.setdefault(LOGIN_AT, now)
            last_seen = request.session.get(LAST_SEEN, now)
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT.total_seconds()
            too_long = now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            if idle or too_long:
                logout(request)
                messages.info(request, _("Your session has expired. Please log in again."))
                if request.headers.get(AUTO_REFRESH_HEADER) == "1":
                    # A poll gets no login page to parse: 401, and the script reloads the page.
                    return JsonResponse({"expired": True}, status=401)
                return redirect(settings.LOGIN_URL)
            # Writing the session costs a query; a minute's precision is plenty for 30 minutes.
            if not passive and (now - last_seen >= 60 or LAST_SEEN not in request.session):
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's, except that a page's own poll (X-Auto-Refresh: 1) of a page that needs a login
    gets a 401, not a redirect to the login page: the session may have ended another way (a
    logout in another tab), and the script reloads the page, which lands on the login page."""

    def handle_no_permission(self, request, view_func):
        if request.headers.get(AUTO_REFRESH_HEADER) == "1":
            return JsonResponse({"expired": True}, status=401)
        return super().handle_no_permission(request, view_func)


def _has_nul(value) -> bool:
    return "\x00" in value


class HealthCheckMiddleware:
    """Answer /healthz/ before anything reads the session or the user.

    The session and the user live in the database: with a session cookie and the database
    down, the session middleware, the timeout above or the audit context would raise while
    loading them, and the probe would get a 500 instead of the 503 that names the failing check.
    """

    def __init__(self, get_response):
        from django.urls import reverse

        self.get_response = get_response
        self.path = reverse("healthz")

    def __call__(self, request):
        if request.path_info == self.path:
            from .views import healthz

            return healthz(request)
        return self.get_response(request)


class RefuseNulMiddleware:
    """A NUL character anywhere in the path, query string, form data or cookies is a 400.

    PostgreSQL cannot store or compare text containing NUL, so such a value would reach the
    database as a server error from whichever filter, form or session lookup met it first.
    No real input contains one: browsers never send it, only tampered requests do.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._tampered(request):
            from django.http import HttpResponseBadRequest
            from django.template.loader import render_to_string

            # No request context: its processors could read the session, where the NUL may be.
            return HttpResponseBadRequest(render_to_string("400.html"))
        return self.get_response(request)

    @staticmethod
    def _tampered(request) -> bool:
        if _has_nul(request.path_info):
            return True
        for key, value in request.COOKIES.items():
            if _has_nul(key) or _has_nul(value):
                return True
        sources = [request.GET]
        if request.method == "POST":
            sources += [request.POST]  # (uploaded file names: Django drops unprintable characters itself)
        for data in sources:
            for key, values in data.lists():
                if _has_nul(key) or any(_has_nul(value) for value in values):
                    return True
        return False
