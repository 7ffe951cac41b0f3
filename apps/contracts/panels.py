"""The contracts app's panels on other apps' pages (registered in ContractsConfig.ready()).

- the union page (slot "orgunit_detail"): a grassroots union's contracts and 记录协商要约; a
  township's (or the county's) 签订率 with the lists behind its numbers;
- the enterprise page (slot "enterprise_detail"): the contracts covering it, and 尚未签订集体合同
  with the button when it has an approved union and no contract in force covers it.

Only for users with contracts.view_contract, scoped by the contract selectors, a constant
number of queries (one or two) whatever the number of contracts.
"""

from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apps.branches.choices import GRASSROOTS_KINDS, OrgUnitKind, UnionStatus
from apps.core.panels import register_panel

from .selectors.coverage import coverage_counts, enterprise_contracts
from .selectors.scoping import contract_list

PANEL_ROWS = 20


def _create_url(**query) -> str | None:
    """记录协商要约 (contracts:contract_create), preset with the union or the enterprise."""
    try:
        return f"{reverse('contracts:contract_create')}?{urlencode(query)}"
    except NoReverseMatch:  # the contract form (apps.contracts.views.contracts) is not installed
        return None


def orgunit_panel(request, unit):
    user = request.user
    if not user.has_perm("contracts.view_contract"):
        return None
    if unit.kind in GRASSROOTS_KINDS:
        contracts = list(contract_list(user=user).filter(union=unit)[: PANEL_ROWS + 1])
        can_add = user.has_perm("contracts.add_contract") and unit.is_active and unit.archived_at is None
        context = {
            "unit": unit,
            "contracts": contracts[:PANEL_ROWS],
            "more": len(contracts) > PANEL_ROWS,
            "create_url": _create_url(union=unit.pk) if can_add else None,
        }
        return render_to_string("contracts/_panel_union.html", context, request=request)
    if unit.kind in (OrgUnitKind.TOWNSHIP, OrgUnitKind.COUNTY):
        from .views.coverage import coverage_links

        counts = coverage_counts(user=user, unit=unit)
        township = unit if unit.kind == OrgUnitKind.TOWNSHIP else None
        context = {"unit": unit, "row": {**counts, "links": coverage_links(township)}}
        return render_to_string("contracts/_panel_coverage.html", context, request=request)
    return None


def enterprise_panel(request, enterprise):
    user = request.user
    if not user.has_perm("contracts.view_contract"):
        return None
    today = timezone.localdate()
    found = enterprise_contracts(user=user, enterprise=enterprise, day=today, rows=PANEL_ROWS)
    contracts, covered = found["contracts"], found["covered"]
    unionised = enterprise.union_id is not None and enterprise.union.status == UnionStatus.APPROVED
    can_add = user.has_perm("contracts.add_contract") and enterprise.archived_at is None
    context = {
        "enterprise": enterprise,
        "contracts": contracts,
        "more": found["more"],
        "covered": covered,
        "covered_elsewhere": covered and not any(contract.in_force for contract in contracts),
        "unionised": unionised,
        "create_url": _create_url(enterprise=enterprise.pk) if unionised and not covered and can_add else None,
    }
    return render_to_string("contracts/_panel_enterprise.html", context, request=request)


def register() -> None:
    register_panel("orgunit_detail", orgunit_panel)
    register_panel("enterprise_detail", enterprise_panel)
