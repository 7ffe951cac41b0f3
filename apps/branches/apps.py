from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BranchesConfig(AppConfig):
    name = "apps.branches"
    label = "branches"
    verbose_name = _("Union organisations")

    def ready(self):
        from apps.core.indicators import register_indicator
        from apps.core.navigation import register_menu
        from apps.core.todos import register_todo

        from . import indicators, todos
        from .navigation import MENU

        register_menu(*MENU)
        register_todo(
            "branches.unions_awaiting_approval",
            todos.unions_awaiting_approval,
            permission="branches.approve_union",
            order=100,
        )
        register_todo("branches.terms_ending", todos.terms_ending, permission="branches.change_orgunit", order=110)
        register_indicator(
            "branches.formation_rate",
            indicators.formation_rate,
            label=_("Union formation rate"),
            permission="branches.view_enterprise",
            order=100,
            summarised=True,  # the home page passes apps.overview's pre-computed counts
        )
        indicators.register()

        from apps.core.milestones import register_milestone

        from .services.reminders import compliance_milestones

        for milestone in compliance_milestones():
            register_milestone(milestone)

        from apps.core.global_search import register_search_provider

        from .global_search import find_enterprises, find_orgunits

        register_search_provider(
            "orgunits",
            find_orgunits,
            label=pgettext_lazy("search kind", "Unions"),
            permission="branches.view_orgunit",
            order=200,
        )
        register_search_provider(
            "enterprises",
            find_enterprises,
            label=pgettext_lazy("search kind", "Enterprises"),
            permission="branches.view_enterprise",
            order=210,
        )
