"""What the complaints app asks of a user (registered in ComplaintsConfig.ready())."""

from django.urls import reverse
from django.utils import timezone

from apps.core.todos import TodoQuery

from .selectors import complaint_list, complaints_due_by_today


def complaints_due(user) -> TodoQuery:
    """Open complaints in the user's area to be answered today or already overdue."""
    now = timezone.now()
    due = complaints_due_by_today(complaint_list(user=user), now=now)
    return TodoQuery(
        queryset=due,
        label="今日到期或已逾期未答复的投诉",
        url=f"{reverse('complaints:complaint_list')}?due=today",
        urgency="soon",
        urgent=due.filter(due_at__lte=now),
    )
