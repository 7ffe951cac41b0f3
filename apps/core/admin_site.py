"""The admin site: the portal's own apps first, in the order the office works with them."""

from django.contrib import admin

# The portal's apps in this order, then everything else (Django's, the libraries') by name.
PORTAL_APP_ORDER = [
    "branches",
    "members",
    "complaints",
    "contracts",
    "dues",
    "training",
    "reemployment",
    "aid",
    "accounts",
    "core",
    "overview",
]


class PortalAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        """Every model admin's history page reads as the portal's (apps.core.admin_history)."""
        from .admin_history import ReadableHistoryAdminMixin

        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, ReadableHistoryAdminMixin):
            admin_class = type(
                admin_class.__name__,
                (ReadableHistoryAdminMixin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        first = {label: position for position, label in enumerate(PORTAL_APP_ORDER)}
        return sorted(app_list, key=lambda app: (first.get(app["app_label"], len(first)), app["name"]))
