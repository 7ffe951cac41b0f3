"""The training reads: scoping, the programme list's counts, and who has (not) been trained,
on a small hand-built county with a known answer."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from apps.branches.choices import OfficerPosition
from apps.branches.models import Officer
from apps.core.indicators import indicator
from apps.training.choices import ProgrammeKind
from apps.training.models import Nomination
from apps.training.selectors import (
    nomination_list,
    programme_list,
    programme_nominations,
    programme_places,
    training_target_by_township,
    untrained_cadres,
    untrained_cadres_by_township,
    window_start,
)
from apps.training.services import (
    nomination_create,
    quota_set,
)

from .conftest import NOW, make_officer, make_programme, train

pytestmark = pytest.mark.django_db


@pytest.fixture
def trained_county(training_world):
    """As of 2026-03-02, two-year window from 2024-03-03:

    township A: chair officer (trained 2025-06), 甲0 (trained 2024-01: too long ago), 甲1 (attended
    nothing in 2025), 甲2 甲3 甲4 (never), a former officer 甲旧 (left office, trained never);
    township B: chair officer (never), 乙0 (trained 2025-10), 乙1 (never).
    In post 7 + 3 = 10; trained A 1, B 1; untrained A 5, B 2.
    """
    w = training_world
    train(w, [w.officers_a[0]], starts=datetime.date(2024, 1, 10))
    train(w, [w.chair_officer_a], starts=datetime.date(2025, 6, 10))
    train(w, [w.officers_a[1]], starts=datetime.date(2025, 7, 10), complete=False)
    train(w, [w.officers_b[0]], starts=datetime.date(2025, 10, 10))
    former = make_officer(w.tree["union_a"], "甲旧")
    Officer.objects.filter(pk=former.pk).update(ended_on=datetime.date(2025, 1, 1))
    return w


@time_machine.travel(NOW, tick=False)
def test_the_untrained_cadre_report_on_a_hand_built_county(trained_county):
    w = trained_county
    report = untrained_cadres_by_township(user=w.county_user)
    assert report["since"] == datetime.date(2024, 3, 3)
    rows = {row["township"].name: (row["in_post"], row["trained"], row["untrained"]) for row in report["rows"]}
    assert rows == {"白塔埠镇总工会": (6, 1, 5), "平明镇总工会": (3, 1, 2)}
    assert report["total"] == {"in_post": 9, "trained": 2, "untrained": 7}
    names = [(o.name, o.township_id, o.last_trained_on) for o in untrained_cadres(user=w.county_user)]
    assert sorted(names) == sorted(
        [
            ("甲0", w.tree["a"].pk, datetime.date(2024, 1, 12)),
            ("甲1", w.tree["a"].pk, None),
            ("甲2", w.tree["a"].pk, None),
            ("甲3", w.tree["a"].pk, None),
            ("甲4", w.tree["a"].pk, None),
            ("平明主席", w.tree["b"].pk, None),
            ("乙1", w.tree["b"].pk, None),
        ]
    )
    # A township chair sees their own township only; a longer window counts 甲0 as trained.
    mine = untrained_cadres_by_township(user=w.chair, years=3)
    assert [(r["township"].name, r["untrained"]) for r in mine["rows"]] == [("白塔埠镇总工会", 4)]
    assert {o.name for o in untrained_cadres(user=w.chair)} == {"甲0", "甲1", "甲2", "甲3", "甲4"}


@time_machine.travel(NOW, tick=False)
def test_the_indicator_and_the_yearly_target_count_the_same_cadres(trained_county):
    w = trained_county
    rate = indicator("training.trained").compute(user=w.county_user)
    assert (rate.numerator, rate.denominator) == (2, 9)
    target = training_target_by_township(user=w.county_user, year=2025)
    rows = {r["township"].name: (r["target"], r["trained"], r["missing"]) for r in target["rows"]}
    assert rows == {"白塔埠镇总工会": (1, 1, 0), "平明镇总工会": (1, 0, 1)}
    assert target["total"]["rate"] == 0.5
    assert indicator("training.trained").compute(user=w.users["officer"]) is None  # a grassroots union


def test_window_start_on_a_leap_day():
    assert window_start(datetime.date(2028, 2, 29), 2) == datetime.date(2026, 3, 1)
    assert window_start(datetime.date(2026, 3, 2), 2) == datetime.date(2024, 3, 3)


def test_programme_list_counts_in_one_query_and_scopes_township_classes(
    training_world, batch, django_assert_num_queries
):
    w = training_world
    quota_set(user=w.county_user, programme=batch, township=w.tree["a"], places=2)
    for officer in w.officers_a[:3]:
        nomination_create(user=w.chair, programme=batch, officer=officer, now=NOW)
    make_programme(w.tree["a"], kind=ProgrammeKind.TOWNSHIP_CLASS, user=w.chair, title="白塔埠镇企业工会干部班")
    make_programme(w.tree["b"], kind=ProgrammeKind.TOWNSHIP_CLASS, user=w.chair_b, title="平明镇积极分子班")
    with django_assert_num_queries(1):
        county = {p.title: (p.enrolled, p.waiting, p.session_count) for p in programme_list(user=w.county_user)}
    assert county == {
        "乡镇工会干部培训班": (2, 1, 0),
        "白塔埠镇企业工会干部班": (0, 0, 0),
        "平明镇积极分子班": (0, 0, 0),
    }
    with django_assert_num_queries(1):
        chair = {
            p.title: (p.township_enrolled, p.township_waiting, p.township_quota) for p in programme_list(user=w.chair)
        }
    assert chair == {"乡镇工会干部培训班": (2, 1, 2), "白塔埠镇企业工会干部班": (0, 0, None)}


def test_a_chair_sees_only_their_townships_nominations(training_world, batch):
    w = training_world
    nomination_create(user=w.chair, programme=batch, officer=w.officers_a[0], now=NOW)
    nomination_create(user=w.chair_b, programme=batch, officer=w.officers_b[0], now=NOW)
    assert [n.trainee_name for n in programme_nominations(user=w.chair, programme=batch)] == ["甲0"]
    assert programme_nominations(user=w.county_user, programme=batch).count() == 2
    assert nomination_list(user=w.users["norole"]).count() == 1  # scope is the unit; verbs are the role's
    places = {
        r["township"].name: (r["quota"], r["enrolled"]) for r in programme_places(user=w.county_user, programme=batch)
    }
    assert places == {"白塔埠镇总工会": (None, 1), "平明镇总工会": (None, 1)}
    assert Nomination.objects.count() == 2 and Decimal("0") == Nomination.objects.first().hours_attended
    assert OfficerPosition.CHAIR == w.chair_officer_a.position
