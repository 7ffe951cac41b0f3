"""Reads of the contracts app. Row scoping for contracts lives in `scoping` and only there."""

from .contracts import *  # noqa: F403
from .coverage import *  # noqa: F403
from .scoping import contract_detail_queryset, contract_in_scope_q, contract_list  # noqa: F401
