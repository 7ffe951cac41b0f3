"""The statements part's URLs: the tax bureau's statements, their import and reconciliation."""

from django.urls import path

from ..views import statements as views

urlpatterns = [
    path("statements/", views.StatementListView.as_view(), name="statement_list"),
    path("statements/upload/", views.StatementUploadView.as_view(), name="statement_upload"),
    path("statements/<int:pk>/", views.StatementDetailView.as_view(), name="statement_detail"),
    path("statements/<int:pk>/progress/", views.StatementProgressView.as_view(), name="statement_progress"),
    path("statements/<int:pk>/confirm/", views.StatementConfirmView.as_view(), name="statement_confirm"),
    path("statements/<int:pk>/retry/", views.StatementRetryView.as_view(), name="statement_retry"),
    path("statements/<int:pk>/report/", views.StatementReportView.as_view(), name="statement_report"),
    path(
        "statements/<int:pk>/reconciliation/",
        views.StatementReconciliationView.as_view(),
        name="statement_reconciliation",
    ),
    path(
        "statements/<int:pk>/reconciliation/export/",
        views.StatementReconciliationExportView.as_view(),
        name="statement_reconciliation_export",
    ),
    path(
        "statements/<int:pk>/reconciliation/register/",
        views.StatementRegisterPayersView.as_view(),
        name="statement_register_enterprises",
    ),
]
