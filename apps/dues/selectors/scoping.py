"""Which fund ledger entries a user sees: those of enterprises located in the user's subtree (a
township chair: the township's enterprises) or covered by a union in it (a grassroots officer:
their own enterprise). The one place that says so; every dues list, page and file asks here."""

from django.db.models import Q

from apps.branches.selectors import user_scope_path

from ..models import LedgerEntry


def entry_in_scope_q(user, relation: str = "") -> Q:
    """The entries in scope as a Q (relation "entry__" from a payment or an arrears action)."""
    prefix = user_scope_path(user)
    if prefix is None:
        return Q(pk__in=[])
    if prefix == "":
        return Q()
    return Q(**{f"{relation}enterprise__township__path__startswith": prefix}) | Q(
        **{f"{relation}enterprise__union__path__startswith": prefix}
    )


def ledger_entry_list(*, user):
    """Ledger entries in scope, newest period first, with what a list row shows."""
    return (
        LedgerEntry.objects.filter(entry_in_scope_q(user))
        .select_related("enterprise", "enterprise__township")
        .order_by("-period_start", "enterprise__name", "id")
    )


def ledger_entry_detail_queryset(*, user):
    return ledger_entry_list(user=user).select_related("approved_by", "enterprise__union")
