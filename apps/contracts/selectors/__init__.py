"""Reads of the contracts app. Row scoping for contracts lives in `scoping` and only there."""

from .contracts import *  # noqa: F403
from .coverage import *  # noqa: F403
from .scoping import contract_detail_queryset, contract_in_scope_q, contract_list  # noqa: F401


def contract_import_list(*, user):
    """The register imports (集体合同台账) the user may see: those of units in the user's subtree.

    Defined here, in the selectors module itself, as the URL walk wants a view's selector."""
    from apps.branches.selectors import user_scope_path

    from ..models import ContractImport

    prefix = user_scope_path(user)
    queryset = ContractImport.objects.select_related("org_unit", "uploaded_by").defer("content", "report")
    if prefix is None:
        return queryset.none()
    return queryset if prefix == "" else queryset.filter(org_unit__path__startswith=prefix)
