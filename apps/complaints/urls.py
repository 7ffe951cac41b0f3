from django.urls import path

from . import autocomplete, views

app_name = "complaints"

urlpatterns = [
    path("", views.ComplaintListView.as_view(), name="complaint_list"),
    path("export/", views.ComplaintExportView.as_view(), name="complaint_export"),
    path("new/", views.ComplaintCreateView.as_view(), name="complaint_create"),
    path("statistics/", views.ComplaintStatisticsView.as_view(), name="statistics"),
    path("<int:pk>/", views.ComplaintDetailView.as_view(), name="complaint_detail"),
    path("<int:pk>/to/<str:status>/", views.ComplaintTransitionView.as_view(), name="complaint_transition"),
    path("<int:pk>/attachments/", views.AttachmentUploadView.as_view(), name="attachment_upload"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/", views.AttachmentDownloadView.as_view(), name="attachment_download"
    ),
    path("<int:pk>/posting/", views.PostingPrintView.as_view(), name="posting_print"),
    path("<int:pk>/print/", views.ComplaintPrintView.as_view(), name="complaint_print"),
    path("autocomplete/handlers/", autocomplete.HandlerAutocompleteView.as_view(), name="handler_autocomplete"),
]
