"""The hardship-aid app's indicator (registered in AidConfig.ready()).

`aid.reviewed_on_time`: the yearly reviews made by their due date ÷ the reviews that fell due in
the year (by today); a late review and a missing one count as not on time, and a year in which
nothing fell due has no value (None). It costs two queries and the home page is held at 10
(tests/overview), so it is registered off the home page (`home_page=False`): the yearly report
shows it, and the county assessment reads it from the registry.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.branches.choices import GRASSROOTS_KINDS
from apps.core.indicators import Rate, register_indicator

from .selectors import reviewed_on_time_counts


def reviewed_on_time_rate(*, user, unit=None, year: int | None = None) -> Rate | None:
    if unit is not None and unit.kind in GRASSROOTS_KINDS:
        return None
    year = year or timezone.localdate().year
    counts = reviewed_on_time_counts(user=user, unit=unit, year=year)
    return Rate(
        numerator=counts["on_time"],
        denominator=counts["due"],
        numerator_label=f"{year}年按时复核的困难职工档案",
        denominator_label=f"{year}年应复核的困难职工档案",
        url=reverse("aid:file_list") + "?status=due",
    )


def register() -> None:
    register_indicator(
        "aid.reviewed_on_time",
        reviewed_on_time_rate,
        label=_("Hardship files reviewed on time"),
        permission="aid.view_hardshipfile",
        order=460,
        per_year=True,
        home_page=False,
    )
