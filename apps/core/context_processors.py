from django.conf import settings

from .selectors import notification_unread_count


def navigation(request):
    """What base.html needs on every page: portal name and the unread notification count.

    Kept on the request: django-tables2 renders its table with a second RequestContext, which
    would otherwise count the notifications again.
    """
    cached = getattr(request, "_portal_navigation", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    request._portal_navigation = {
        "portal_name": settings.PORTAL_NAME,
        "unread_notification_count": notification_unread_count(user=user) if user is not None else 0,
    }
    return request._portal_navigation
