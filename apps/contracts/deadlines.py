"""When a contract is due something: one rule per deadline, as a `Q` over `Contract`.

The milestone sweep (apps.contracts.milestones), the to-dos (apps.contracts.todos) and the
list's `?due=` filter (apps.contracts.filters) all build their rows from these functions, so
"awaiting an answer" is the same set of contracts in a reminder, on the home page and in the
list. `today` is the Asia/Shanghai calendar date (`clock.shanghai_date(now)`).

The legal periods are not here: they come from the contract's rule profile and are stored as
due dates on the row when the step is recorded (answer_due_on, send_due_on, review_ends_on,
term_end). What is read here are the reminder lead times, how long before a date the reminder
goes out, from settings (declared with their defaults in unionportal/settings/base.py):

- CONTRACT_ANSWER_REMINDER_DAYS (5): the answer to a bargaining request is due within 5 days;
- CONTRACT_SEND_REMINDER_DAYS (3): the signed contract is to be sent within 3 days;
- CONTRACT_EXPIRY_REMINDER_DAYS (30): the term ends within 30 days.

Each builder keeps to one of the partial indexes of `Contract.Meta` (contracts_awaiting_answer,
contracts_awaiting_sending, contracts_under_review, contracts_in_force_term_end): the sweep over
a province's contracts with nothing due reads a few index pages, not the table.
"""

import datetime

from django.conf import settings
from django.db.models import DateField, DateTimeField, F, Func, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.lookups import LessThan

from .choices import ContractStatus

__all__ = [
    "answer_due_soon_q",
    "answer_overdue_q",
    "answer_reminder_days",
    "awaiting_answer_q",
    "awaiting_sending_q",
    "deemed_in_force_due_q",
    "expired_due_q",
    "expiring_q",
    "expiry_reminder_days",
    "renewal_window_closed_before",
    "renewal_window_q",
    "send_due_soon_q",
    "send_reminder_days",
    "sending_overdue_q",
    "ShanghaiStartOf",
]


def answer_reminder_days() -> int:
    return settings.CONTRACT_ANSWER_REMINDER_DAYS


def send_reminder_days() -> int:
    return settings.CONTRACT_SEND_REMINDER_DAYS


def expiry_reminder_days() -> int:
    return settings.CONTRACT_EXPIRY_REMINDER_DAYS


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


# --- 1. the bargaining request (art. 32) --------------------------------------------------------


def awaiting_answer_q(today: datetime.date) -> Q:
    """Bargaining requests the other side has not answered yet, overdue ones included (`today`
    is taken for the same signature as the others: every unanswered request is awaiting)."""
    return Q(status=ContractStatus.REQUESTED, answered_on__isnull=True)


def answer_due_soon_q(today: datetime.date, days: int | None = None) -> Q:
    """Unanswered requests whose last day to answer is today or within `days` days."""
    days = answer_reminder_days() if days is None else days
    return awaiting_answer_q(today) & Q(answer_due_on__gte=today, answer_due_on__lte=today + _days(days))


def answer_overdue_q(today: datetime.date) -> Q:
    """Unanswered requests past their last day to answer (a finding: 逾期未回应)."""
    return awaiting_answer_q(today) & Q(answer_due_on__lt=today)


# --- 2. sending the signed contract (art. 42) ---------------------------------------------------


def awaiting_sending_q(today: datetime.date) -> Q:
    """Signed contracts not yet sent to the labour administration, overdue ones included."""
    return Q(status=ContractStatus.SIGNED, sent_on__isnull=True, send_due_on__isnull=False)


def send_due_soon_q(today: datetime.date, days: int | None = None) -> Q:
    """Signed contracts whose last day to send is today or within `days` days."""
    days = send_reminder_days() if days is None else days
    return awaiting_sending_q(today) & Q(send_due_on__gte=today, send_due_on__lte=today + _days(days))


def sending_overdue_q(today: datetime.date) -> Q:
    """Signed contracts past their last day to send (逾期未报送)."""
    return awaiting_sending_q(today) & Q(send_due_on__lt=today)


# --- 3. the review (art. 47) --------------------------------------------------------------------


def deemed_in_force_due_q(today: datetime.date) -> Q:
    """Contracts under review whose review period is over without an objection: in force by
    themselves from the day after it (an objection sends a contract back to NEGOTIATING, so a
    contract still SUBMITTED had none)."""
    return Q(status=ContractStatus.SUBMITTED, received_on__isnull=False, review_ends_on__lt=today)


# --- 4. the term: renewal (art. 38) and expiry --------------------------------------------------


class _MonthsBefore(Func):
    """`date` moved back by whole calendar months in SQL, clamped at the month's end as
    `clock.add_months` is (PostgreSQL: 2026-05-31 - 3 months = 2026-02-28)."""

    output_field = DateField()

    def as_sql(self, compiler, connection, **extra_context):
        date_sql, date_params = compiler.compile(self.source_expressions[0])
        months_sql, months_params = compiler.compile(self.source_expressions[1])
        return f"(({date_sql}) - make_interval(months => {months_sql}))::date", (*date_params, *months_params)


def renewal_window_closed_before():
    """The day before each contract's renewal window opens, in SQL: its term's end moved back by
    its rule profile's months (`clock.renewal_window_opens_on` is the day after). An expression
    over `Contract`; it joins the rule profile."""
    return _MonthsBefore(F("term_end"), F("rule_profile__renewal_window_months"))


def _renewal_window_bound(today: datetime.date) -> RawSQL:
    """A term end no renewal window can reach yet lies after this: today + the longest window of
    any profile + a month (a cheap superset, so the in-force index is read as a range)."""
    return RawSQL(
        # contracts_ruleprofile: RuleProfile's table.
        "(%s::date + make_interval(months => "
        "(SELECT COALESCE(MAX(renewal_window_months), 0) + 1 FROM contracts_ruleprofile)))::date",
        [today],
        output_field=DateField(),
    )


def renewal_window_q(today: datetime.date) -> Q:
    """Contracts in force whose renewal window has opened (today ≥ clock.renewal_window_opens_on
    of the term's end under the contract's profile), whose term has not ended, and whose renewal
    nobody has asked for yet."""
    return Q(
        LessThan(renewal_window_closed_before(), Value(today)),
        status=ContractStatus.IN_FORCE,
        term_end__gte=today,
        term_end__lte=_renewal_window_bound(today),
        renewal_requested_on__isnull=True,
        renewal__isnull=True,
    )


def expiring_q(today: datetime.date, days: int | None = None) -> Q:
    """Contracts in force whose term ends today or within `days` days."""
    days = expiry_reminder_days() if days is None else days
    return Q(status=ContractStatus.IN_FORCE, term_end__gte=today, term_end__lte=today + _days(days))


def expired_due_q(today: datetime.date) -> Q:
    """Contracts still in force whose term is over: they expire (a contract its renewal replaced
    is RENEWED already, so it is not among them)."""
    return Q(status=ContractStatus.IN_FORCE, term_end__lt=today)


# --- due times ---------------------------------------------------------------------------------


class ShanghaiStartOf(Func):
    """The first instant of a date (plus `days`) in Asia/Shanghai, in SQL: a milestone's due time."""

    output_field = DateTimeField()

    def __init__(self, expression, days: int = 0, **extra):
        super().__init__(expression, Value(days), **extra)

    def as_sql(self, compiler, connection, **extra_context):
        date_sql, date_params = compiler.compile(self.source_expressions[0])
        days_sql, days_params = compiler.compile(self.source_expressions[1])
        return (
            f"((({date_sql}) + {days_sql}::integer)::timestamp AT TIME ZONE 'Asia/Shanghai')",
            (*date_params, *days_params),
        )
