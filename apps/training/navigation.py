"""The training app's menu entries (registered in TrainingConfig.ready()), in the 600 band under
their own section: the programmes, the figures per township and who has not been trained."""

from django.utils.translation import gettext_lazy as _

from apps.core.navigation import MenuItem, register_menu

SECTION = _("Education and training")

MENU = [
    MenuItem(
        label=_("Training programmes"),
        url_name="training:programme_list",
        icon="mortarboard",
        permission="training.view_programme",
        order=610,
        section=SECTION,
        active_for=("training:",),
    ),
    MenuItem(
        label=_("Training by township"),
        url_name="training:target_report",
        icon="bar-chart",
        permission="training.view_programme",
        order=620,
        section=SECTION,
    ),
    MenuItem(
        label=_("Cadres not yet trained"),
        url_name="training:untrained_list",
        icon="person-exclamation",
        permission="training.view_programme",
        order=630,
        section=SECTION,
        active_for=("training:untrained_export",),
    ),
]


def register() -> None:
    register_menu(*MENU)
