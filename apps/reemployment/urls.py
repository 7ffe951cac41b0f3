"""The re-employment app's URLs: cases, bases, targets and the yearly report."""

from django.urls import path

from .views import bases, cases, reports

app_name = "reemployment"

urlpatterns = [
    path("", cases.CaseListView.as_view(), name="case_list"),
    path("register/", cases.CaseRegisterView.as_view(), name="case_register"),
    path("<int:pk>/", cases.CaseDetailView.as_view(), name="case_detail"),
    path("<int:pk>/edit/", cases.CaseUpdateView.as_view(), name="case_update"),
    path("<int:pk>/help/", cases.HelpCreateView.as_view(), name="help_create"),
    path("<int:pk>/employed/", cases.CaseEmployedView.as_view(), name="case_employed"),
    path("<int:pk>/close/", cases.CaseCloseView.as_view(), name="case_close"),
    path("bases/", bases.BaseListView.as_view(), name="base_list"),
    path("bases/new/", bases.BaseCreateView.as_view(), name="base_create"),
    path("bases/<int:pk>/", bases.BaseDetailView.as_view(), name="base_detail"),
    path("bases/<int:pk>/edit/", bases.BaseUpdateView.as_view(), name="base_update"),
    path("bases/<int:pk>/places/", bases.BasePlacesView.as_view(), name="base_places"),
    path("bases/<int:pk>/close/", bases.BaseCloseView.as_view(), name="base_close"),
    path("targets/", reports.TargetView.as_view(), name="targets"),
    path("report/", reports.ReportView.as_view(), name="report"),
    path("report/export/", reports.ReportExportView.as_view(), name="report_export"),
]
