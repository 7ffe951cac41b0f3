"""集体合同签订率: the page per township and the list of enterprises behind its numbers."""

from django.urls import path

from ..views import coverage as views

urlpatterns = [
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
    path("coverage/enterprises/", views.CoverageEnterpriseListView.as_view(), name="coverage_enterprises"),
    path(
        "coverage/enterprises/export/",
        views.CoverageEnterpriseExportView.as_view(),
        name="coverage_enterprises_export",
    ),
]
