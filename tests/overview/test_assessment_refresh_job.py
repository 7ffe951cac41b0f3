"""County staff's 立即刷新: a background job through a real Celery worker, with progress, ending done."""

import time

import pytest

from apps.overview import assessment as services
from apps.overview.default_scheme import install_default_scheme
from apps.overview.models import (
    AssessmentRefresh,
    Deduction,
    IndicatorSnapshot,
    SchemeItem,
    ScoreBand,
    ScoringScheme,
    TownshipScore,
    VetoItem,
)

YEAR = 2026


def test_a_real_worker_refreshes_the_year_and_the_job_ends_done(celery_worker, county_user, county_tree):
    # A transactional test starts from empty tables: ship the default scheme as the migration does.
    install_default_scheme(ScoringScheme, SchemeItem, ScoreBand, Deduction, VetoItem, year=YEAR)
    services.year_open(user=county_user, year=YEAR)
    job = services.refresh_job_start(user=county_user, year=YEAR)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in ("done", "failed"):
            break
        time.sleep(0.3)
    assert job.status == "done", job.error
    assert job.processed == job.total == 2 and job.percent == 100
    assert job.finished_at is not None
    keys = set(SchemeItem.objects.filter(scheme__year=YEAR).values_list("indicator_key", flat=True))
    for township in (county_tree["a"], county_tree["b"]):
        counted = set(
            IndicatorSnapshot.objects.filter(year=YEAR, township=township).values_list("indicator_key", flat=True)
        )
        assert counted == keys  # every registered scheme indicator, an empty county's 0 of 0 included
        assert TownshipScore.objects.filter(year=YEAR, township=township).count() == len(keys)


@pytest.mark.django_db
def test_refresh_is_refused_for_a_locked_year(county_user):
    from apps.core.errors import ApplicationError

    services.year_open(user=county_user, year=YEAR)
    services.year_lock(user=county_user, year=YEAR)
    with pytest.raises(ApplicationError, match="该年度考核已锁定"):
        services.refresh_job_start(user=county_user, year=YEAR)
    assert not AssessmentRefresh.objects.exists()
