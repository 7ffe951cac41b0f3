"""What the header's search box finds of collective contracts (apps.core.global_search).

The contract list's own search (`contract_search`: a contract number whole or in part, an
enterprise's name, the signing union's name, the employers' representative) on its own scope.
The list keeps its search behind a session token (`private_filters`), so "see all" carries the
token, never the term. Shown: number, employer side, kind, status.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from apps.core.global_search import SearchHit, SearchQuery, register_search_provider

from .selectors import contract_list, contract_search

SHOWN = ("pk", "number", "kind", "scope", "status", "employer_representative", "enterprise__name", "union__name")


def find_contracts(user, term):
    found = contract_search(contract_list(user=user), term.text)
    if term.is_long_number and "JTHT" not in term.text.upper():
        # An ID number, a mobile, a card: in no name. (A contract number JTHT-2026-0001 has eight
        # digits once its dashes are dropped, so it is looked up.)
        found = found.none()
    return SearchQuery(
        queryset=found.select_related(None).select_related("enterprise", "union").only(*SHOWN),
        hit=contract_hit,
        list_url=f"{reverse('contracts:contract_list')}?{urlencode({'q': term.token})}",
    )


def contract_hit(contract) -> SearchHit:
    return SearchHit(
        title=contract.number,
        url=contract.get_absolute_url(),
        details=(contract.parties_label, contract.get_kind_display(), contract.get_status_display()),
    )


def register() -> None:
    register_search_provider(
        "contracts",
        find_contracts,
        label=pgettext_lazy("search kind", "Collective contracts"),
        permission="contracts.view_contract",
        order=310,
    )
