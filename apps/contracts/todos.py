"""What the contracts app asks of a user (registered in ContractsConfig.ready()).

Four to-dos over the contracts in the user's area, each counting exactly the rows its link
opens: the contract list's `?due=` filter (apps.contracts.filters) and these querysets are
built from the same rules (apps.contracts.deadlines), as the reminders are.
"""

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apps.core.todos import TodoQuery, register_todo

from . import clock, deadlines
from .models import Contract
from .selectors.scoping import contract_in_scope_q

# Who is asked: who may record a contract's steps.
TODO_PERMISSION = "contracts.change_contract"


def _in_area(user):
    return Contract.objects.filter(contract_in_scope_q(user))


def _list_url(due: str) -> str | None:
    """The contract list showing exactly a to-do's rows; None while the list is not mounted."""
    try:
        return f"{reverse('contracts:contract_list')}?due={due}"
    except NoReverseMatch:
        return None


def _todo(user, *, due: str, q, label: str, urgency: str, urgent_q=None) -> TodoQuery | None:
    url = _list_url(due)
    if url is None:
        return None
    rows = _in_area(user).filter(q)
    return TodoQuery(
        queryset=rows,
        label=label,
        url=url,
        urgency=urgency,
        urgent=None if urgent_q is None else rows.filter(urgent_q),
    )


def requests_awaiting_answer(user) -> TodoQuery | None:
    """Bargaining requests not answered yet; urgent once one is past its last day to answer."""
    today = clock.shanghai_date(timezone.now())
    return _todo(
        user,
        due="answer",
        q=deadlines.awaiting_answer_q(today),
        label="待回应的集体协商要约",
        urgency="soon",
        urgent_q=deadlines.answer_overdue_q(today),
    )


def contracts_to_send(user) -> TodoQuery | None:
    """Signed contracts not yet sent for review; urgent once one is past its last day to send."""
    today = clock.shanghai_date(timezone.now())
    return _todo(
        user,
        due="send",
        q=deadlines.awaiting_sending_q(today),
        label="已签订待报送审查的集体合同",
        urgency="soon",
        urgent_q=deadlines.sending_overdue_q(today),
    )


def contracts_to_renew(user) -> TodoQuery | None:
    """Contracts in force in their renewal window whose renewal nobody has asked for yet."""
    today = clock.shanghai_date(timezone.now())
    return _todo(
        user,
        due="renewal",
        q=deadlines.renewal_window_q(today),
        label="已进入续订期尚未续订的集体合同",
        urgency="normal",
    )


def contracts_expiring(user) -> TodoQuery | None:
    """Contracts in force whose term ends within CONTRACT_EXPIRY_REMINDER_DAYS (30) days."""
    today = clock.shanghai_date(timezone.now())
    return _todo(
        user,
        due="expiring",
        q=deadlines.expiring_q(today),
        label=f"{deadlines.expiry_reminder_days()}天内期满的集体合同",
        urgency="soon",
    )


TODOS = {
    "contracts.awaiting_answer": requests_awaiting_answer,
    "contracts.to_send": contracts_to_send,
    "contracts.to_renew": contracts_to_renew,
    "contracts.expiring": contracts_expiring,
}


def register() -> None:
    for order, (key, func) in enumerate(TODOS.items(), start=400):
        register_todo(key, func, permission=TODO_PERMISSION, order=order)
