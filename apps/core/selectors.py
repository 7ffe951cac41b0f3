"""Reads of the core app."""

from .models import Notification


def notification_list(*, user):
    """A user's own notifications; nobody reads another's."""
    return Notification.objects.filter(recipient=user)


def notification_unread_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def export_job_list(*, user):
    """A user's own large exports; nobody sees another's (not even county staff)."""
    from .models import ExportJob

    if not user.is_authenticated:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(requested_by=user)


def search_provider_list(*, user):
    """The kinds of rows the header search looks through for the user: those they may see
    (apps.core.global_search; each provider then reads its rows from its own app's selector)."""
    from .global_search import search_providers_for

    return search_providers_for(user)
