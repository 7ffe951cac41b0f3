"""The training app's indicator (registered in TrainingConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from apps.branches.choices import GRASSROOTS_KINDS
from apps.core.indicators import Rate, register_indicator

from .selectors import DEFAULT_YEARS, trained_counts


def trained_rate(*, user, unit=None, year: int | None = None) -> Rate | None:
    """Cadres trained: officers in post who completed a programme in the last two years ÷ officers
    in post (apps.training.selectors.trained_counts), today or on 31 December of a past `year`.
    Its complement is the untrained-cadre report's list, counted by the same definition."""
    unit = unit if unit is not None else user.org_unit
    if unit is not None and unit.kind in GRASSROOTS_KINDS:
        return None
    counts = trained_counts(user=user, unit=unit, year=year, years=DEFAULT_YEARS)
    return Rate(
        numerator=counts["trained"],
        denominator=counts["in_post"],
        numerator_label=f"近{DEFAULT_YEARS}年已培训干部",
        denominator_label="在任工会干部",
    )


def register() -> None:
    register_indicator(
        "training.trained",
        trained_rate,
        label=_("Cadres trained"),
        permission="training.view_programme",
        order=400,
        per_year=True,
    )
