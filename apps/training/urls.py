"""The training app's URLs: programmes, places, attendance, certificates and the reports."""

from django.urls import path

from . import autocomplete
from .views import imports, places, programmes, reports

app_name = "training"

urlpatterns = [
    path("", programmes.ProgrammeListView.as_view(), name="programme_list"),
    path("export/", programmes.ProgrammeExportView.as_view(), name="programme_export"),
    path("new/", programmes.ProgrammeCreateView.as_view(), name="programme_create"),
    path("<int:pk>/", programmes.ProgrammeDetailView.as_view(), name="programme_detail"),
    path("<int:pk>/edit/", programmes.ProgrammeUpdateView.as_view(), name="programme_update"),
    path("<int:pk>/cancel/", programmes.ProgrammeCancelView.as_view(), name="programme_cancel"),
    path("<int:pk>/sessions/new/", programmes.SessionCreateView.as_view(), name="session_create"),
    path("sessions/<int:pk>/edit/", programmes.SessionUpdateView.as_view(), name="session_update"),
    path("<int:pk>/quotas/", programmes.QuotaView.as_view(), name="quotas"),
    path("<int:pk>/nominate/", places.NominationCreateView.as_view(), name="nomination_create"),
    path("nominations/<int:pk>/withdraw/", places.NominationWithdrawView.as_view(), name="nomination_withdraw"),
    path("sessions/<int:pk>/attendance/", places.AttendanceView.as_view(), name="attendance"),
    path("<int:pk>/assess/", places.CompletionAssessView.as_view(), name="completion_assess"),
    path("<int:pk>/scores/", places.ScoreView.as_view(), name="scores"),
    path("<int:pk>/certificates/issue/", places.CertificatesIssueView.as_view(), name="certificates_issue"),
    path("nominations/<int:pk>/certificate/", places.CertificateIssueView.as_view(), name="certificate_issue"),
    path("certificates/<int:pk>/print/", reports.CertificatePrintView.as_view(), name="certificate_print"),
    path("<int:pk>/certificates/print/", reports.CertificateBatchPrintView.as_view(), name="certificates_print"),
    path("reports/targets/", reports.TargetReportView.as_view(), name="target_report"),
    path("reports/targets/export/", reports.TargetReportExportView.as_view(), name="target_export"),
    path("reports/untrained/", reports.UntrainedListView.as_view(), name="untrained_list"),
    path("reports/untrained/export/", reports.UntrainedExportView.as_view(), name="untrained_export"),
    path("imports/", imports.AttendanceUploadView.as_view(), name="import_upload"),
    path("imports/<int:pk>/", imports.AttendanceImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/progress/", imports.AttendanceImportProgressView.as_view(), name="import_progress"),
    path("imports/<int:pk>/confirm/", imports.AttendanceImportConfirmView.as_view(), name="import_confirm"),
    path("imports/<int:pk>/retry/", imports.AttendanceImportRetryView.as_view(), name="import_retry"),
    path("imports/<int:pk>/report/", imports.AttendanceImportReportView.as_view(), name="import_report"),
    path("autocomplete/officers/", autocomplete.OfficerAutocompleteView.as_view(), name="officer_autocomplete"),
]
