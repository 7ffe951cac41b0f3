"""The members app's menu entries (registered in MembersConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from apps.core.navigation import MenuItem

SECTION = _("Membership")

MENU = [
    MenuItem(
        label=_("Members"),
        url_name="members:member_list",
        icon="person-vcard",
        permission="members.view_member",
        order=200,
        section=SECTION,
        active_for=("members:",),  # every members page the entries below do not claim
    ),
    MenuItem(
        label=_("Membership transfers"),
        url_name="members:transfer_list",
        icon="arrow-left-right",
        permission="members.view_membershiptransfer",
        order=210,
        section=SECTION,
        active_for=("members:transfer_in",),
    ),
    MenuItem(
        label=_("Import a roster"),
        url_name="members:import_upload",
        icon="file-earmark-arrow-up",
        permission="members.add_member",
        order=220,
        section=SECTION,
        active_for=("members:import_detail", "members:import_progress", "members:import_report"),
    ),
]
