"""Reads of the core app."""

from .models import Notification


def notification_list(*, user):
    """A user's own notifications; nobody reads another's."""
    return Notification.objects.filter(recipient=user)


def notification_unread_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
