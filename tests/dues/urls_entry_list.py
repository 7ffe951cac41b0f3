"""A URL configuration with only a ledger list named as the ledger part names it (`dues:entry_list`),
for the collection rate's links, which are built only when that list is installed."""

from django.urls import include, path
from django.views.generic import View

ledger_patterns = ([path("entries/", View.as_view(), name="entry_list")], "dues")

urlpatterns = [path("dues/", include(ledger_patterns))]
