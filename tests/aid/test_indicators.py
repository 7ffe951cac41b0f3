"""`aid.reviewed_on_time` on a hand-built case with a known answer, and an empty year (None)."""

import datetime

import pytest
import time_machine

from apps.aid.choices import ReviewOutcome
from apps.aid.services import file_close, file_review
from apps.core.indicators import indicator

from .conftest import open_file

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def test_reviewed_on_time_counts_late_and_missing_reviews_as_not_on_time(aid_world):
    a, b = aid_world.members_a, aid_world.members_b
    with time_machine.travel(NOW, tick=False):
        on_time = open_file(a[0], opened_on=datetime.date(2025, 3, 1))  # due 2026-03-01
        file_review(user=None, file=on_time, reviewed_on=datetime.date(2026, 2, 20), outcome=ReviewOutcome.CONTINUED)
        late = open_file(a[1], opened_on=datetime.date(2025, 4, 1))  # due 2026-04-01, reviewed in May
        file_review(user=None, file=late, reviewed_on=datetime.date(2026, 5, 5), outcome=ReviewOutcome.CONTINUED)
        open_file(a[2], opened_on=datetime.date(2025, 6, 1))  # due 2026-06-01: missing (overdue)
        closed_out = open_file(b[0], opened_on=datetime.date(2025, 7, 1))  # due 2026-07-01, reviewed → closed
        file_review(
            user=None,
            file=closed_out,
            reviewed_on=datetime.date(2026, 6, 28),
            outcome=ReviewOutcome.CLOSED,
            close_reason="income",
        )
        early = open_file(b[1], opened_on=datetime.date(2025, 8, 1))  # closed before its due date: not due
        file_close(user=None, file=early, closed_on=datetime.date(2026, 1, 15), close_reason="employment")
        county = indicator("aid.reviewed_on_time").compute(user=aid_world.county_user, year=2026)
        chair = indicator("aid.reviewed_on_time").compute(user=aid_world.chair, year=2026)
        empty = indicator("aid.reviewed_on_time").compute(user=aid_world.county_user, year=2024)
    assert (county.numerator, county.denominator) == (2, 4)  # on time: a[0], b[0]; due: + a[1], a[2]
    assert (chair.numerator, chair.denominator) == (1, 3)
    assert empty.denominator == 0 and empty.value is None
