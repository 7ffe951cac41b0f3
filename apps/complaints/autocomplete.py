"""Search endpoint for a complaint's handler (apps.core.autocomplete): users in the searcher's
area who may handle complaints. Staff names are personal data too: the term is posted."""

from django.db.models import Q

from apps.accounts.selectors import user_list_with_permission
from apps.branches.selectors import user_scope_path
from apps.core.autocomplete import ScopedAutocompleteView

HANDLER_PERMISSION = "complaints.change_complaint"


def handler_list(*, user):
    """Active users holding the handler permission whose unit lies in the user's area."""
    prefix = user_scope_path(user)
    if prefix is None:
        return user_list_with_permission(perm=HANDLER_PERMISSION).none()
    return user_list_with_permission(perm=HANDLER_PERMISSION, within_path=prefix)


class HandlerAutocompleteView(ScopedAutocompleteView):
    permission_required = "complaints.view_complaint"
    selector = handler_list

    def search(self, queryset, term, forwarded):
        if term:
            queryset = queryset.filter(Q(real_name__icontains=term) | Q(username__icontains=term))
        return queryset.only("pk", "username", "real_name")

    def label(self, obj):
        return obj.real_name or obj.username
