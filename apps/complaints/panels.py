"""The complaints app's panel on another app's page (registered in ComplaintsConfig.ready()):

- the enterprise page (slot "enterprise_detail"): its complaints counted (open, overdue, this
  year) and the latest few, two queries; never a complainant's name (the panel shows what the
  list shows every viewer: tracking number, category, status, dates).
"""

from django.db.models import Count, Q
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
    complaints = complaint_list(user=user).filter(enterprise=enterprise)
    counts = complaints.order_by().aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES) & OVERDUE_UNANSWERED(now)),
        this_year=Count("pk", filter=Q(received_at__year=timezone.localdate().year)),
    )
    latest = []
    if counts["total"]:
        latest = list(complaints.select_related(None).order_by("-received_at", "-pk")[:PANEL_ROWS])
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
