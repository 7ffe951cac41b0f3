"""Session lifetime: 30 minutes idle and 8 hours in all, whichever comes first."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.translation import gettext as _

LOGIN_AT = "_login_at"
LAST_SEEN = "_last_seen"


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
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
                return redirect(settings.LOGIN_URL)
            # Writing the session costs a query; a minute's precision is plenty for 30 minutes.
            if now - last_seen >= 60 or LAST_SEEN not in request.session:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


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
