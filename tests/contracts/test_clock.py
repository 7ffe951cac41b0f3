"""The clock's arithmetic at its boundaries (apps.contracts.clock), from a rule profile's numbers.

Pure functions: the profile is a namespace of the national rules (rules.NATIONAL_RULES), so these
tests need no database; the services' use of a profile row is tested in test_services.py.
"""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from apps.contracts import clock
from apps.contracts.rules import NATIONAL_RULES

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = datetime.UTC
D = datetime.date
NATIONAL = SimpleNamespace(**NATIONAL_RULES)


def profile(**overrides):
    return SimpleNamespace(**{**NATIONAL_RULES, **overrides})


# --- Shanghai days -------------------------------------------------------------------------------


def test_a_request_received_at_2359_shanghai_counts_from_that_day():
    received = datetime.datetime(2026, 3, 10, 23, 59, tzinfo=SHANGHAI)
    assert clock.shanghai_date(received) == D(2026, 3, 10)
    assert clock.answer_due_on(received, NATIONAL) == D(2026, 3, 30)


def test_a_request_received_at_0001_shanghai_counts_from_the_next_day():
    received = datetime.datetime(2026, 3, 11, 0, 1, tzinfo=SHANGHAI)
    assert clock.shanghai_date(received) == D(2026, 3, 11)
    assert clock.answer_due_on(received, NATIONAL) == D(2026, 3, 31)


def test_an_aware_utc_time_is_taken_as_its_shanghai_date():
    # 15:59 UTC is 23:59 in Shanghai; 16:01 UTC is already 00:01 the next day there.
    assert clock.answer_due_on(datetime.datetime(2026, 3, 10, 15, 59, tzinfo=UTC), NATIONAL) == D(2026, 3, 30)
    assert clock.answer_due_on(datetime.datetime(2026, 3, 10, 16, 1, tzinfo=UTC), NATIONAL) == D(2026, 3, 31)


def test_a_naive_datetime_has_no_shanghai_date():
    with pytest.raises(ValueError):
        clock.shanghai_date(datetime.datetime(2026, 3, 10, 12, 0))  # noqa: DTZ001


def test_days_left_counts_shanghai_days():
    due = D(2026, 3, 30)
    assert clock.days_left(due, datetime.datetime(2026, 3, 30, 23, 59, tzinfo=SHANGHAI)) == 0
    assert clock.days_left(due, datetime.datetime(2026, 3, 30, 16, 1, tzinfo=UTC)) == -1  # 00:01 on the 31st
    assert clock.days_left(due, D(2026, 3, 25)) == 5


# --- periods across month and year ends, and the leap day -----------------------------------------


@pytest.mark.parametrize(
    ("function", "start", "expected"),
    [
        # The day of the event is not counted (民法典 art. 201): the last day is X + N.
        (clock.answer_due_on, D(2026, 1, 31), D(2026, 2, 20)),
        (clock.send_due_on, D(2026, 1, 31), D(2026, 2, 10)),
        (clock.answer_due_on, D(2026, 12, 20), D(2027, 1, 9)),
        (clock.send_due_on, D(2026, 12, 25), D(2027, 1, 4)),
        (clock.review_ends_on, D(2026, 12, 31), D(2027, 1, 15)),
        (clock.deemed_in_force_on, D(2026, 12, 31), D(2027, 1, 16)),
        (clock.answer_due_on, D(2028, 2, 20), D(2028, 3, 11)),  # 2028 has 29 February
        (clock.answer_due_on, D(2027, 2, 20), D(2027, 3, 12)),
        (clock.review_ends_on, D(2028, 2, 14), D(2028, 2, 29)),
        (clock.deemed_in_force_on, D(2028, 2, 14), D(2028, 3, 1)),
    ],
)
def test_periods_across_month_year_and_leap_day(function, start, expected):
    assert function(start, NATIONAL) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2026, 12, 31), 1, D(2027, 1, 31)),
        (D(2026, 5, 31), -3, D(2026, 2, 28)),
        (D(2028, 2, 29), 12, D(2029, 2, 28)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
    ],
)
def test_add_months_clamps_to_the_month_end(day, months, expected):
    assert clock.add_months(day, months) == expected


@pytest.mark.parametrize(
    ("term_end", "opens"),
    [
        (D(2026, 5, 31), D(2026, 3, 1)),  # three months before 31 May is (the end of) February
        (D(2028, 2, 29), D(2027, 11, 30)),  # a term ending on the leap day
        (D(2027, 2, 28), D(2026, 11, 29)),
        (D(2026, 12, 31), D(2026, 10, 1)),
        (D(2026, 8, 31), D(2026, 6, 1)),
    ],
)
def test_the_renewal_window_opens_three_months_before_the_term_ends(term_end, opens):
    assert clock.renewal_window_opens_on(term_end, NATIONAL) == opens
    assert clock.renewal_window_opens_on(term_end, profile(renewal_window_months=6)) < opens


# --- the term (一般为1至3年) -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "months", "flagged"),
    [
        (D(2026, 1, 1), D(2026, 11, 30), 11, True),
        (D(2026, 1, 1), D(2026, 12, 31), 12, False),
        (D(2026, 1, 1), D(2028, 12, 31), 36, False),
        (D(2026, 1, 1), D(2029, 1, 31), 37, True),
        (D(2026, 3, 31), D(2027, 3, 30), 12, False),
        (D(2026, 1, 31), D(2027, 1, 30), 12, False),
        (D(2026, 1, 1), D(2027, 1, 3), 13, False),  # days left over count as the next month up
        (D(2026, 1, 1), D(2028, 12, 31) + datetime.timedelta(days=1), 37, True),
    ],
)
def test_term_months_and_the_usual_range(start, end, months, flagged):
    assert clock.term_months(start, end) == months
    problem = clock.term_problem(start, end, NATIONAL)
    assert (problem is not None) is flagged
    if flagged:
        assert f"{months} 个月" in problem and "1年至3年" in problem


@pytest.mark.xfail(strict=True, reason="clock.term_months counts a year from 29 Feb to 28 Feb as 13 months")
def test_a_year_from_the_leap_day_is_twelve_months():
    assert clock.term_months(D(2028, 2, 29), D(2029, 2, 28)) == 12


def test_a_profile_with_other_term_limits_flags_other_terms():
    five_years = profile(term_min_months=6, term_max_months=60)
    assert clock.term_problem(D(2026, 1, 1), D(2029, 1, 31), five_years) is None
    assert "6个月至5年" in clock.term_problem(D(2026, 1, 1), D(2026, 3, 31), five_years)


# --- the vote (art. 36): 三分之二以上 present, 半数以上 of all in favour ------------------------------


@pytest.mark.parametrize(
    ("present", "passes"),
    [(19, False), (20, True), (21, True)],
)
def test_quorum_of_30_around_two_thirds(present, passes):
    assert clock.quorum_reached(total=30, present=present, profile=NATIONAL) is passes
    assert clock.vote_passes(total=30, present=present, in_favour=min(present, 16), profile=NATIONAL) is passes


@pytest.mark.parametrize(("in_favour", "passes"), [(14, False), (15, True), (16, True)])
def test_majority_of_30_around_half_of_all(in_favour, passes):
    assert clock.majority_reached(total=30, in_favour=in_favour, profile=NATIONAL) is passes
    assert clock.vote_passes(total=30, present=25, in_favour=in_favour, profile=NATIONAL) is passes


@pytest.mark.parametrize(("present", "passes"), [(20, False), (21, True), (22, True)])
def test_quorum_of_31(present, passes):
    # 31 × 2/3 = 20.67: 20 present is below two thirds.
    assert clock.quorum_reached(total=31, present=present, profile=NATIONAL) is passes


@pytest.mark.parametrize(("in_favour", "passes"), [(15, False), (16, True), (17, True)])
def test_majority_of_31(in_favour, passes):
    # 31 / 2 = 15.5: 15 in favour is not half.
    assert clock.majority_reached(total=31, in_favour=in_favour, profile=NATIONAL) is passes


def test_the_majority_is_of_all_delegates_not_of_those_present():
    # 20 of 30 present, 12 of them in favour: a majority of those present, not of all 30.
    assert not clock.vote_passes(total=30, present=20, in_favour=12, profile=NATIONAL)


@pytest.mark.parametrize(
    ("present", "in_favour", "passes"),
    [(20, 16, False), (21, 16, True), (21, 15, False), (21, 16, True)],
)
def test_thresholds_not_inclusive_exactly_two_thirds_and_half_fail(present, in_favour, passes):
    strict = profile(thresholds_inclusive=False)
    assert clock.vote_passes(total=30, present=present, in_favour=in_favour, profile=strict) is passes


def test_other_fractions_from_the_profile():
    three_quarters = profile(quorum_numerator=3, quorum_denominator=4, majority_numerator=2, majority_denominator=3)
    assert not clock.vote_passes(total=40, present=29, in_favour=27, profile=three_quarters)
    assert clock.vote_passes(total=40, present=30, in_favour=27, profile=three_quarters)
    assert not clock.vote_passes(total=40, present=30, in_favour=26, profile=three_quarters)


@pytest.mark.parametrize(
    ("total", "present", "in_favour", "words"),
    [
        (30, 31, 20, "实到人数（31）不能多于应到人数（30）"),
        (30, 20, 21, "赞成人数（21）不能多于实到人数（20）"),
        (0, 0, 0, "应大于 0"),
        (30, -1, 0, "负数"),
        (None, 20, 10, "请填写"),
    ],
)
def test_counts_that_cannot_be_are_refused(total, present, in_favour, words):
    problem = clock.vote_count_problem(total=total, present=present, in_favour=in_favour)
    assert problem is not None and words in problem


def test_possible_counts_are_no_problem():
    assert clock.vote_count_problem(total=30, present=30, in_favour=30) is None
    assert clock.vote_count_problem(total=30, present=0, in_favour=0) is None
