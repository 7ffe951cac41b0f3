"""The re-employment app's indicator (registered in ReemploymentConfig.ready()).

`reemployment.reemployed`: persons re-employed in the year ÷ the year's target, summed over the
townships that have one; a township above its target counts as its target (100 %), so the sum
is a fulfilment rate and never shows as 数据待核实. It costs one query, and the home page is
held at 10 (tests/overview), so it is registered off the home page (`home_page=False`): the yearly
report shows it, and the county assessment reads it from the registry.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.branches.choices import GRASSROOTS_KINDS
from apps.core.indicators import Rate, register_indicator

from .selectors import reemployed_counts


def reemployed_rate(*, user, unit=None, year: int | None = None) -> Rate | None:
    if unit is not None and unit.kind in GRASSROOTS_KINDS:
        return None
    year = year or timezone.localdate().year
    counts = reemployed_counts(user=user, unit=unit, year=year)
    return Rate(
        numerator=counts["credited"],
        denominator=counts["target"],
        numerator_label=f"{year}年再就业人数（计入目标）",
        denominator_label=f"{year}年再就业目标人数",
        url=reverse("reemployment:report") + f"?year={year}",
    )


def register() -> None:
    register_indicator(
        "reemployment.reemployed",
        reemployed_rate,
        label=_("Re-employment target reached"),
        permission="reemployment.view_reemploymentcase",
        order=450,
        per_year=True,
        home_page=False,
    )
