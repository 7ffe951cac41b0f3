from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .navigation import menu_for
from .selectors import notification_unread_count


def navigation(request):
    """What base.html needs on every page: portal name, unread notification count and the menu.

    Kept on the request: django-tables2 renders its table with a second RequestContext, which
    would otherwise count the notifications again. The menu is worked out only when a template
    shows it (a partial or an export never does), and then once.
    """
    cached = getattr(request, "_portal_navigation", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    request._portal_navigation = {
        "portal_name": settings.PORTAL_NAME,
        "unread_notification_count": notification_unread_count(user=user) if user is not None else 0,
        "portal_menu": SimpleLazyObject(lambda: menu_for(user, view_name=match.view_name if match else "")),
    }
    return request._portal_navigation
