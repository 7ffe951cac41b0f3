"""Search endpoint for a complaint's handler (apps.core.autocomplete): users in the searcher's
area who may handle complaints. Staff names are personal data too: the term is posted."""

from django.db.models import Q

from apps.core.autocomplete import ScopedAutocompleteView

from . import selectors


class HandlerAutocompleteView(ScopedAutocompleteView):
    permission_required = "complaints.view_complaint"
    # The same users the list's handler filter offers (one rule: complaint_handler_choices).
    selector = selectors.complaint_handler_choices

    def search(self, queryset, term, forwarded):
        if term:
            queryset = queryset.filter(Q(real_name__icontains=term) | Q(username__icontains=term))
        return queryset.only("pk", "username", "real_name")

    def label(self, obj):
        return obj.real_name or obj.username
