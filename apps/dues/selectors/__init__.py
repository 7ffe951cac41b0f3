from .scoping import entry_in_scope_q, ledger_entry_detail_queryset, ledger_entry_list

__all__ = ["entry_in_scope_q", "ledger_entry_list", "ledger_entry_detail_queryset"]
