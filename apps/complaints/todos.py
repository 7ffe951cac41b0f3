"""What the complaints app asks of a user (registered in ComplaintsConfig.ready())."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from apps.core.todos import Todo

from .selectors import complaint_list, complaints_due_by_today


def complaints_due(user) -> Todo:
    """Open complaints in the user's area to be answered today or already overdue, one query."""
    now = timezone.now()
    counts = (
        complaints_due_by_today(complaint_list(user=user), now=now)
        .order_by()
        .aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(due_at__lte=now)))
    )
    return Todo(
        count=counts["total"],
        label="今日到期或已逾期未答复的投诉",
        url=f"{reverse('complaints:complaint_list')}?due=today",
        urgency="urgent" if counts["overdue"] else "soon",
    )
