"""The training app's panels on other apps' pages (registered in TrainingConfig.ready()):

- the union page (slot "orgunit_detail"): the training record of the union's officers and
  members (newest programme first); on a township's or the county's page, links to the area's
  untrained cadres and its training per township;
- the member page (slot "member_detail"): the member's training record;
- an enterprise's page (slot "enterprise_detail"): the training record of its union's officers
  and members, as on the union's page (nothing for an enterprise without a union).

Only for users with training.view_programme, scoped by the training selectors, a constant
number of queries whatever the number of trainees.
"""

from django.db.models import Q
from django.template.loader import render_to_string

from apps.branches.choices import OrgUnitKind
from apps.core.panels import register_panel

from .selectors import nomination_record_list, person_training_record

PANEL_ROWS = 20
PERMISSION = "training.view_programme"


def orgunit_panel(request, unit):
    user = request.user
    if not user.has_perm(PERMISSION):
        return None
    if unit.kind in (OrgUnitKind.TOWNSHIP, OrgUnitKind.COUNTY):
        # A township's or the county's page links to its reports and counts nothing here: the
        # page is already at its 12 queries (tests/branches/test_views.py), and the reports count
        # the area's cadres once, with the list behind each number.
        context = {"unit": unit, "area": True, "township": unit if unit.kind == OrgUnitKind.TOWNSHIP else None}
        return render_to_string("training/_panel_union.html", context, request=request)
    nominations = list(
        nomination_record_list(user=user)
        .filter(Q(officer__union=unit) | Q(member__union=unit))
        .order_by("-programme__starts_on", "trainee_name", "pk")[: PANEL_ROWS + 1]
    )
    context = {
        "unit": unit,
        "nominations": nominations[:PANEL_ROWS],
        "more": len(nominations) > PANEL_ROWS,
    }
    return render_to_string("training/_panel_union.html", context, request=request)


def member_panel(request, member):
    user = request.user
    if not user.has_perm(PERMISSION):
        return None
    nominations = list(person_training_record(user=user, member=member)[:PANEL_ROWS])
    context = {"nominations": nominations, "person": member.real_name}
    return render_to_string("training/_panel_person.html", context, request=request)


def enterprise_panel(request, enterprise):
    union = enterprise.union
    if union is None or union.kind in (OrgUnitKind.TOWNSHIP, OrgUnitKind.COUNTY):
        return None
    return orgunit_panel(request, union)


def register() -> None:
    register_panel("enterprise_detail", enterprise_panel)
    register_panel("orgunit_detail", orgunit_panel)
    register_panel("member_detail", member_panel)
