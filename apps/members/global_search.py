"""What the header's search box finds of members (apps.core.global_search).

The member list's own search (`member_search`: a whole ID number by its keyed hash, a mobile,
a card number, a name by the trigram index) on the member list's own scope (`member_list`).
Shown as the list shows a member: card number, masked ID number, union; never the mobile.
"""

from urllib.parse import urlencode

from django.urls import reverse

from apps.core.global_search import SearchHit, SearchQuery

from .selectors import member_list, member_search

SHOWN = ("pk", "real_name", "card_number", "id_masked", "status", "union__name")


def find_members(user, term):
    found = member_search(member_list(user=user), term.text).select_related(None).select_related("union")
    return SearchQuery(
        queryset=found.only(*SHOWN),
        hit=member_hit,
        list_url=f"{reverse('members:member_list')}?{urlencode({'q': term.token})}",
    )


def member_hit(member) -> SearchHit:
    return SearchHit(
        title=member.real_name,
        url=member.get_absolute_url(),
        details=(member.card_number, member.id_masked, member.union.name, member.get_status_display()),
    )
