"""The re-employment app's panels on other apps' pages (registered in ReemploymentConfig.ready()):

- the member page (slot "member_detail"): the member's cases, and 登记再就业 for those who may;
- a township's or the county's page (slot "orgunit_detail"): links only, no query (the page is
  held at its 12 queries, tests/branches/test_views.py).
"""

from django.template.loader import render_to_string

from apps.branches.choices import OrgUnitKind
from apps.core.panels import register_panel

from .selectors import member_cases

PANEL_ROWS = 10
PERMISSION = "reemployment.view_reemploymentcase"


def member_panel(request, member):
    user = request.user
    if not user.has_perm(PERMISSION):
        return None
    cases = list(member_cases(user=user, member=member)[:PANEL_ROWS])
    context = {
        "member": member,
        "cases": cases,
        "may_register": user.has_perm("reemployment.add_reemploymentcase") and not any(c.is_open for c in cases),
    }
    return render_to_string("reemployment/_panel_member.html", context, request=request)


def orgunit_panel(request, unit):
    if unit.kind not in (OrgUnitKind.TOWNSHIP, OrgUnitKind.COUNTY) or not request.user.has_perm(PERMISSION):
        return None
    context = {"unit": unit, "township": unit if unit.kind == OrgUnitKind.TOWNSHIP else None}
    return render_to_string("reemployment/_panel_union.html", context, request=request)


def register() -> None:
    register_panel("member_detail", member_panel)
    register_panel("orgunit_detail", orgunit_panel)
