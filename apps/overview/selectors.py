"""Reads of the home page: the pre-computed figures of the user's unit and of the units below it."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from apps.branches.choices import GRASSROOTS_KINDS, OrgUnitKind
from apps.branches.models import OrgUnit
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


# --- the county assessment (年终考核) ---------------------------------------------------------


def _effective(score) -> Decimal:
    """A score's points in the table: the county's final score where given, else the computed one."""
    if score is None:
        return Decimal(0)
    return score.final_points if score.final_points is not None else score.computed_points


def assessment_area(user) -> tuple[str | None, bool]:
    """The path prefix of the townships the user's assessment table counts, and whether the user
    sees every row (`overview.view_county_assessment`); a chair's table counts their county (for
    its average) and shows their own row only."""
    prefix = user_scope_path(user)
    if prefix is None or not user.has_perm("overview.view_assessmentyear"):
        return None, False
    if user.has_perm("overview.view_county_assessment"):
        return prefix, True
    unit = user.org_unit
    if unit is None or unit.kind != OrgUnitKind.TOWNSHIP:
        return None, False
    return unit.path[: -OrgUnit.steplen], False


def assessment_townships(*, user):
    """The townships whose page the user may open: county staff their area, a chair their own."""
    prefix, every = assessment_area(user)
    if prefix is None:
        return OrgUnit.objects.none()
    queryset = OrgUnit.objects.filter(kind=OrgUnitKind.TOWNSHIP, archived_at__isnull=True, path__startswith=prefix)
    return queryset if every else queryset.filter(pk=user.org_unit_id)


def cell_value(snapshot, registered: bool) -> dict:
    """What a cell shows for a rate: its percent, "—" (nothing to count), 数据待核实, 指标未启用."""
    if not registered:
        return {"state": "disabled", "percent": None}
    if snapshot is None or not snapshot.denominator:
        return {"state": "empty", "percent": None}
    if snapshot.numerator > snapshot.denominator:
        return {"state": "implausible", "percent": None}
    return {"state": "ok", "percent": Decimal(snapshot.numerator) * 100 / Decimal(snapshot.denominator)}


def scheme_items(year: int) -> tuple:
    """The year's scheme, its AssessmentYear (or None) and its items with their bands and
    deductions, in one query: (scheme, assessment, items). Each item carries `band_list`
    [{threshold, points}] and `deduction_list` [{id, label, points_each, indicator_key}]; the
    assessment is built from the annotations (status, locked_at), not read again."""
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import JSONObject

    from .models import AssessmentYear, Deduction, SchemeItem, ScoreBand, ScoringScheme

    year_row = AssessmentYear.objects.filter(year=OuterRef("scheme__year"))
    items = list(
        SchemeItem.objects.filter(scheme__year=year)
        .select_related("scheme")
        .annotate(
            year_pk=Subquery(year_row.values("pk")[:1]),
            year_status=Subquery(year_row.values("status")[:1]),
            year_locked_at=Subquery(year_row.values("locked_at")[:1]),
            band_list=ArraySubquery(
                ScoreBand.objects.filter(item=OuterRef("pk"))
                .order_by("-threshold")
                .values(json=JSONObject(threshold="threshold", points="points"))
            ),
            deduction_list=ArraySubquery(
                Deduction.objects.filter(item=OuterRef("pk"))
                .order_by("pk")
                .values(
                    json=JSONObject(id="pk", label="label", points_each="points_each", indicator_key="indicator_key")
                )
            ),
        )
        .order_by("order", "id")
    )
    if not items:
        return ScoringScheme.objects.filter(year=year).first(), AssessmentYear.objects.filter(year=year).first(), []
    first = items[0]
    assessment = None
    if first.year_pk:
        assessment = AssessmentYear(
            pk=first.year_pk, year=year, status=first.year_status, locked_at=first.year_locked_at
        )
    return first.scheme, assessment, items


def _labels(items, registered) -> list:
    return [
        {
            "item": item,
            "registered": item.indicator_key in registered,
            "label": registered[item.indicator_key].label if item.indicator_key in registered else item.indicator_key,
        }
        for item in items
    ]


def year_table(*, user, year: int, indicator_key: str = "") -> dict:
    """The year's table: townships × scheme items with value, points, total, rank and the previous
    year's total; the county's average. Reads the scheme, townships, snapshots, scores (this year
    and last) and vetoes once each: the same few queries whatever the number of townships."""
    from apps.core.indicators import registered_indicators

    from .models import IndicatorSnapshot, TownshipScore, TownshipVeto

    prefix, every = assessment_area(user)
    scheme, assessment, all_items = scheme_items(year)
    result = {
        "year": year,
        "assessment": assessment,
        "scheme": scheme,
        "items": [],
        "options": [],
        "rows": [],
        "average": None,
        "counted_at": None,
        "every": every,
    }
    if prefix is None or scheme is None:
        return result
    registered = {item.key: item for item in registered_indicators()}
    result["options"] = [(entry["item"].indicator_key, entry["label"]) for entry in _labels(all_items, registered)]
    result["items"] = _labels(
        [item for item in all_items if not indicator_key or item.indicator_key == indicator_key], registered
    )
    units = list(
        OrgUnit.objects.filter(kind=OrgUnitKind.TOWNSHIP, archived_at__isnull=True, path__startswith=prefix).order_by(
            "path"
        )
    )
    ids = [unit.pk for unit in units]
    keys = [item.indicator_key for item in all_items]
    snapshots = {
        (s.township_id, s.indicator_key): s
        for s in IndicatorSnapshot.objects.filter(year=year, township_id__in=ids, indicator_key__in=keys)
    }
    scores = {}
    previous = defaultdict(Decimal)
    previous_seen = set()
    # This year's scores and last year's in one read; last year's only for its totals.
    for score in TownshipScore.objects.filter(year__in=[year, year - 1], township_id__in=ids):
        if score.year == year:
            scores[(score.township_id, score.indicator_key)] = score
        else:
            previous[score.township_id] += _effective(score)
            previous_seen.add(score.township_id)
    vetoes = defaultdict(list)
    for veto in TownshipVeto.objects.filter(year__in=[year, year - 1], township_id__in=ids).select_related("veto"):
        vetoes[(veto.township_id, veto.year)].append(veto)
    rows = []
    for unit in units:
        vetoed = vetoes.get((unit.pk, year), [])
        cells = []
        for entry in result["items"]:
            item = entry["item"]
            snapshot = snapshots.get((unit.pk, item.indicator_key))
            points = _effective(scores.get((unit.pk, item.indicator_key)))
            cells.append(
                {"item": item, "snapshot": snapshot, "points": points, **cell_value(snapshot, entry["registered"])}
            )
            if snapshot is not None and (result["counted_at"] is None or snapshot.counted_at > result["counted_at"]):
                result["counted_at"] = snapshot.counted_at
        # The total counts every item, whichever columns the filter shows; a veto makes it 0.
        total = sum((_effective(scores.get((unit.pk, key))) for key in keys), Decimal(0))
        if vetoed:
            total = Decimal(0)
        previous_total = None
        if unit.pk in previous_seen:
            previous_total = Decimal(0) if vetoes.get((unit.pk, year - 1)) else previous[unit.pk]
        rows.append(
            {"township": unit, "cells": cells, "total": total, "vetoes": vetoed, "previous_total": previous_total}
        )
    ranked = sorted({row["total"] for row in rows}, reverse=True)
    for row in rows:
        row["rank"] = ranked.index(row["total"]) + 1
    rows.sort(key=lambda row: (row["rank"], row["township"].path))
    if rows:
        n = len(rows)
        average_cells = []
        for index, entry in enumerate(result["items"]):
            counted = [row["cells"][index]["snapshot"] for row in rows if row["cells"][index]["snapshot"]]
            pooled = IndicatorSnapshot(
                numerator=sum(s.numerator for s in counted), denominator=sum(s.denominator for s in counted)
            )
            average_cells.append(
                {
                    "points": sum(row["cells"][index]["points"] for row in rows) / n,
                    **cell_value(pooled, entry["registered"]),
                }
            )
        result["average"] = {"cells": average_cells, "total": sum(row["total"] for row in rows) / n}
    if not every:
        rows = [row for row in rows if row["township"].pk == user.org_unit_id]
    result["rows"] = rows
    return result


def township_assessment(*, user, township, year: int) -> dict:
    """A township's page: each item's numerator, denominator and rate with the lists behind them,
    its bands and deductions, the three scores with their notes, the vetoes, and `history`: the
    township's snapshots of every year, oldest first."""
    from apps.core.indicators import registered_indicators

    from .models import IndicatorSnapshot, TownshipDeduction, TownshipScore, TownshipVeto

    scheme, assessment, scheme_rows = scheme_items(year)
    registered = {item.key: item for item in registered_indicators()}
    # The township's snapshots of every year in one read: this year's for the page, all of them
    # for its "over the years" chart and table (apps.overview.report.township_years).
    history = list(IndicatorSnapshot.objects.filter(township=township).order_by("year", "indicator_key"))
    snapshots = {s.indicator_key: s for s in history if s.year == year}
    scores = {s.indicator_key: s for s in TownshipScore.objects.filter(year=year, township=township)}
    entered = {row.deduction_id: row.count for row in TownshipDeduction.objects.filter(year=year, township=township)}
    vetoes = list(TownshipVeto.objects.filter(year=year, township=township).select_related("veto"))
    items = []
    totals = {"self": Decimal(0), "computed": Decimal(0), "final": Decimal(0)}
    for entry in _labels(scheme_rows, registered):
        item = entry["item"]
        snapshot = snapshots.get(item.indicator_key)
        score = scores.get(item.indicator_key)
        deductions = []
        for deduction in item.deduction_list:
            if deduction["indicator_key"]:
                source = snapshots.get(deduction["indicator_key"])
                count = max(0, source.denominator - source.numerator) if source else 0
            else:
                count = entered.get(deduction["id"], 0)
            deductions.append({"deduction": deduction, "count": count})
        items.append(
            {
                **entry,
                "snapshot": snapshot,
                "score": score,
                "deductions": deductions,
                "bands": item.band_list,
                **cell_value(snapshot, entry["registered"]),
            }
        )
        if score is not None:
            totals["self"] += score.self_points or 0
            totals["computed"] += score.computed_points
            totals["final"] += _effective(score)
    if vetoes:
        totals = dict.fromkeys(totals, Decimal(0))
    counted = [s.counted_at for s in snapshots.values()]
    return {
        "year": year,
        "assessment": assessment,
        "scheme": scheme,
        "items": items,
        "vetoes": vetoes,
        "totals": totals,
        "counted_at": max(counted) if counted else None,
        "history": history,
    }


def assessment_years(*, user):
    """The assessment years county staff administer (all of them: the years are the county's)."""
    from .models import AssessmentYear

    if user_scope_path(user) is None or not user.has_perm("overview.manage_assessment"):
        return AssessmentYear.objects.none()
    return AssessmentYear.objects.all()


def assessment_refresh_list(*, user):
    """The refresh jobs the user asked for (a job's page is its requester's)."""
    from .models import AssessmentRefresh

    if not user.is_authenticated:
        return AssessmentRefresh.objects.none()
    return AssessmentRefresh.objects.filter(requested_by=user)
