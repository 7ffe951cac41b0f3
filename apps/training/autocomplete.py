"""Search endpoints of the training forms (apps.core.autocomplete): the officers a township
chair may nominate (members are the members app's endpoint, `members:member_autocomplete`)."""

from apps.core.autocomplete import ScopedAutocompleteView

from . import selectors


class OfficerAutocompleteView(ScopedAutocompleteView):
    """Officers in post of the unions in the user's area, by name."""

    permission_required = "training.add_nomination"
    selector = selectors.cadres_in_post

    def search(self, queryset, term, forwarded):
        if term:
            queryset = queryset.filter(name__icontains=term)
        return (
            queryset.select_related("union")
            .only("pk", "name", "position", "union__name")
            .order_by("union__path", "name", "pk")
        )

    def label(self, obj):
        return f"{obj.name} · {obj.get_position_display()} · {obj.union.name}"
