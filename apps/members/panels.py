from django.template.loader import render_to_string

from apps.branches.choices import GRASSROOTS_KINDS, OrgUnitKind

from .indicators import enrolment_problems_url, member_list_url
from .selectors import enrolment_enterprises, enrolment_rate, member_list, members_counted


def enrolment_panel(request, unit):
    """职工入会率 on a township's (or a union's) page.

    A union with more members than its covered enterprises' employees shows which figures
    disagree and where to correct them, never a rate above 100 %; over several unions the rate
    is the plausible unions' and the others are counted and linked (selectors.enrolment_aggregate).
    """
    if not request.user.has_perm("members.view_member"):
        return None
    if unit.kind not in {OrgUnitKind.TOWNSHIP, OrgUnitKind.COUNTY, *GRASSROOTS_KINDS}:
        return None
    data = enrolment_rate(user=request.user, unit=unit)
    context = {
        "unit": unit,
        **data,
        "is_union": unit.kind in GRASSROOTS_KINDS,
        "members_url": member_list_url(unit),
        "problems_url": enrolment_problems_url(unit) if data["problems"] else None,
        "can_edit_enterprises": request.user.has_perm("branches.change_enterprise"),
    }
    if context["is_union"] and data["problems"]:
        context["own"] = data["rows"][0]
        context["enterprises"] = list(
            enrolment_enterprises()
            .filter(union=unit)
            .order_by("-employee_count", "name")
            .only("pk", "name", "employee_count")
        )
    return render_to_string("members/enrolment_panel.html", context, request=request)


def roster_panel(request, unit):
    """A grassroots union's page: its member list and its printable roster (花名册)."""
    if unit.kind not in GRASSROOTS_KINDS or not request.user.has_perm("members.view_member"):
        return None
    return render_to_string("members/roster_panel.html", {"unit": unit}, request=request)


def enterprise_members_panel(request, enterprise):
    """An enterprise's page: its members (those whose 工作单位 it is, counted as every figure counts)
    against its employees, one query. More members than employees is a data problem to check,
    never a rate above 100 % (apps.core.indicators.Rate)."""
    from django.urls import reverse

    from apps.core.indicators import Rate

    user = request.user
    if not user.has_perm("members.view_member"):
        return None
    counted = members_counted(member_list(user=user)).filter(workplace=enterprise).count()
    rate = Rate(numerator=counted, denominator=enterprise.employee_count)
    context = {
        "enterprise": enterprise,
        "rate": rate,
        "members_url": f"{reverse('members:member_list')}?workplace={enterprise.pk}&status=current",
    }
    return render_to_string("members/_panel_enterprise.html", context, request=request)
