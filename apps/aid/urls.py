"""The hardship-aid app's URLs: files, aid records, campaigns and the yearly report."""

from django.urls import path

from .views import campaigns, files, records, reports

app_name = "aid"

urlpatterns = [
    path("", files.FileListView.as_view(), name="file_list"),
    path("export/", files.FileExportView.as_view(), name="file_export"),
    path("member/<int:pk>/open/", files.FileOpenView.as_view(), name="file_open"),
    path("member/<int:pk>/aid/", records.RecordCreateView.as_view(), name="record_create"),
    path("<int:pk>/", files.FileDetailView.as_view(), name="file_detail"),
    path("<int:pk>/edit/", files.FileUpdateView.as_view(), name="file_update"),
    path("<int:pk>/review/", files.FileReviewView.as_view(), name="file_review"),
    path("<int:pk>/close/", files.FileCloseView.as_view(), name="file_close"),
    path("records/", records.RecordListView.as_view(), name="record_list"),
    path("records/export/", records.RecordExportView.as_view(), name="record_export"),
    path("records/<int:pk>/", records.RecordDetailView.as_view(), name="record_detail"),
    path("records/<int:pk>/reverse/", records.RecordReverseView.as_view(), name="record_reverse"),
    path("campaigns/", campaigns.CampaignListView.as_view(), name="campaign_list"),
    path("campaigns/new/", campaigns.CampaignCreateView.as_view(), name="campaign_create"),
    path("campaigns/<int:pk>/", campaigns.CampaignDetailView.as_view(), name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", campaigns.CampaignUpdateView.as_view(), name="campaign_update"),
    path("report/", reports.ReportView.as_view(), name="report"),
    path("report/export/", reports.ReportExportView.as_view(), name="report_export"),
]
