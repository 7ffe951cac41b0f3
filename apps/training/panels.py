"""The training app's panels on other apps' pages (registered in TrainingConfig.ready()):

- the union page (slot "orgunit_detail"): the training record of the union's officers and
  members (newest programme first), and for a township its untrained cadres and its classes;
- the member page (slot "member_detail"): the member's training record.

Only for users with training.view_programme, scoped by the training selectors, a constant
number of queries whatever the number of trainees.
"""

from django.db.models import Q
from django.template.loader import render_to_string

from apps.branches.choices import OrgUnitKind
from apps.core.panels import register_panel

from .selectors import nomination_list, person_training_record, untrained_cadres_by_township

PANEL_ROWS = 20
PERMISSION = "training.view_programme"


def orgunit_panel(request, unit):
    user = request.user
    if not user.has_perm(PERMISSION):
        return None
    nominations = list(
        nomination_list(user=user)
        .filter(Q(officer__union=unit) | Q(member__union=unit))
        .order_by("-programme__starts_on", "trainee_name", "pk")[: PANEL_ROWS + 1]
    )
    untrained = None
    if unit.kind in (OrgUnitKind.TOWNSHIP, OrgUnitKind.COUNTY):
        untrained = untrained_cadres_by_township(user=user, unit=unit)["total"]
    context = {
        "unit": unit,
        "nominations": nominations[:PANEL_ROWS],
        "more": len(nominations) > PANEL_ROWS,
        "untrained": untrained,
        "township": unit if unit.kind == OrgUnitKind.TOWNSHIP else None,
    }
    return render_to_string("training/_panel_union.html", context, request=request)


def member_panel(request, member):
    user = request.user
    if not user.has_perm(PERMISSION):
        return None
    nominations = list(person_training_record(user=user, member=member)[:PANEL_ROWS])
    context = {"nominations": nominations, "person": member.real_name}
    return render_to_string("training/_panel_person.html", context, request=request)


def register() -> None:
    register_panel("orgunit_detail", orgunit_panel)
    register_panel("member_detail", member_panel)
