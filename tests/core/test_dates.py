"""The shared plausible-date rule (apps.core.dates)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.core.dates import DB_EARLIEST, DB_LATEST, PlausibleDateValidator, plausible_date_constraint

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_validator_bounds_are_inclusive_and_relative_to_today():
    validator = PlausibleDateValidator(earliest=dt.date(2000, 1, 1), max_days_ahead=1)
    validator(dt.date(2000, 1, 1))
    validator(dt.date(2026, 12, 2))
    validator(None)
    for bad in (dt.date(1999, 12, 31), dt.date(2026, 12, 3), dt.date(1, 1, 1), dt.date(9999, 12, 31)):
        with pytest.raises(ValidationError) as caught:
            validator(bad)
        assert "日期不合理" in caught.value.messages[0]


@time_machine.travel(dt.datetime(2026, 12, 1, 23, 30, tzinfo=SHANGHAI), tick=False)
def test_datetimes_are_judged_by_their_shanghai_date():
    validator = PlausibleDateValidator(max_days_ahead=0)
    validator(timezone.now())  # 15:30 UTC is 23:30 the same day in Shanghai
    with pytest.raises(ValidationError):
        validator(dt.datetime(2026, 12, 2, 0, 30, tzinfo=SHANGHAI))


def test_without_days_ahead_the_database_window_is_the_limit():
    validator = PlausibleDateValidator()
    validator(DB_EARLIEST)
    validator(DB_LATEST)
    with pytest.raises(ValidationError):
        validator(DB_LATEST + dt.timedelta(days=1))


def test_constraint_allows_null_and_the_window_only():
    constraint = plausible_date_constraint("held_on", name="x_held_on_plausible")
    children = constraint.condition.children
    assert ("held_on__isnull", True) in children
    assert "1900" in constraint.violation_error_message and "2099" in constraint.violation_error_message


def test_an_instant_the_database_refuses_is_refused_by_the_validator_too():
    """1900-01-01 00:02 in Shanghai's then local mean time (+08:05:43) is 1899-12-31 in +08:00."""
    from zoneinfo import ZoneInfo

    validator = PlausibleDateValidator()
    with pytest.raises(ValidationError):
        validator(dt.datetime(1900, 1, 1, 0, 2, tzinfo=ZoneInfo("Asia/Shanghai")))
    validator(dt.datetime(1900, 1, 1, 0, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    validator(dt.datetime(2099, 12, 31, 23, 59, tzinfo=ZoneInfo("Asia/Shanghai")))


@time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_max_ahead_holds_a_datetime_to_that_far_past_the_present_moment():
    validator = PlausibleDateValidator(earliest=dt.date(2000, 1, 1), max_ahead=dt.timedelta(minutes=5))
    validator(timezone.now() + dt.timedelta(minutes=5))
    validator(dt.datetime(2000, 1, 1, 0, 0, tzinfo=SHANGHAI))
    validator(dt.date(2026, 12, 1))  # a date: at most the present moment's date
    later_today = dt.datetime(2026, 12, 1, 23, 59, tzinfo=SHANGHAI)  # max_days_ahead=0 let this through
    for bad in (
        timezone.now() + dt.timedelta(minutes=6),
        later_today,
        dt.datetime(1999, 12, 31, 23, 59, tzinfo=SHANGHAI),
        dt.datetime(9999, 12, 31, 23, 59, tzinfo=SHANGHAI),
        dt.date(2026, 12, 2),
    ):
        with pytest.raises(ValidationError) as caught:
            validator(bad)
        assert "日期不合理" in caught.value.messages[0], bad
    with pytest.raises(ValidationError) as caught:
        validator(later_today)
    assert caught.value.messages == ["日期不合理：不能晚于现在（2026-12-01 10:05），请核对日期和时间。"]
    with pytest.raises(ValueError):
        PlausibleDateValidator(max_days_ahead=0, max_ahead=dt.timedelta(minutes=5))
