"""Search endpoints for the unions and enterprises a user may choose (apps.core.autocomplete)."""

from django.db.models import Q

from apps.core.autocomplete import ScopedAutocompleteView
from apps.core.forms import int_param

from . import selectors
from .choices import GRASSROOTS_KINDS, OrgUnitKind


def _in_township(queryset, user, township: str | None, path_field: str):
    """Narrowed to the forwarded township when it is one the user sees; unchanged otherwise."""
    pk = int_param(township)
    if pk is None:
        return queryset
    path = (
        selectors.orgunit_list(user=user)
        .filter(pk=pk, kind=OrgUnitKind.TOWNSHIP)
        .values_list("path", flat=True)
        .first()
    )
    return queryset.filter(**{f"{path_field}__startswith": path}) if path else queryset.none()


class UnionAutocompleteView(ScopedAutocompleteView):
    """Active grassroots unions in the user's subtree (a county: a thousand or more)."""

    permission_required = "branches.view_orgunit"
    selector = selectors.orgunit_list
    forwarded_fields = ("township",)

    def search(self, queryset, term, forwarded):
        unions = queryset.filter(kind__in=GRASSROOTS_KINDS, archived_at__isnull=True)
        unions = _in_township(unions, self.request.user, forwarded.get("township"), "path")
        if term:
            unions = unions.filter(name__icontains=term)
        return unions.only("pk", "name").order_by("path")  # tree order: grouped by township


class EnterpriseAutocompleteView(ScopedAutocompleteView):
    """Enterprises in the user's area that are not archived, by name or credit code.

    Forwarded: `township` narrows to one township; the union registration form forwards
    `unionless` ("1") to offer only enterprises no union covers yet.
    """

    permission_required = "branches.view_enterprise"
    selector = selectors.enterprise_list
    forwarded_fields = ("township", "unionless")

    def search(self, queryset, term, forwarded):
        enterprises = queryset.filter(archived_at__isnull=True)
        if forwarded.get("unionless") == "1":
            enterprises = enterprises.filter(union__isnull=True)
        township = int_param(forwarded.get("township"))
        if township is not None:
            enterprises = enterprises.filter(township_id=township)
        if term:
            enterprises = enterprises.filter(Q(name__icontains=term) | Q(credit_code=term.upper()))
        return (
            enterprises.select_related(None)
            .select_related("township")
            .only("pk", "name", "township__name")
            .order_by("name", "pk")
        )

    def label(self, obj):
        return f"{obj.name} · {obj.township.name}"
