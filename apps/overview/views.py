from django.conf import settings
from django.utils import timezone
from django.views.generic import TemplateView

from apps.branches.selectors import orgunit_overview
from apps.core.indicators import indicator_rates
from apps.core.selectors import notification_list
from apps.core.todos import todo_list

from .selectors import home_summaries


class HomeView(TemplateView):
    """The first page after login: the user's unit, their to-dos, the rates, the latest notifications.

    To-dos and rates come from the registries each app fills (apps.core.todos, apps.core.indicators),
    for the user's whole area; the table by unit reads the pre-computed summaries.
    """

    template_name = "overview/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        year = timezone.localdate().year
        context["overview"] = orgunit_overview(user=user)
        context["summaries"] = home_summaries(user=user)
        context["summary_minutes"] = settings.UNIT_SUMMARY_REFRESH_MINUTES
        context["todos"] = todo_list(user)
        context["rates"] = indicator_rates(user=user, year=year)
        context["rate_year"] = year
        context["recent_notifications"] = notification_list(user=user)[:5]
        return context
