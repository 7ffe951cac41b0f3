"""Reads of the home page: the pre-computed figures of the user's unit and of the units below it."""

from django.db.models import Q
from django.utils import timezone

from apps.branches.choices import GRASSROOTS_KINDS
from apps.branches.selectors import orgunit_list, user_scope_path

from .models import UnitSummary


def home_summaries(*, user) -> dict:
    """The user's own summary and those one level down (townships for county staff), one query.

    A superuser sees the top-level units as "one level down" and the sum of them as their own.
    """
    prefix = user_scope_path(user)
    if prefix is None:
        return {"own": None, "children": [], "counted": False}
    if user.org_unit is not None and user.org_unit.kind in GRASSROOTS_KINDS:
        return {"own": None, "children": [], "counted": False}  # a union's page shows its own numbers
    visible = orgunit_list(user=user).exclude(kind__in=GRASSROOTS_KINDS).filter(archived_at__isnull=True)
    if prefix == "":
        children_units = visible.filter(depth=1)
    else:
        unit = user.org_unit
        children_units = visible.filter(path__startswith=unit.path, depth=unit.depth + 1)
    if prefix == "":
        children = list(
            UnitSummary.objects.filter(unit__in=children_units).select_related("unit").order_by("unit__path")
        )
        return {"own": _sum(children), "children": children, "counted": True}
    # The user's own row and those one level down in one query.
    rows = list(
        UnitSummary.objects.filter(Q(unit__in=children_units) | Q(unit_id=user.org_unit_id))
        .select_related("unit")
        .order_by("unit__path")
    )
    own = next((row for row in rows if row.unit_id == user.org_unit_id), None)
    children = [row for row in rows if row.unit_id != user.org_unit_id]
    return {"own": own, "children": children, "counted": True}


def _sum(summaries):
    if not summaries:
        return None
    from .services import COUNTERS

    total = UnitSummary(refreshed_at=min(s.refreshed_at for s in summaries))
    for name in COUNTERS:
        setattr(total, name, sum(getattr(s, name) for s in summaries))
    return total


def summary_list(*, user):
    """The summaries of the units in the user's area (what the home page's 刷新 recounts)."""
    prefix = user_scope_path(user)
    if prefix is None:
        return UnitSummary.objects.none()
    return UnitSummary.objects.filter(unit__path__startswith=prefix)


def summary_age(summary, *, now) -> dict | None:
    """When the figures were counted, for "数据更新于 HH:MM（N 分钟前）"."""
    if summary is None:
        return None
    minutes = max(0, int((now - summary.refreshed_at).total_seconds() // 60))
    return {
        "at": summary.refreshed_at,
        "minutes": minutes,
        "today": timezone.localdate(summary.refreshed_at) == timezone.localdate(now),
    }
