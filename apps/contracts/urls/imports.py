"""The contract register's import (集体合同台账): contracts signed before the portal."""

from django.urls import path

from ..views import imports as views

urlpatterns = [
    path("imports/", views.RegisterUploadView.as_view(), name="import_upload"),
    path("imports/template/", views.RegisterTemplateView.as_view(), name="import_template"),
    path("imports/<int:pk>/", views.RegisterImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/progress/", views.RegisterImportProgressView.as_view(), name="import_progress"),
    path("imports/<int:pk>/confirm/", views.RegisterImportConfirmView.as_view(), name="import_confirm"),
    path("imports/<int:pk>/retry/", views.RegisterImportRetryView.as_view(), name="import_retry"),
    path("imports/<int:pk>/report/", views.RegisterImportReportView.as_view(), name="import_report"),
]
