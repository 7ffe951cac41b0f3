from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from apps.branches.selectors import orgunit_overview
from apps.core.indicators import indicator_rates
from apps.core.mixins import ScopedPermissionMixin
from apps.core.selectors import notification_list
from apps.core.todos import todo_list

from . import selectors, services


class HomeView(TemplateView):
    """The first page after login: the user's unit, their to-dos, the rates, the latest notifications.

    To-dos and rates come from the registries each app fills (apps.core.todos, apps.core.indicators),
    for the user's whole area. The member figures, the table by unit and the rates registered
    `summarised` (formation, enrolment) are built from the pre-computed summaries, all counted at
    one moment by the apps' own definitions, so they agree with each other and with the pages
    beside them as of that moment (shown, with 刷新 to recount now).
    """

    template_name = "overview/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        year = timezone.localdate().year
        summaries = selectors.home_summaries(user=user)
        own = summaries["own"]
        context["overview"] = orgunit_overview(user=user)
        context["summaries"] = summaries
        context["summary_age"] = selectors.summary_age(own, now=timezone.now())
        context["summary_minutes"] = settings.UNIT_SUMMARY_REFRESH_MINUTES
        context["todos"] = todo_list(user)
        context["rates"] = indicator_rates(
            user=user, year=year, counts=own.indicator_counts() if own else None, home_page=True
        )
        context["rate_year"] = year
        context["recent_notifications"] = notification_list(user=user)[:5]
        return context


class HomeRefreshView(ScopedPermissionMixin, View):
    """刷新 on the home page (POST): recount the figures of the user's own area now."""

    permission_required = "branches.view_orgunit"
    selector = selectors.summary_list
    http_method_names = ["post"]

    def post(self, request):
        services.unit_summaries_refresh_for(user=request.user)
        messages.success(request, _("The figures were recounted just now."))
        return redirect("overview:home")
