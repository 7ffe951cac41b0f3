"""The dues app's writes. Import from the modules: `from apps.dues.services import ledger`."""
