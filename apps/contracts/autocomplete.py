"""Search endpoints of the contract forms (apps.core.autocomplete).

The enterprises a contract names or covers are the branches app's endpoint
(`branches:enterprise_autocomplete`: the user's enterprises, not archived); the signing union is
searched here, since a township union signs regional contracts and the branches endpoint offers
grassroots unions only.
"""

from apps.core.autocomplete import ScopedAutocompleteView

from . import selectors


class SigningUnionAutocompleteView(ScopedAutocompleteView):
    """Unions in the user's subtree that may sign a contract (grassroots and township unions)."""

    permission_required = "contracts.add_contract"
    selector = selectors.signing_union_list

    def search(self, queryset, term, forwarded):
        if term:
            queryset = queryset.filter(name__icontains=term)
        return queryset.only("pk", "name").order_by("path")  # tree order: each township, then its unions
