"""The seven-day clock, in Asia/Shanghai whatever the server's clock says."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings

SHANGHAI = ZoneInfo("Asia/Shanghai")


def answer_due_at(received_at: datetime.datetime, days: int | None = None) -> datetime.datetime:
    """The end of the N-th calendar day after receipt, as the first instant of the next day.

    Received on 1 March (any time of day) → due by the end of 8 March → 9 March 00:00 Shanghai.
    """
    days = settings.COMPLAINT_ANSWER_DAYS if days is None else days
    local_day = received_at.astimezone(SHANGHAI).date()
    last_day = local_day + datetime.timedelta(days=days)
    return datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time.min, tzinfo=SHANGHAI)


def last_day_to_answer(due_at: datetime.datetime) -> datetime.date:
    return (due_at.astimezone(SHANGHAI) - datetime.timedelta(microseconds=1)).date()


def days_left(due_at: datetime.datetime, now: datetime.datetime) -> int:
    """Calendar days until the last day (0 = due today, negative = overdue)."""
    return (last_day_to_answer(due_at) - now.astimezone(SHANGHAI).date()).days


def answered_in_time(answered_at: datetime.datetime | None, due_at: datetime.datetime) -> bool | None:
    """Whether the answer was given by the deadline, by its recorded time (a phone answer given
    yesterday and entered today counts from yesterday); None while there is no answer.
    selectors.ANSWERED_ON_TIME is the same rule as a query."""
    if answered_at is None:
        return None
    return answered_at < due_at
