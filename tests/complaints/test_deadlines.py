"""The seven-day clock at its edges, with the server clock in UTC."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from apps.complaints.deadlines import answer_due_at, days_left, last_day_to_answer

SH = ZoneInfo("Asia/Shanghai")
UTC = datetime.UTC


@pytest.mark.parametrize(
    ("received_local", "last_day"),
    [
        (datetime.datetime(2026, 3, 1, 23, 59, tzinfo=SH), datetime.date(2026, 3, 8)),
        (datetime.datetime(2026, 3, 1, 0, 1, tzinfo=SH), datetime.date(2026, 3, 8)),
        (datetime.datetime(2026, 1, 28, 12, 0, tzinfo=SH), datetime.date(2026, 2, 4)),  # month end
        (datetime.datetime(2026, 2, 25, 9, 0, tzinfo=SH), datetime.date(2026, 3, 4)),  # February
        (datetime.datetime(2024, 2, 25, 9, 0, tzinfo=SH), datetime.date(2024, 3, 3)),  # leap year
        (datetime.datetime(2026, 12, 28, 23, 59, tzinfo=SH), datetime.date(2027, 1, 4)),  # year end
    ],
)
def test_due_by_the_end_of_the_seventh_calendar_day(received_local, last_day):
    due = answer_due_at(received_local.astimezone(UTC), days=7)
    assert last_day_to_answer(due) == last_day
    assert due == datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time.min, tzinfo=SH)


def test_23_59_shanghai_is_still_the_previous_utc_afternoon_but_counts_as_that_shanghai_day():
    # 2026-03-01 23:59 Shanghai = 2026-03-01 15:59 UTC; 00:01 Shanghai on 3-2 = 3-1 16:01 UTC.
    late = answer_due_at(datetime.datetime(2026, 3, 1, 15, 59, tzinfo=UTC), days=7)
    early_next = answer_due_at(datetime.datetime(2026, 3, 1, 16, 1, tzinfo=UTC), days=7)
    assert last_day_to_answer(late) == datetime.date(2026, 3, 8)
    assert last_day_to_answer(early_next) == datetime.date(2026, 3, 9)


def test_days_left_counts_shanghai_calendar_days():
    due = answer_due_at(datetime.datetime(2026, 3, 1, 10, 0, tzinfo=SH), days=7)
    assert days_left(due, datetime.datetime(2026, 3, 8, 23, 0, tzinfo=SH)) == 0
    assert days_left(due, datetime.datetime(2026, 3, 9, 0, 0, 1, tzinfo=SH)) == -1
    assert days_left(due, datetime.datetime(2026, 3, 6, 16, 30, tzinfo=UTC)) == 1  # 3-7 00:30 Shanghai


def test_the_number_of_days_is_a_setting(settings):
    settings.COMPLAINT_ANSWER_DAYS = 5
    due = answer_due_at(datetime.datetime(2026, 3, 1, 10, 0, tzinfo=SH))
    assert last_day_to_answer(due) == datetime.date(2026, 3, 6)
