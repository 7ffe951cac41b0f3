from django.conf import settings

from .selectors import notification_unread_count


def navigation(request):
    """What base.html needs on every page: portal name and the unread notification count."""
    user = getattr(request, "user", None)
    return {
        "portal_name": settings.PORTAL_NAME,
        "unread_notification_count": notification_unread_count(user=user) if user is not None else 0,
    }
