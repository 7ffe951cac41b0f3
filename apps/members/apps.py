from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MembersConfig(AppConfig):
    name = "apps.members"
    label = "members"
    verbose_name = _("Members")

    def ready(self):
        # The township page (branches) shows the enrolment rate, which members own.
        from apps.core.imports import register_importer
        from apps.core.indicators import register_indicator
        from apps.core.navigation import register_menu
        from apps.core.panels import register_panel
        from apps.core.todos import register_todo

        from . import indicators, todos
        from .imports import ROSTER
        from .navigation import MENU
        from .panels import enrolment_panel, enterprise_members_panel, roster_panel

        register_panel("orgunit_detail", enrolment_panel)
        register_panel("orgunit_detail", roster_panel)
        register_panel("enterprise_detail", enterprise_members_panel)
        register_menu(*MENU)
        register_todo(
            "members.transfers_to_accept",
            todos.transfers_to_accept,
            permission="members.change_membershiptransfer",
            order=200,
        )
        register_indicator(
            "members.enrolment_rate",
            indicators.enrolment,
            label=_("Enrolment rate"),
            permission="members.view_member",
            order=200,
            summarised=True,  # the home page passes apps.overview's pre-computed totals
        )
        # The roster import (apps.core.imports), a background job: the sweep re-sends lost ones
        # and fails dead ones.
        register_importer(ROSTER)
        # The header's search box (apps.core.global_search): the member list's own search.
        from apps.core.global_search import register_search_provider

        from .global_search import find_members

        register_search_provider(
            "members",
            find_members,
            label=pgettext_lazy("search kind", "Members"),
            permission="members.view_member",
            order=100,
        )
