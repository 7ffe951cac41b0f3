"""The members app's rates (registered in MembersConfig.ready())."""

from urllib.parse import urlencode

from django.urls import reverse

from apps.branches.choices import GRASSROOTS_KINDS, OrgUnitKind
from apps.core.indicators import Rate

from .selectors import enrolment_by_union, enrolment_totals, enrolment_unions


def enrolment_problems_url(unit=None) -> str:
    """The 入会率数据待核实 list, for a township's unions when `unit` is a township."""
    url = reverse("members:enrolment_problems")
    if unit is not None and unit.kind == OrgUnitKind.TOWNSHIP:
        return f"{url}?{urlencode({'township': unit.pk})}"
    return url


def member_list_url(unit=None) -> str:
    """The member list showing exactly the members counted (`members_counted`) under `unit`."""
    query = {"status": "current"}
    if unit is not None and unit.kind == OrgUnitKind.TOWNSHIP:
        query["township"] = unit.pk
    elif unit is not None and unit.kind in GRASSROOTS_KINDS:
        query["union"] = unit.pk
    return f"{reverse('members:member_list')}?{urlencode(query)}"


def enrolment(*, user, unit=None, counts: dict | None = None) -> Rate | None:
    """职工入会率: members counted ÷ employees of the enterprises their unions cover.

    Over several unions (a township, the county) it is the rate of the unions whose figures are
    plausible, with the others (more members than employees) counted in `problems` and listed on
    the 入会率数据待核实 page (`selectors.enrolment_aggregate`). For one union whose figures are
    implausible the Rate carries them as they are, so it is flagged (Rate.implausible).
    `counts`: the same totals, pre-computed for the home page (apps.overview).
    """
    unit = unit if unit is not None else user.org_unit
    one_union = unit is not None and unit.kind in GRASSROOTS_KINDS
    if one_union:
        data = _one_union(user, unit)
    else:
        data = counts if counts is not None else enrolment_totals(user=user, unit=unit)
    return Rate(
        numerator=data["members"],
        denominator=data["employees"],
        numerator_label="在册会员",
        denominator_label="已建会企业职工" if one_union or not data["problems"] else "已建会企业职工（不含待核实工会）",
        url=unit.get_absolute_url() if unit is not None else None,
        # Over several unions the numerator leaves the problem unions out: no list shows exactly it.
        numerator_url=member_list_url(unit) if one_union or not data["problems"] else None,
        problems=data["problems"],
        problems_label="个工会会员数多于企业职工数",
        problems_url=enrolment_problems_url(unit) if data["problems"] else None,
    )


def _one_union(user, union) -> dict:
    """A union's own figures, plausible or not: its rate is flagged rather than left out."""
    row = enrolment_by_union(enrolment_unions(user=user, unit=union)).filter(pk=union.pk).values(
        "member_count", "employee_count", "enrolment_problem"
    ).first() or {"member_count": 0, "employee_count": 0, "enrolment_problem": False}
    return {
        "members": row["member_count"],
        "employees": row["employee_count"],
        "problems": int(row["enrolment_problem"]),
    }
