"""What the statements part adds to the shared rails (menu, search, to-dos, indicators, panels,
milestones, imports): its `register()` is called from DuesConfig.ready()."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from apps.core.imports import register_importer
    from apps.core.navigation import MenuItem, register_menu

    from ..imports import STATEMENT

    # The statement import, a background job: the sweep re-sends lost ones and fails dead ones.
    register_importer(STATEMENT)
    register_menu(
        MenuItem(
            label=_("Tax bureau statements"),
            url_name="dues:statement_list",
            icon="file-earmark-spreadsheet",
            permission="dues.manage_funds",
            order=420,
            section=_("Union funds"),
            active_for=(
                "dues:statement_upload",
                "dues:statement_detail",
                "dues:statement_reconciliation",
                "dues:statement_register_enterprises",
            ),
        )
    )
