"""The county assessment's scoring and its lock (apps.overview.assessment)."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, InternalError, transaction

from apps.core.errors import ApplicationError
from apps.core.indicators import Rate, register_indicator, unregister_indicator
from apps.overview import assessment as services
from apps.overview.models import (
    AssessmentYear,
    Deduction,
    IndicatorSnapshot,
    SchemeItem,
    ScoreBand,
    ScoringScheme,
    TownshipDeduction,
    TownshipScore,
    VetoItem,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("default_scheme")]
YEAR = 2026


def snap(township, key, numerator, denominator, year=YEAR):
    from django.utils import timezone

    return IndicatorSnapshot.objects.update_or_create(
        year=year,
        township=township,
        indicator_key=key,
        defaults={"numerator": numerator, "denominator": denominator, "counted_at": timezone.now()},
    )[0]


def computed(township, key, year=YEAR):
    return TownshipScore.objects.get(year=year, township=township, indicator_key=key).computed_points


@pytest.fixture
def year_open(county_user):
    return services.year_open(user=county_user, year=YEAR)


def test_the_default_scheme_ships_for_2025_and_2026_with_the_contract_bands():
    for year in (2025, 2026):
        item = SchemeItem.objects.get(scheme__year=year, indicator_key="contracts.coverage")
        assert [(b.threshold, b.points) for b in item.bands.order_by("-threshold")] == [
            (Decimal(80), Decimal(4)),
            (Decimal(75), Decimal(3)),
            (Decimal(70), Decimal(2)),
            (Decimal(65), Decimal(1)),
        ]
        assert ScoringScheme.objects.get(year=year).vetoes.filter(label="发生重大群体性事件").exists()


@pytest.mark.parametrize(
    ("numerator", "denominator", "points"),
    [(80, 100, 4), (7999, 10000, 3), (4, 5, 4), (75, 100, 3), (3, 4, 3), (65, 100, 1), (64, 100, 0), (100, 100, 4)],
)
def test_bands_step_at_their_thresholds(county_tree, year_open, numerator, denominator, points):
    snap(county_tree["a"], "contracts.coverage", numerator, denominator)
    services.score_year(year=YEAR)
    assert computed(county_tree["a"], "contracts.coverage") == Decimal(points)


def test_an_empty_denominator_or_an_implausible_rate_scores_zero_without_error(county_tree, year_open):
    snap(county_tree["a"], "contracts.coverage", 0, 0)
    snap(county_tree["b"], "contracts.coverage", 12, 10)
    services.score_year(year=YEAR)
    assert computed(county_tree["a"], "contracts.coverage") == 0
    assert computed(county_tree["b"], "contracts.coverage") == 0


def test_entered_deductions_take_points_off_never_below_zero(county_user, county_tree, year_open):
    snap(county_tree["a"], "contracts.coverage", 80, 100)
    wage = Deduction.objects.get(item__scheme__year=YEAR, label="缺少工资专项集体合同")
    services.deduction_count_set(user=county_user, year=YEAR, township=county_tree["a"], deduction=wage, count=1)
    assert computed(county_tree["a"], "contracts.coverage") == 2
    services.deduction_count_set(user=county_user, year=YEAR, township=county_tree["a"], deduction=wage, count=5)
    assert computed(county_tree["a"], "contracts.coverage") == 0


def test_a_deduction_of_another_year_s_scheme_is_refused(county_user, county_tree, year_open):
    last_year = Deduction.objects.get(item__scheme__year=YEAR - 1, label="缺少工资专项集体合同")
    with pytest.raises(ApplicationError, match="不属于2026年度"):
        services.deduction_count_set(
            user=county_user, year=YEAR, township=county_tree["a"], deduction=last_year, count=3
        )
    assert not TownshipDeduction.objects.filter(deduction=last_year).exists()


def test_a_scheme_row_with_entered_scores_or_counts_is_not_removed(county_user, chair_a, county_tree, year_open):
    """What a township or the county entered is never deleted with the scheme row behind it."""
    item = SchemeItem.objects.get(scheme__year=YEAR, indicator_key="contracts.coverage")
    wage = Deduction.objects.get(item=item, label="缺少工资专项集体合同")
    services.deduction_count_set(user=county_user, year=YEAR, township=county_tree["a"], deduction=wage, count=1)
    with pytest.raises(ApplicationError, match="已对乡镇填写次数"):
        services.scheme_row_delete(user=county_user, row=wage)
    services.deduction_count_set(user=county_user, year=YEAR, township=county_tree["a"], deduction=wage, count=0)
    services.save_self_assessment(
        user=chair_a, year=YEAR, township=county_tree["a"], indicator_key="contracts.coverage", points=3
    )
    with pytest.raises(ApplicationError, match="已有乡镇自评或县评定"):
        services.scheme_row_delete(user=county_user, row=item)
    assert TownshipScore.objects.get(township=county_tree["a"], indicator_key="contracts.coverage").self_points == 3
    assert SchemeItem.objects.filter(pk=item.pk).exists()
    # The message's way out: the chair saves the item's points empty, then the item goes.
    services.save_self_assessment(
        user=chair_a, year=YEAR, township=county_tree["a"], indicator_key="contracts.coverage", points=""
    )
    services.scheme_row_delete(user=county_user, row=item)
    assert not SchemeItem.objects.filter(pk=item.pk).exists()
    # An item with computed points only goes, with them.
    other = SchemeItem.objects.get(scheme__year=YEAR, indicator_key="dues.collection_rate")
    services.score_year(year=YEAR)
    services.scheme_row_delete(user=county_user, row=other)
    assert not TownshipScore.objects.filter(year=YEAR, indicator_key="dues.collection_rate").exists()


def test_a_deduction_counted_from_an_indicator_takes_the_missing_ones(county_user, county_tree, year_open):
    item = SchemeItem.objects.get(scheme__year=YEAR, indicator_key="contracts.coverage")
    Deduction.objects.create(
        item=item, label="未建会企业", points_each=Decimal("0.5"), indicator_key="branches.formation_rate"
    )
    snap(county_tree["a"], "contracts.coverage", 80, 100)
    snap(county_tree["a"], "branches.formation_rate", 8, 10)  # 2 missing
    services.score_year(year=YEAR)
    assert computed(county_tree["a"], "contracts.coverage") == 3


def test_an_indicator_not_registered_scores_zero(county_tree, year_open):
    scheme = ScoringScheme.objects.get(year=YEAR)
    item = SchemeItem.objects.create(scheme=scheme, indicator_key="unknown.not_registered", max_points=5)
    ScoreBand.objects.create(item=item, threshold=0, points=5)
    snap(county_tree["a"], "unknown.not_registered", 1, 1)
    services.score_year(year=YEAR)
    assert computed(county_tree["a"], "unknown.not_registered") == 0
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        SchemeItem(scheme=scheme, indicator_key="unknown.not_registered", max_points=5).clean()


def test_a_band_above_the_maximum_is_refused(year_open):
    item = SchemeItem.objects.get(scheme__year=YEAR, indicator_key="contracts.coverage")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        ScoreBand(item=item, threshold=Decimal(90), points=Decimal(5)).full_clean()


def test_a_veto_zeroes_the_total(county_user, county_tree, year_open):
    from apps.overview.selectors import year_table

    snap(county_tree["a"], "contracts.coverage", 80, 100)
    snap(county_tree["b"], "contracts.coverage", 80, 100)
    services.score_year(year=YEAR)
    veto = VetoItem.objects.get(scheme__year=YEAR, label="发生重大群体性事件")
    services.veto_record(user=county_user, year=YEAR, township=county_tree["a"], veto=veto, note="某厂群体讨薪")
    table = year_table(user=county_user, year=YEAR)
    totals = {row["township"].pk: row["total"] for row in table["rows"]}
    assert totals[county_tree["a"].pk] == 0
    assert totals[county_tree["b"].pk] == 4


def test_self_assessment_only_by_the_township_s_own_chair_and_within_the_maximum(
    chair_a, chair_b, county_tree, year_open
):
    services.save_self_assessment(
        user=chair_a,
        year=YEAR,
        township=county_tree["a"],
        indicator_key="contracts.coverage",
        points="3.5",
        note="自评",
    )
    assert TownshipScore.objects.get(
        township=county_tree["a"], indicator_key="contracts.coverage"
    ).self_points == Decimal("3.5")
    with pytest.raises(ApplicationError):
        services.save_self_assessment(
            user=chair_b, year=YEAR, township=county_tree["a"], indicator_key="contracts.coverage", points=1
        )
    for bad in ("abc", "5", "-1", "NaN", "1.234"):
        with pytest.raises(ApplicationError):
            services.save_self_assessment(
                user=chair_a, year=YEAR, township=county_tree["a"], indicator_key="contracts.coverage", points=bad
            )
    assert TownshipScore.objects.get(
        township=county_tree["a"], indicator_key="contracts.coverage"
    ).self_points == Decimal("3.5")


def test_a_chair_cannot_give_the_final_score(chair_a, county_tree, year_open):
    with pytest.raises(ApplicationError):
        services.save_final_score(
            user=chair_a, year=YEAR, township=county_tree["a"], indicator_key="contracts.coverage", points=1
        )


@pytest.fixture
def fixed_indicator():
    state = {"rate": Rate(numerator=4, denominator=5)}
    register_indicator("test.fixed", lambda *, user, unit, year=None: state["rate"], label="测试指标", per_year=True)
    yield state
    unregister_indicator("test.fixed")


def test_the_refresh_counts_through_the_registry_and_a_locked_year_never_moves(
    county_user, chair_a, county_tree, year_open, fixed_indicator
):
    scheme = ScoringScheme.objects.get(year=YEAR)
    item = SchemeItem.objects.create(scheme=scheme, indicator_key="test.fixed", max_points=4, order=1)
    ScoreBand.objects.create(item=item, threshold=80, points=4)
    ScoreBand.objects.create(item=item, threshold=50, points=2)
    assert services.refresh_snapshots(year=YEAR) == 2
    assert computed(county_tree["a"], "test.fixed") == 4
    services.save_final_score(
        user=county_user, year=YEAR, township=county_tree["b"], indicator_key="test.fixed", points=3
    )

    services.year_lock(user=county_user, year=YEAR)
    locked = AssessmentYear.objects.get(year=YEAR)
    assert locked.locked and locked.locked_at and locked.locked_by == county_user
    finals = dict(
        TownshipScore.objects.filter(year=YEAR, indicator_key="test.fixed").values_list("township", "final_points")
    )
    assert finals == {county_tree["a"].pk: Decimal(4), county_tree["b"].pk: Decimal(3)}

    fixed_indicator["rate"] = Rate(numerator=1, denominator=5)  # the data changes
    assert services.refresh_snapshots(year=YEAR) == 0  # skipped
    assert services.refresh_open_years() == {}
    assert (
        IndicatorSnapshot.objects.get(year=YEAR, township=county_tree["a"], indicator_key="test.fixed").numerator == 4
    )
    assert computed(county_tree["a"], "test.fixed") == 4

    for write in (
        lambda: services.save_final_score(
            user=county_user, year=YEAR, township=county_tree["a"], indicator_key="test.fixed", points=1
        ),
        lambda: services.save_self_assessment(
            user=chair_a, year=YEAR, township=county_tree["a"], indicator_key="test.fixed", points=1
        ),
        lambda: services.score_year(year=YEAR),
        lambda: services.year_lock(user=county_user, year=YEAR),
    ):
        with pytest.raises(ApplicationError, match="该年度考核已锁定，不能再修改。"):
            write()
    # The database refuses too, whatever bypasses the services.
    with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
        IndicatorSnapshot.objects.filter(year=YEAR).update(numerator=0)
    with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
        TownshipScore.objects.filter(year=YEAR).update(final_points=0)


def test_a_county_s_refresh_now_counts_its_own_townships_only(county_user, county_tree, year_open):
    """In a province deployment one county's 立即刷新 counts its townships, not the province's."""
    from apps.branches.choices import OrgUnitKind
    from apps.branches.services import orgunit_create

    neighbour = orgunit_create(user=None, parent=None, name="灌云县总工会", kind=OrgUnitKind.COUNTY)
    elsewhere = orgunit_create(user=None, parent=neighbour, name="伊山镇总工会", kind=OrgUnitKind.TOWNSHIP)
    job = services.refresh_job_start(user=county_user, year=YEAR)
    assert (job.total, job.area_path) == (2, county_tree["county"].path)
    assert services.refresh_job_run(job_id=job.pk, task_id="test") == 2
    assert IndicatorSnapshot.objects.filter(year=YEAR, township=county_tree["a"]).exists()
    assert not IndicatorSnapshot.objects.filter(township=elsewhere).exists()
    # The hourly refresh counts every township.
    assert services.refresh_snapshots(year=YEAR) == 3
