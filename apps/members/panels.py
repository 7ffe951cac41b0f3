from django.template.loader import render_to_string

from apps.branches.choices import GRASSROOTS_KINDS, OrgUnitKind

from .selectors import enrolment_rate


def enrolment_panel(request, unit):
    """职工入会率 on a township's (or a union's) page."""
    if not request.user.has_perm("members.view_member"):
        return None
    if unit.kind not in {OrgUnitKind.TOWNSHIP, OrgUnitKind.COUNTY, *GRASSROOTS_KINDS}:
        return None
    data = enrolment_rate(user=request.user, unit=unit)
    return render_to_string("members/enrolment_panel.html", {"unit": unit, **data}, request=request)


def roster_panel(request, unit):
    """A grassroots union's page: its member list and its printable roster (花名册)."""
    if unit.kind not in GRASSROOTS_KINDS or not request.user.has_perm("members.view_member"):
        return None
    return render_to_string("members/roster_panel.html", {"unit": unit}, request=request)
