"""What the ledger part adds to the shared rails (menu, search, to-dos, indicators, panels,
milestones, imports): its `register()` is called from DuesConfig.ready().

- the menu: 经费台账 (dues:entry_list) in the union funds section;
- the enterprise page (slot "enterprise_detail"): its fund panel, the latest periods with what
  is owed and the arrears stage, for users who see the ledger; one query whatever its size (the
  channel override comes with the page's enterprise).
"""

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from apps.core.navigation import MenuItem, register_menu
from apps.core.panels import register_panel

MENU = [
    MenuItem(
        label=_("Fund ledger"),
        url_name="dues:entry_list",
        icon="journal-text",
        permission="dues.view_ledgerentry",
        order=410,
        section=_("Union funds"),
        active_for=(
            "dues:entry_detail",
            "dues:entry_create",
            "dues:entry_update",
            "dues:entry_defer",
            "dues:entry_write_off",
            "dues:payment_add",
            "dues:payment_reverse",
        ),
    ),
]


def enterprise_fund_panel(request, enterprise):
    user = request.user
    if not user.has_perm("dues.view_ledgerentry"):
        return None
    from ..channels import channel_of, fund_kind_of
    from ..choices import Channel, FundKind
    from ..selectors.ledger import enterprise_fund_summary

    context = {
        "enterprise": enterprise,
        "channel": Channel(channel_of(enterprise)).label,
        "fund_kind": FundKind(fund_kind_of(enterprise)).label,
        "overridden": getattr(enterprise, "fund_channel", None) is not None,
        "may_add": user.has_perm("dues.add_ledgerentry") and enterprise.archived_at is None,
        "may_set_channel": user.has_perm("dues.change_channeloverride"),
        **enterprise_fund_summary(user=user, enterprise=enterprise),
    }
    return render_to_string("dues/ledger/_panel_enterprise.html", context, request=request)


def register() -> None:
    register_menu(*MENU)
    # channel_of reads the enterprise's override: the page selects it with the enterprise.
    register_panel("enterprise_detail", enterprise_fund_panel, select_related=("fund_channel",))
