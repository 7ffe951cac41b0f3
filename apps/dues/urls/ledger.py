"""The ledger part's URLs."""

urlpatterns = []
