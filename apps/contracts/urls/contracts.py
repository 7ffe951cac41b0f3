"""The contract list, its export, one contract, the request form, its content and its coverage."""

from django.urls import path

from .. import autocomplete
from ..views import contracts as views

urlpatterns = [
    path("", views.ContractListView.as_view(), name="contract_list"),
    path("export/", views.ContractExportView.as_view(), name="contract_export"),
    path("new/", views.ContractCreateView.as_view(), name="contract_create"),
    path("<int:pk>/", views.ContractDetailView.as_view(), name="contract_detail"),
    path("<int:pk>/edit/", views.ContractUpdateView.as_view(), name="contract_update"),
    path("<int:pk>/coverage/", views.ContractCoverageView.as_view(), name="contract_coverage"),
    path("autocomplete/unions/", autocomplete.SigningUnionAutocompleteView.as_view(), name="union_autocomplete"),
]
