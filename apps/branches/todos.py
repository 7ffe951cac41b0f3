"""What the branches app asks of a user (registered in BranchesConfig.ready())."""

from django.urls import reverse
from django.utils import timezone

from apps.core.todos import TodoQuery

from .selectors import orgunit_list, union_terms_ending
from .services import unions_user_may_decide


def unions_awaiting_approval(user) -> TodoQuery:
    """New unions the user may approve (services.unions_user_may_decide, the rule the approve
    buttons and the service ask): the union list filtered by 待审批 shows these."""
    return TodoQuery(
        queryset=unions_user_may_decide(user=user),
        label="待审批的新建工会",
        url=f"{reverse('branches:union_list')}?status=pending",
    )


def terms_ending(user) -> TodoQuery:
    """Unions whose term ends soon or has ended (换届): the compliance page lists exactly these."""
    today = timezone.localdate()
    terms = union_terms_ending(orgunit_list(user=user), today=today)
    return TodoQuery(
        queryset=terms,
        label="任期将满或已满、需换届的基层工会",
        url=f"{reverse('branches:compliance')}#terms-ending",
        urgency="soon",
        urgent=terms.filter(term_end__lt=today),
    )
