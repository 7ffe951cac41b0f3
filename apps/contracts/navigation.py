"""The contracts app's menu entries (registered in ContractsConfig.ready()).

In the rights-protection section beside the complaints (300): the contract list, the
签订率 page per township (contracts:coverage, the coverage views'), and the register import
(集体合同台账导入) for those who record contracts, as the members' roster import is offered.
"""

from django.utils.translation import gettext_lazy as _

from apps.core.navigation import MenuItem, register_menu

MENU = [
    MenuItem(
        label=_("Collective contracts"),
        url_name="contracts:contract_list",
        icon="file-earmark-text",
        permission="contracts.view_contract",
        order=310,
        section=_("Rights protection"),
        active_for=("contracts:",),
    ),
    MenuItem(
        label=_("Collective contract coverage"),
        url_name="contracts:coverage",
        icon="pie-chart",
        permission="contracts.view_contract",
        order=320,
        section=_("Rights protection"),
        active_for=("contracts:coverage_enterprises",),
    ),
    MenuItem(
        label=_("Contract register import"),
        url_name="contracts:import_upload",
        icon="file-earmark-arrow-up",
        permission="contracts.add_contract",  # the import views' permission
        order=330,
        section=_("Rights protection"),
        active_for=("contracts:import_detail", "contracts:import_progress", "contracts:import_report"),
    ),
]


def register() -> None:
    register_menu(*MENU)
