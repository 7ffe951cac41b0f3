"""What the header's search box finds of complaints (apps.core.global_search).

The complaint list's own search (`complaint_search`: a tracking number whole or in part, an
enterprise's name, the complainant's name only for roles that may see it) on its own scope.
Shown: tracking number, enterprise, status, received date; never the complainant.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from apps.core.global_search import SearchHit, SearchQuery

from .selectors import complaint_list, complaint_search

SHOWN = ("pk", "tracking_number", "status", "received_at", "enterprise__name")


def find_complaints(user, term):
    found = complaint_search(complaint_list(user=user), term.text, user=user)
    if term.is_long_number:  # an ID number, a mobile, a card: in no tracking number, enterprise or name
        found = found.none()
    return SearchQuery(
        queryset=found.select_related(None).select_related("enterprise").only(*SHOWN),
        hit=complaint_hit,
        list_url=f"{reverse('complaints:complaint_list')}?{urlencode({'q': term.token})}",
    )


def complaint_hit(complaint) -> SearchHit:
    return SearchHit(
        title=complaint.tracking_number,
        url=complaint.get_absolute_url(),
        details=(
            complaint.enterprise.name,
            complaint.get_status_display(),
            timezone.localdate(complaint.received_at).isoformat(),
        ),
    )
