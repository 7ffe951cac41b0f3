"""The contracts app's URLs, one module per part of the app (each keeps its own list)."""

from . import contracts, coverage, imports, steps

app_name = "contracts"

urlpatterns = [*contracts.urlpatterns, *steps.urlpatterns, *coverage.urlpatterns, *imports.urlpatterns]
