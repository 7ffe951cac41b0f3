"""What the branches app asks of a user (registered in BranchesConfig.ready())."""

from django.urls import reverse
from django.utils import timezone

from apps.core.todos import TodoQuery

from .choices import GRASSROOTS_KINDS, UnionStatus
from .selectors import orgunit_list, union_terms_ending


def unions_awaiting_approval(user) -> TodoQuery:
    """New unions the user's level is to approve: the union list filtered by 待审批 shows exactly these."""
    return TodoQuery(
        queryset=orgunit_list(user=user).filter(
            kind__in=GRASSROOTS_KINDS, status=UnionStatus.PENDING, archived_at__isnull=True
        ),
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
