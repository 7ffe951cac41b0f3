"""Libraries' apps under Chinese names, and the admin site with the portal's app order.

settings.INSTALLED_APPS names these instead of the libraries' own configurations, as Django's
documentation advises for changing an app's verbose_name. (A module of its own: apps.core.apps
must hold one configuration only, for "apps.core" to find it.)
"""

from axes.apps import AppConfig as AxesAppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from pghistory.apps import PGHistoryConfig


class PortalAdminSiteConfig(AdminConfig):
    default_site = "apps.core.admin_site.PortalAdminSite"


def _local(moment) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


class PortalAxesConfig(AxesAppConfig):
    verbose_name = _("Login security")

    def ready(self):
        """axes' rows name themselves in English ("Access Log for … @ <UTC time>"): admin titles its
        pages with them. In Chinese here, in Shanghai time."""
        super().ready()
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        AccessFailureLog.__str__ = lambda self: " ".join(
            part
            for part in (
                self.username or "",
                _local(self.attempt_time),
                "登录失败",
                "（已锁定）" if self.locked_out else "",
            )
            if part
        )
        AccessAttempt.__str__ = lambda self: f"{self.username or ''} {_local(self.attempt_time)} 起的登录失败".strip()
        AccessLog.__str__ = lambda self: f"{self.username or ''} {_local(self.attempt_time)} 的登录".strip()


class PortalPGHistoryConfig(PGHistoryConfig):
    verbose_name = _("Change history")

    def ready(self):
        """Names for pghistory's models and for each tracked model's event model ("user event"):
        admin lists them, and their permissions. Set on the model's options at run time only,
        which migrations do not read (they read the options a model's Meta declared)."""
        super().ready()
        from django.apps import apps
        from django.utils.text import format_lazy
        from pghistory.models import Context, Event, Events, MiddlewareEvents

        for model in apps.get_models():
            tracked = getattr(model, "pgh_tracked_model", None)
            if issubclass(model, Event) and tracked is not None and "verbose_name" not in model._meta.original_attrs:
                model._meta.verbose_name = format_lazy(_("{} change event"), tracked._meta.verbose_name)
                model._meta.verbose_name_plural = format_lazy(_("{} change events"), tracked._meta.verbose_name)

        # pghistory's models have no names of their own: the admin would list "Events".
        for model, singular, plural in (
            (Events, _("change event"), _("change events")),
            (MiddlewareEvents, _("change event with request"), _("change events with request")),
            (Context, _("change context"), _("change contexts")),
        ):
            model._meta.verbose_name = singular
            model._meta.verbose_name_plural = plural
