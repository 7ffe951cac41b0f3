"""Search endpoints for members and transfer destinations (apps.core.autocomplete).

A member's name is personal data: like every endpoint here, the term comes in the POST body
and never appears in a URL or an access log (apps.core.search, gunicorn.conf.py).
"""

from django.db.models import Q

from apps.branches.models import OrgUnit
from apps.core.autocomplete import ScopedAutocompleteView
from apps.core.forms import int_param

from . import selectors
from .services import workplace_choices


class MemberAutocompleteView(ScopedAutocompleteView):
    """Members in the user's area, by name, card number, mobile or whole ID number (one box, as
    the member list's search: `selectors.member_search`). At least one character: an empty term
    lists nobody."""

    permission_required = "members.view_member"
    selector = selectors.member_list
    min_term_length = 1

    def search(self, queryset, term, forwarded):
        return (
            selectors.member_search(queryset, term)
            .only("pk", "real_name", "id_masked", "union__name")
            .order_by("real_name", "pk")
        )

    def label(self, obj):
        return f"{obj.real_name} · {obj.id_masked} · {obj.union.name}"


class TransferDestinationAutocompleteView(ScopedAutocompleteView):
    """The unions a member can be transferred to (any in the deployment), for those who may start one."""

    permission_required = "members.add_membershiptransfer"
    selector = selectors.transfer_destination_list

    def search(self, queryset, term, forwarded):
        if term:
            queryset = queryset.filter(name__icontains=term)
        return queryset.only("pk", "name").order_by("name", "pk")


class WorkplaceAutocompleteView(ScopedAutocompleteView):
    """工作单位: what services.workplace_choices offers a member of the forwarded `union` (the
    rule services.workplace_problem checks), by name or credit code; nothing for a union outside
    the user's area."""

    permission_required = "members.change_member"
    selector = selectors.workplace_list
    forwarded_fields = ("union",)

    def search(self, queryset, term, forwarded):
        union_id = int_param(forwarded.get("union"))
        union = OrgUnit.objects.filter(pk=union_id).first() if union_id is not None else None
        if union is None or not selectors.user_oversees_union(self.request.user, union):
            return queryset.none()
        queryset = queryset & workplace_choices(union)
        if term:
            queryset = queryset.filter(Q(name__icontains=term) | Q(credit_code=term.upper()))
        return queryset.only("pk", "name").order_by("name", "pk")
