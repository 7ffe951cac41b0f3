"""The county assessment's pages on the view-check base (tests/viewchecks.py): anonymous → login,
a role without the permission → 403 (the grassroots officer and a user with no role have none; a
county's staff member enters no self-assessment, a chair gives no final score), the other
township's page → 404 (a chair of A opening B's), the right role → 200 and a POST that does what
it says."""

from decimal import Decimal

import pytest
from django.utils import timezone

from apps.overview import assessment as services
from apps.overview.models import (
    AssessmentRefresh,
    AssessmentYear,
    Deduction,
    IndicatorSnapshot,
    SchemeItem,
    ScoreBand,
    TownshipDeduction,
    TownshipScore,
    TownshipVeto,
    VetoItem,
)
from tests.viewchecks import CHAIR, COUNTY_ONLY, STAFF, ViewChecks, button, form, page
from tests.viewchecks import Route as R

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("default_scheme")]
YEAR = 2026
Q = f"?year={YEAR}"
COVERAGE = "contracts.coverage"


def _open(world):
    if not AssessmentYear.objects.filter(year=YEAR).exists():
        services.year_open(user=world.users["county"], year=YEAR)


def _township(world, where, user=None):
    _open(world)
    township = world.tree[where]
    IndicatorSnapshot.objects.get_or_create(
        year=YEAR,
        township=township,
        indicator_key=COVERAGE,
        defaults={"numerator": 4, "denominator": 5, "counted_at": timezone.now()},
    )
    return township


def _veto():
    return VetoItem.objects.get(scheme__year=YEAR, label="发生重大群体性事件")


def _vetoed(world, where, user=None):
    township = _township(world, where)
    services.veto_record(user=world.users["county"], year=YEAR, township=township, veto=_veto())
    return township


def _wage():
    return Deduction.objects.get(item__scheme__year=YEAR, label="缺少工资专项集体合同")


def _score(township):
    return TownshipScore.objects.get(year=YEAR, township=township, indicator_key=COVERAGE)


def _points(world, obj):
    return {"year": YEAR, "indicator_key": COVERAGE, "points": "2.5", "note": "说明"}


def _self_done(township):
    assert _score(township).self_points == Decimal("2.5")


def _final_done(township):
    assert _score(township).final_points == Decimal("2.5")


def _veto_done(township):
    assert TownshipVeto.objects.filter(year=YEAR, township=township).exists()


def _veto_removed(township):
    assert not TownshipVeto.objects.filter(year=YEAR, township=township).exists()


def _deduction_done(township):
    assert TownshipDeduction.objects.get(year=YEAR, township=township, deduction=_wage()).count == 2


def _item():
    return SchemeItem.objects.get(scheme__year=YEAR, indicator_key=COVERAGE)


class TestAssessmentTownshipViews(ViewChecks):
    def make(self, world, where, user):
        return _township(world, where)

    routes = (
        page("overview:assessment", "list", STAFF, query=Q, shows=lambda township: township.name),
        page("overview:assessment_export", "export", STAFF, query=Q),
        page("overview:assessment_print", "list", STAFF, query=Q, shows=lambda township: township.name),
        R("overview:assessment_township", "detail", STAFF, query=Q),
        button("overview:assessment_self", frozenset({CHAIR}), data=_points, done=_self_done),
        button("overview:assessment_final", COUNTY_ONLY, data=_points, done=_final_done),
        button(
            "overview:assessment_veto",
            COUNTY_ONLY,
            data=lambda world, obj: {"year": YEAR, "veto": _veto().pk, "note": "群体讨薪"},
            done=_veto_done,
        ),
        button(
            "overview:assessment_veto_remove",
            COUNTY_ONLY,
            obj=_vetoed,
            data=lambda world, obj: {
                "year": YEAR,
                "veto_row": TownshipVeto.objects.get(year=YEAR, township=obj).pk,
            },
            done=_veto_removed,
        ),
        button(
            "overview:assessment_deduction",
            COUNTY_ONLY,
            data=lambda world, obj: {"year": YEAR, "deduction": _wage().pk, "count": 2},
            done=_deduction_done,
        ),
    )


def _refresh(world, where, user=None):
    _open(world)
    return AssessmentRefresh.objects.create(year=YEAR, requested_by=world.users["county"], total=2)


class TestAssessmentAdministrationViews(ViewChecks):
    def make(self, world, where, user):
        return _township(world, where)

    routes = (
        page("overview:assessment_manage", "list", COUNTY_ONLY, query=Q),
        button(
            "overview:assessment_open",
            COUNTY_ONLY,
            data=lambda world, obj: {"year": 2027},
            url_kwargs=None,
            other_township=False,
            done=lambda obj: AssessmentYear.objects.get(year=2027),
        ),
        button(
            "overview:assessment_item_add",
            COUNTY_ONLY,
            data=lambda world, obj: {"year": YEAR, "indicator_key": COVERAGE, "max_points": "6", "order": "5"},
            url_kwargs=None,
            other_township=False,
            done=lambda obj: _check(_item().max_points == 6),
        ),
        button(
            "overview:assessment_band_add",
            COUNTY_ONLY,
            data=lambda world, obj: {"year": YEAR, "item": _item().pk, "threshold": "60", "points": "0.5"},
            url_kwargs=None,
            other_township=False,
            done=lambda obj: ScoreBand.objects.get(item=_item(), threshold=60),
        ),
        button(
            "overview:assessment_deduction_add",
            COUNTY_ONLY,
            data=lambda world, obj: {
                "year": YEAR,
                "item": _item().pk,
                "label": "未建女职委",
                "points_each": "1",
                "indicator_key": "",
            },
            url_kwargs=None,
            other_township=False,
            done=lambda obj: Deduction.objects.get(item=_item(), label="未建女职委"),
        ),
        button(
            "overview:assessment_veto_add",
            COUNTY_ONLY,
            data=lambda world, obj: {"year": YEAR, "label": "发生重大安全事故（测试）", "description": ""},
            url_kwargs=None,
            other_township=False,
            done=lambda obj: VetoItem.objects.get(scheme__year=YEAR, label="发生重大安全事故（测试）"),
        ),
        button(
            "overview:assessment_row_delete",
            COUNTY_ONLY,
            data=lambda world, obj: {
                "year": YEAR,
                "kind": "band",
                "row": ScoreBand.objects.get(item=_item(), threshold=65).pk,
            },
            url_kwargs=None,
            other_township=False,
            done=lambda obj: _check(not ScoreBand.objects.filter(item=_item(), threshold=65).exists()),
        ),
        button(
            "overview:assessment_refresh_start",
            COUNTY_ONLY,
            data=lambda world, obj: {"year": YEAR},
            url_kwargs=None,
            other_township=False,
            done=lambda obj: AssessmentRefresh.objects.get(year=YEAR),
        ),
        R("overview:assessment_refresh", "detail", COUNTY_ONLY, obj=_refresh, other_township=False),
        form(
            "overview:assessment_lock",
            "action",
            COUNTY_ONLY,
            data=lambda world, obj: {"year": YEAR},
            url_kwargs=None,
            other_township=False,
            query=Q,
            done=lambda obj: _check(AssessmentYear.objects.get(year=YEAR).locked),
        ),
    )


def _check(condition):
    assert condition
