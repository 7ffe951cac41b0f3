"""The dues app's URLs, one module per part of the app (each keeps its own list)."""

from . import arrears, finance, ledger, memberdues, statements

app_name = "dues"

urlpatterns = [
    *ledger.urlpatterns,
    *statements.urlpatterns,
    *finance.urlpatterns,
    *arrears.urlpatterns,
    *memberdues.urlpatterns,
]
