"""A URLconf with only `contracts:contract_detail`, for service tests that link to a contract
(notifications) on a branch where the contract pages (i13/pages) are not merged yet."""

from django.urls import include, path
from django.views.generic import View

urlpatterns = [
    path("contracts/", include(([path("<int:pk>/", View.as_view(), name="contract_detail")], "contracts"))),
]
