"""The hardship-aid app's panels on other apps' pages (registered in AidConfig.ready()):

- the member page (slot "member_detail"): the member's aid records with their file, in ONE query
  (the page is held at 12 queries for county staff, tests/members/test_views.py); whether the
  member has an open file is read from the member's hardship flag, which follows the open file,
  and the file is reached through a link to the file list filtered on the member;
- a township's or the county's page (slot "orgunit_detail"): links only, no query (the page is
  held at its 12 queries, tests/branches/test_views.py).
"""

from django.template.loader import render_to_string

from apps.branches.choices import OrgUnitKind
from apps.core.panels import register_panel

from .selectors import may_see_details, member_records

PANEL_ROWS = 10
PERMISSION = "aid.view_aidrecord"


def member_panel(request, member):
    user = request.user
    if not user.has_perm(PERMISSION):
        return None
    records = list(member_records(user=user, member=member)[:PANEL_ROWS])
    context = {
        "member": member,
        "records": records,
        "details": may_see_details(user),
        "may_files": user.has_perm("aid.view_hardshipfile"),
        "may_open": user.has_perm("aid.add_hardshipfile") and not member.hardship,
        "may_record": user.has_perm("aid.add_aidrecord"),
    }
    return render_to_string("aid/_panel_member.html", context, request=request)


def orgunit_panel(request, unit):
    if unit.kind not in (OrgUnitKind.TOWNSHIP, OrgUnitKind.COUNTY) or not request.user.has_perm(PERMISSION):
        return None
    context = {
        "unit": unit,
        "township": unit if unit.kind == OrgUnitKind.TOWNSHIP else None,
        "may_files": request.user.has_perm("aid.view_hardshipfile"),
    }
    return render_to_string("aid/_panel_union.html", context, request=request)


def register() -> None:
    register_panel("member_detail", member_panel)
    register_panel("orgunit_detail", orgunit_panel)
