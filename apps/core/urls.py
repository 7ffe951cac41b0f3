from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("search/", views.GlobalSearchView.as_view(), name="global_search"),
    path("notifications/", views.NotificationListView.as_view(), name="notification_list"),
    path("notifications/<int:pk>/open/", views.NotificationOpenView.as_view(), name="notification_open"),
    path("notifications/read-all/", views.NotificationReadAllView.as_view(), name="notification_read_all"),
    path("exports/<int:pk>/", views.ExportJobView.as_view(), name="export_job"),
    path("exports/<int:pk>/download/", views.ExportJobDownloadView.as_view(), name="export_job_download"),
    path("exports/<int:pk>/retry/", views.ExportJobRetryView.as_view(), name="export_job_retry"),
]
