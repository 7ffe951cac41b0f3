"""The floor every page is compared with: N member rows from one indexed query, same templates."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from apps.members.models import Member

MAX_BASELINE_ROWS = 10_000


class BaselineRowsView(LoginRequiredMixin, TemplateView):
    """What Django costs with nothing of ours: login, session, base layout, one primary-key range scan.

    Not scoped and not served by the portal's own URL conf: it exists only under settings.bench.
    """

    template_name = "bench/baseline.html"

    def get_context_data(self, **kwargs):
        try:
            rows = max(1, min(int(self.request.GET.get("rows", 50)), MAX_BASELINE_ROWS))
        except ValueError:
            rows = 50
        members = Member.objects.order_by("pk").only(
            "pk", "real_name", "card_number", "id_masked", "join_date", "status"
        )[:rows]
        return super().get_context_data(members=members, **kwargs)
