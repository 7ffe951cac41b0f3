"""After the other apps' demo data: compute the home page's figures once, so they show at once;
then the county assessment: last year counted, scored and locked, this year open and counted,
with self-assessments (自评) from some townships."""


def seed():
    from .services import unit_summaries_refresh

    unit_summaries_refresh()
    _assessment()
    return []


def _assessment():
    from decimal import Decimal

    from django.utils import timezone

    from apps.accounts.models import User
    from apps.accounts.roles import ROLE_NAMES, TOWNSHIP_STAFF
    from apps.core.errors import ApplicationError

    from . import assessment as services
    from .models import AssessmentYear, TownshipScore

    if AssessmentYear.objects.exists():
        return
    year = timezone.localdate().year
    for each in (year - 1, year):
        services.year_open(user=None, year=each)
        services.refresh_snapshots(year=each)
    # Last year: the county's final scores (one item marked down with a note), then locked.
    first = TownshipScore.objects.filter(year=year - 1, computed_points__gt=0).order_by("township__path").first()
    if first is not None:
        services.save_final_score(
            user=None,
            year=year - 1,
            township=first.township,
            indicator_key=first.indicator_key,
            points=max(Decimal(0), first.computed_points - 1),
            note="台账资料不全，扣1分",
        )
    services.year_lock(user=None, year=year - 1)
    # This year: the chairs of the first townships enter their self-assessment of every item.
    chairs = User.objects.filter(groups__name=ROLE_NAMES[TOWNSHIP_STAFF], org_unit__kind="township").select_related(
        "org_unit"
    )
    for chair in list(chairs.order_by("org_unit__path"))[:2]:
        for score in TownshipScore.objects.filter(year=year, township=chair.org_unit):
            try:
                services.save_self_assessment(
                    user=chair,
                    year=year,
                    township=chair.org_unit,
                    indicator_key=score.indicator_key,
                    points=score.computed_points,
                    note="已按细则自查",
                )
            except ApplicationError:
                continue
