"""The complaints app's rates (registered in ComplaintsConfig.ready())."""

from django.urls import reverse
from django.utils import timezone

from apps.core.indicators import Rate

from .selectors import answered_on_time_counts


def answered_on_time(*, user, unit=None, year: int | None = None) -> Rate | None:
    """投诉按时答复率: answered within the seven days ÷ due in the year (overdue-unanswered are late)."""
    unit = unit if unit is not None else user.org_unit
    if unit is not None and unit.is_grassroots:
        return None
    year = year or timezone.localdate().year
    counts = answered_on_time_counts(user=user, unit=unit, year=year)
    return Rate(
        numerator=counts["on_time"],
        denominator=counts["due"],
        numerator_label="按时答复",
        denominator_label=f"{year}年到期的投诉",
        url=reverse("complaints:statistics"),
    )
