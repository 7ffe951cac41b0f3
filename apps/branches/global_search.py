"""What the header's search box finds of unions and enterprises (apps.core.global_search).

The lists' own searches on their own scopes: an org unit by a part of its name
(`orgunit_list`), an enterprise by a part of its name or its whole credit code
(`enterprise_search`), archived enterprises left out as on the list. A term with seven
digits or more in a row (an ID number, a mobile, a card) is in no organisation's name: no query. Their lists keep
their search in the session behind a token (`private_filters`, as the member list), so "see
all" carries the term's token, never the term: what was typed in the header may be a name.
"""

from urllib.parse import urlencode

from django.urls import reverse

from apps.core.global_search import SearchHit, SearchQuery

from .selectors import enterprise_list, enterprise_search, enterprise_search_is_exact, orgunit_list


def _list_url(name, term):
    return f"{reverse(name)}?{urlencode({'q': term.token})}"


def find_orgunits(user, term):
    found = orgunit_list(user=user, filters={"q": term.text})
    if term.is_long_number:  # an ID number, a mobile, a card: no unit's name holds one
        found = found.none()
    return SearchQuery(
        queryset=found.only("pk", "name", "kind", "is_active"),
        hit=orgunit_hit,
        list_url=_list_url("branches:orgunit_list", term),
    )


def orgunit_hit(unit) -> SearchHit:
    return SearchHit(title=unit.name, url=unit.get_absolute_url(), details=(unit.get_kind_display(),))


def find_enterprises(user, term):
    found = enterprise_search(enterprise_list(user=user).filter(archived_at__isnull=True), term.text)
    if term.is_long_number and not enterprise_search_is_exact(term.text):
        found = found.none()  # a long number that is not a credit code: no enterprise's name holds one
    return SearchQuery(
        queryset=found.select_related(None)
        .select_related("township")
        .only("pk", "name", "credit_code", "township__name"),
        hit=enterprise_hit,
        list_url=_list_url("branches:enterprise_list", term),
    )


def enterprise_hit(enterprise) -> SearchHit:
    return SearchHit(
        title=enterprise.name,
        url=enterprise.get_absolute_url(),
        details=(enterprise.credit_code, enterprise.township.name),
    )
