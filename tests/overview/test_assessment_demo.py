"""The demo's assessment: last year scored and locked, this year open with some self-assessments."""

import pytest
from django.utils import timezone

from apps.overview import demo
from apps.overview.models import AssessmentYear, IndicatorSnapshot, TownshipScore

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("default_scheme")]


def test_the_demo_locks_last_year_and_opens_this_year_with_self_assessments(world):
    year = timezone.localdate().year
    demo.seed()
    last, this = AssessmentYear.objects.get(year=year - 1), AssessmentYear.objects.get(year=year)
    assert last.locked and not this.locked
    assert not TownshipScore.objects.filter(year=year - 1, final_points__isnull=True).exists()
    assert TownshipScore.objects.filter(year=year, self_points__isnull=False).exists()
    assert IndicatorSnapshot.objects.filter(year=year).exists()
    demo.seed()  # loaded once
    assert AssessmentYear.objects.count() == 2
