"""The complaints app's panel on another app's page (registered in ComplaintsConfig.ready()):

- the enterprise page (slot "enterprise_detail"): its complaints counted (open, overdue, this
  year) and the latest few, one query; never a complainant's name (the panel shows what the
  list shows every viewer: tracking number, category, status, dates).
"""

from django.db.models import Count, Q, Window
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from apps.core.panels import register_panel

from .choices import OPEN_STATUSES
from .selectors import OVERDUE_UNANSWERED, complaint_list

PANEL_ROWS = 5
PERMISSION = "complaints.view_complaint"


def enterprise_panel(request, enterprise):
    user = request.user
    if not user.has_perm(PERMISSION):
        return None
    now = timezone.now()
    # One query: the latest few, each carrying the counts of the whole filtered set as window
    # aggregates (COUNT(...) FILTER (WHERE ...) OVER (), computed before the LIMIT), read from the
    # first row; no complaints, no row and every count zero.
    latest = list(
        complaint_list(user=user)
        .filter(enterprise=enterprise)
        .select_related(None)
        .annotate(
            count_total=Window(Count("pk")),
            count_open=Window(Count("pk", filter=Q(status__in=OPEN_STATUSES))),
            count_overdue=Window(Count("pk", filter=Q(status__in=OPEN_STATUSES) & OVERDUE_UNANSWERED(now))),
            count_this_year=Window(Count("pk", filter=Q(received_at__year=timezone.localdate().year))),
        )
        .order_by("-received_at", "-pk")[:PANEL_ROWS]
    )
    first = latest[0] if latest else None
    counts = {key: getattr(first, f"count_{key}") if first else 0 for key in ("total", "open", "overdue", "this_year")}
    list_url = f"{reverse('complaints:complaint_list')}?enterprise={enterprise.pk}"
    context = {
        "enterprise": enterprise,
        "counts": counts,
        "latest": latest,
        "list_url": list_url,
        "open_url": f"{list_url}&status=open",
        "overdue_url": f"{list_url}&overdue=1",
    }
    return render_to_string("complaints/_panel_enterprise.html", context, request=request)


def register() -> None:
    register_panel("enterprise_detail", enterprise_panel)
