"""The memberdues part's URLs: the branches' month, a branch's sheet and its file, the warning list."""

from django.urls import path

from ..views import memberdues as views

urlpatterns = [
    path("member-dues/", views.DuesSummaryView.as_view(), name="member_dues"),
    path("member-dues/export/", views.DuesSummaryExportView.as_view(), name="member_dues_export"),
    path("member-dues/overdue/", views.DuesOverdueView.as_view(), name="member_dues_overdue"),
    path("member-dues/<int:pk>/", views.DuesSheetView.as_view(), name="member_dues_sheet"),
    path("member-dues/<int:pk>/export/", views.DuesSheetExportView.as_view(), name="member_dues_sheet_export"),
]
