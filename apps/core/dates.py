"""Plausible dates: what every date and time the portal accepts must lie within.

Three layers say the same thing, each as strict as it can be:
- the database refuses anything outside a fixed window (`plausible_date_constraint`), so no
  row can ever hold a year 1 or a year 9999 that psycopg2 cannot read back or that breaks a
  sweep for every other row; a CHECK constraint must not depend on the clock, so this window
  is fixed (`DB_EARLIEST`..`DB_LATEST`);
- a field's validator (`PlausibleDateValidator`) narrows it relative to today (e.g. a
  complaint received at most a day ahead, a union founded not before 1900), and is run by
  `full_clean()` in every service, by ModelForms and by admin alike;
- forms only add the Chinese message; they never restate the range.
"""

from __future__ import annotations

import datetime as dt
import time

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible

# The database window: wide enough for any real record (a pensioner born in 1905, a contract
# term ending in 2080), narrow enough that every value is readable and arithmetic on it is safe.
DB_EARLIEST = dt.date(1900, 1, 1)
DB_LATEST = dt.date(2099, 12, 31)


# The database window in instants: Shanghai's standard time, +08:00. (In 1900 Asia/Shanghai was
# still on local mean time, +08:05:43, so a calendar-date check alone would let the first minutes
# of 1900-01-01 past the validator and into the CHECK; the validator also tests these instants.)
DB_ZONE = dt.timezone(dt.timedelta(hours=8))
DB_EARLIEST_INSTANT = dt.datetime.combine(DB_EARLIEST, dt.time.min, tzinfo=DB_ZONE)
DB_LATEST_INSTANT = dt.datetime.combine(DB_LATEST, dt.time.max, tzinfo=DB_ZONE)


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


_today_cache: tuple[int, dt.date] | None = None


def _today() -> dt.date:
    """Today's local date, worked out once a minute: a 10,000-row roster check asks 20,000 times,
    and `timezone.localdate()` costs a context-local look-up each time (a quarter of the check).
    A minute's staleness at midnight cannot matter to a plausibility range; a frozen clock in
    tests moves `time.time()` too, so the cache follows it."""
    global _today_cache
    minute = int(time.time() // 60)
    if _today_cache is None or _today_cache[0] != minute:
        _today_cache = (minute, timezone.localdate())
    return _today_cache[1]


@deconstructible
class PlausibleDateValidator:
    """A date (or datetime) between `earliest` and today + `max_days_ahead` (or `DB_LATEST`).

    `earliest` is a fixed date; `max_days_ahead=None` allows anything up to `DB_LATEST`.
    Datetimes are compared by their Asia/Shanghai calendar date, unless `max_ahead` (a timedelta)
    is given: then a datetime may lie at most that far past the present moment (a complaint
    "received" this evening at 10:00 in the morning is a typo, not a plan), a date at most
    until that moment's date.
    """

    def __init__(
        self,
        *,
        earliest: dt.date = DB_EARLIEST,
        max_days_ahead: int | None = None,
        max_ahead: dt.timedelta | None = None,
    ):
        if max_days_ahead is not None and max_ahead is not None:
            raise ValueError("give max_days_ahead or max_ahead, not both")
        self.earliest = earliest
        self.max_days_ahead = max_days_ahead
        self.max_ahead = max_ahead

    def latest(self, today: dt.date | None = None) -> dt.date:
        if self.max_ahead is not None:
            return min(DB_LATEST, timezone.localtime(timezone.now() + self.max_ahead).date())
        if self.max_days_ahead is None:
            return DB_LATEST
        today = today or _today()
        return min(DB_LATEST, today + dt.timedelta(days=self.max_days_ahead))

    def latest_instant(self) -> dt.datetime | None:
        """The latest moment a datetime may be, when the limit is a moment (`max_ahead`)."""
        if self.max_ahead is None:
            return None
        return min(DB_LATEST_INSTANT, timezone.now() + self.max_ahead)

    def __call__(self, value):
        if value is None:
            return
        day = _as_date(value)
        latest = self.latest()
        aware = isinstance(value, dt.datetime) and timezone.is_aware(value)
        outside_instants = aware and not DB_EARLIEST_INSTANT <= value <= DB_LATEST_INSTANT
        latest_instant = self.latest_instant() if aware else None
        if latest_instant is not None and not outside_instants and day >= self.earliest and value > latest_instant:
            raise ValidationError(
                "日期不合理：不能晚于现在（%(latest)s），请核对日期和时间。",
                code="implausible_date",
                params={"latest": timezone.localtime(latest_instant).strftime("%Y-%m-%d %H:%M")},
            )
        if day < self.earliest or day > latest or outside_instants:
            raise ValidationError(
                "日期不合理：应在 %(earliest)s 至 %(latest)s 之间，请核对年份。",
                code="implausible_date",
                params={"earliest": self.earliest.isoformat(), "latest": latest.isoformat()},
            )

    def __eq__(self, other):
        return (
            isinstance(other, PlausibleDateValidator)
            and self.earliest == other.earliest
            and self.max_days_ahead == other.max_days_ahead
            and self.max_ahead == other.max_ahead
        )


def plausible_date_constraint(field: str, *, name: str, is_datetime: bool = False) -> models.CheckConstraint:
    """A CHECK that `field` is NULL or within the fixed database window.

    `name` follows the house pattern, e.g. "%(app_label)s_%(class)s_received_at_plausible".
    """
    earliest, latest = DB_EARLIEST, DB_LATEST
    if is_datetime:
        earliest, latest = DB_EARLIEST_INSTANT, DB_LATEST_INSTANT
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__isnull": True})
        | models.Q(**{f"{field}__gte": earliest, f"{field}__lte": latest}),
        name=name,
        violation_error_message="日期超出可接受的范围（1900 年至 2099 年），请核对年份。",
    )


def check_plausible(model, **values) -> None:
    """Run the date validators of `model`'s fields on values a service is about to compute with.

    A service calls this before deriving anything from a date (a deadline, a term's end), so
    that a year 1 or a year 9999 is refused with the field's Chinese message instead of
    overflowing; `full_clean()` later checks the same validators on the whole row.
    """
    errors = {}
    for name, value in values.items():
        try:
            model._meta.get_field(name).run_validators(value)
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
