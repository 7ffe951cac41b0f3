"""The statutory clock of a collective contract, from a rule profile's numbers (no numbers here).

Days are Asia/Shanghai calendar days, as for the complaint deadline: a date, or an aware
datetime taken as its Shanghai date (a request received at 23:59 Shanghai counts from that day,
one at 00:01 from the next). A period "within N days of X" (自X之日起N日内) does not count the
day of X itself (民法典 art. 201): its last day is X + N. The profile is any object with the
`RuleProfile` fields (a model row, or a plain namespace in a unit test).
"""

import calendar
import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai_date(value: datetime.date | datetime.datetime) -> datetime.date:
    """The Asia/Shanghai calendar date of a date or an aware datetime."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise ValueError("a naive datetime has no Shanghai date; pass an aware one or a date")
        return value.astimezone(SHANGHAI).date()
    return value


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by whole calendar months, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def answer_due_on(requested_on, profile) -> datetime.date:
    """The last day to answer a bargaining request (art. 32: 20 days from receipt)."""
    return shanghai_date(requested_on) + datetime.timedelta(days=profile.answer_days)


def send_due_on(signed_on, profile) -> datetime.date:
    """The last day to send the signed contract to the labour administration (art. 42: 10 days)."""
    return shanghai_date(signed_on) + datetime.timedelta(days=profile.send_days)


def review_ends_on(received_on, profile) -> datetime.date:
    """The last day the administration may object (art. 47: 15 days from receipt)."""
    return shanghai_date(received_on) + datetime.timedelta(days=profile.review_days)


def deemed_in_force_on(received_on, profile) -> datetime.date:
    """The day a contract takes effect by itself when no objection came: the day after the review."""
    return review_ends_on(received_on, profile) + datetime.timedelta(days=1)


def renewal_window_opens_on(term_end: datetime.date, profile) -> datetime.date:
    """The first day either side may ask to renew (art. 38: within 3 months before expiry)."""
    return add_months(term_end, -profile.renewal_window_months) + datetime.timedelta(days=1)


def term_months(term_start: datetime.date, term_end: datetime.date) -> int:
    """The term in whole months, counting the end day in: 2026-01-01 to 2026-12-31 is 12 months.
    A term with days left over (12 months and 3 days) counts as the next month up (13)."""
    end_exclusive = term_end + datetime.timedelta(days=1)
    months = (end_exclusive.year - term_start.year) * 12 + (end_exclusive.month - term_start.month)
    if add_months(term_start, months) > end_exclusive:
        months -= 1
    if add_months(term_start, months) < end_exclusive:
        months += 1
    return months


def term_problem(term_start: datetime.date, term_end: datetime.date, profile) -> str | None:
    """Why a term is outside the profile's usual range (集体合同规定 art. 38: 一般为1至3年), or None."""
    months = term_months(term_start, term_end)
    low, high = profile.term_min_months, profile.term_max_months
    if low <= months <= high:
        return None
    return f"合同期限为 {months} 个月，不在通常的 {_months_label(low)}至{_months_label(high)}之内（{profile.name}）。"


def _months_label(months: int) -> str:
    return f"{months // 12}年" if months % 12 == 0 else f"{months}个月"


def at_least(count: int, total: int, numerator: int, denominator: int, *, inclusive: bool) -> bool:
    """count ≥ total × numerator / denominator (inclusive: 以上 includes the number), in integers."""
    if inclusive:
        return count * denominator >= total * numerator
    return count * denominator > total * numerator


def vote_count_problem(*, total: int | None, present: int | None, in_favour: int | None) -> str | None:
    """Why counts cannot be (in favour > present > in all), or None."""
    if total is None or present is None or in_favour is None:
        return "请填写应到人数、实到人数和赞成人数。"
    if min(total, present, in_favour) < 0:
        return "人数不能为负数。"
    if total == 0:
        return "应到人数（职工代表总数或全体职工人数）应大于 0。"
    if present > total:
        return f"实到人数（{present}）不能多于应到人数（{total}）。"
    if in_favour > present:
        return f"赞成人数（{in_favour}）不能多于实到人数（{present}）。"
    return None


def quorum_reached(*, total: int, present: int, profile) -> bool:
    """Art. 36: 三分之二以上 of all delegates (or workers) present."""
    return at_least(
        present,
        total,
        profile.quorum_numerator,
        profile.quorum_denominator,
        inclusive=profile.thresholds_inclusive,
    )


def majority_reached(*, total: int, in_favour: int, profile) -> bool:
    """Art. 36: 半数以上 of all delegates (or workers) — not of those present — in favour."""
    return at_least(
        in_favour,
        total,
        profile.majority_numerator,
        profile.majority_denominator,
        inclusive=profile.thresholds_inclusive,
    )


def vote_passes(*, total: int, present: int, in_favour: int, profile) -> bool:
    """Whether the draft passed: the quorum and the majority, both over all delegates or workers."""
    return quorum_reached(total=total, present=present, profile=profile) and majority_reached(
        total=total, in_favour=in_favour, profile=profile
    )


def days_left(due: datetime.date, now: datetime.datetime | datetime.date) -> int:
    """Calendar days until a last day (0 = due today, negative = overdue), Shanghai days."""
    return (due - shanghai_date(now)).days
