from django.conf import settings
from django.views.generic import TemplateView

from apps.branches.selectors import orgunit_overview
from apps.core.selectors import notification_list

from .selectors import home_summaries


class HomeView(TemplateView):
    """The first page after login: the user's unit, its key figures, the latest notifications."""

    template_name = "overview/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["overview"] = orgunit_overview(user=self.request.user)
        context["summaries"] = home_summaries(user=self.request.user)
        context["summary_minutes"] = settings.UNIT_SUMMARY_REFRESH_MINUTES
        context["recent_notifications"] = notification_list(user=self.request.user)[:5]
        return context
