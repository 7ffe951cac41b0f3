"""What the members app asks of a user (registered in MembersConfig.ready())."""

from django.urls import reverse

from apps.core.todos import TodoQuery

from .selectors import transfer_pending_for


def transfers_to_accept(user) -> TodoQuery:
    """Transfers the user's side must accept or refuse: the transfer list's "waiting for you" table."""
    return TodoQuery(
        queryset=transfer_pending_for(user=user),
        label="待本方接收或处理的会籍接转",
        url=f"{reverse('members:transfer_list')}#pending",
    )
