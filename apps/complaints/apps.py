from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ComplaintsConfig(AppConfig):
    name = "apps.complaints"
    label = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from apps.core.indicators import register_indicator
        from apps.core.navigation import register_menu
        from apps.core.todos import register_todo

        from . import indicators, panels, todos
        from .navigation import MENU

        register_menu(*MENU)
        panels.register()
        register_todo("complaints.due", todos.complaints_due, permission="complaints.change_complaint", order=300)
        register_indicator(
            "complaints.answered_on_time",
            indicators.answered_on_time,
            label=_("Complaints answered on time"),
            permission="complaints.view_complaint",
            order=300,
            per_year=True,
        )

        from apps.core.milestones import register_milestone

        from .services import complaint_milestones

        for milestone in complaint_milestones():
            register_milestone(milestone)

        from apps.core.global_search import register_search_provider

        from .global_search import find_complaints

        register_search_provider(
            "complaints",
            find_complaints,
            label=pgettext_lazy("search kind", "Complaints"),
            permission="complaints.view_complaint",
            order=300,
        )
