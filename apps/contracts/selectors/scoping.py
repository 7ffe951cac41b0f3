"""Which contracts a user sees: those whose signing union lies in the user's subtree.

A regional contract belongs to its union's township (the township union, or a regional union
under it); a county-wide industry union's contracts to the county. The one place that says so.
"""

from django.db.models import Q

from apps.branches.selectors import user_scope_path

from ..models import Contract


def contract_in_scope_q(user, relation: str = "") -> Q:
    """The rows in scope as a Q (relation "contract__" from a step, a document or a coverage row)."""
    prefix = user_scope_path(user)
    if prefix is None:
        return Q(pk__in=[])
    if prefix == "":
        return Q()
    return Q(**{f"{relation}union__path__startswith": prefix})


def contract_list(*, user):
    """Contracts in the user's subtree, newest request first, with what a list row shows."""
    return (
        Contract.objects.filter(contract_in_scope_q(user))
        .select_related("union", "township", "enterprise")
        .defer("women_protections", "main_terms")
        .order_by("-requested_on", "-id")
    )


def contract_detail_queryset(*, user):
    return contract_list(user=user).select_related("rule_profile", "replaces", "recorded_by").defer(None)
