from django.urls import path

from . import autocomplete, views

app_name = "members"

urlpatterns = [
    path("", views.MemberListView.as_view(), name="member_list"),
    path("export/", views.MemberExportView.as_view(), name="member_export"),
    path("enrolment-problems/", views.EnrolmentProblemListView.as_view(), name="enrolment_problems"),
    path("new/", views.MemberCreateView.as_view(), name="member_create"),
    path("<int:pk>/", views.MemberDetailView.as_view(), name="member_detail"),
    path("<int:pk>/edit/", views.MemberUpdateView.as_view(), name="member_update"),
    path("<int:pk>/archive/", views.MemberArchiveView.as_view(), name="member_archive"),
    path("<int:pk>/reveal-id/", views.MemberRevealView.as_view(), name="member_reveal_id"),
    path("<int:pk>/print/", views.MemberPrintView.as_view(), name="member_print"),
    path("<int:pk>/print/whole-id/", views.MemberPrintWholeView.as_view(), name="member_print_whole"),
    path("unions/<int:pk>/roster/print/", views.RosterPrintView.as_view(), name="roster_print"),
    path("<int:pk>/correct-id/", views.MemberIdCorrectionView.as_view(), name="member_correct_id"),
    path("<int:pk>/transfer/", views.TransferStartView.as_view(), name="transfer_start"),
    path("transfers/", views.TransferListView.as_view(), name="transfer_list"),
    path("transfers/in/", views.TransferInView.as_view(), name="transfer_in"),
    path(
        "transfers/<int:pk>/accept/",
        views.TransferDecisionView.as_view(),
        {"decision": "accept"},
        name="transfer_accept",
    ),
    path(
        "transfers/<int:pk>/reject/",
        views.TransferDecisionView.as_view(),
        {"decision": "reject"},
        name="transfer_reject",
    ),
    path("transfers/<int:pk>/cancel/", views.TransferCancelView.as_view(), name="transfer_cancel"),
    path("imports/", views.RosterUploadView.as_view(), name="import_upload"),
    path("imports/template/", views.RosterTemplateView.as_view(), name="import_template"),
    path("imports/<int:pk>/", views.ImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/progress/", views.ImportProgressView.as_view(), name="import_progress"),
    path("imports/<int:pk>/confirm/", views.ImportConfirmView.as_view(), name="import_confirm"),
    path("imports/<int:pk>/retry/", views.ImportRetryView.as_view(), name="import_retry"),
    path("imports/<int:pk>/report/", views.ImportReportView.as_view(), name="import_report"),
    path("autocomplete/members/", autocomplete.MemberAutocompleteView.as_view(), name="member_autocomplete"),
    path("autocomplete/workplaces/", autocomplete.WorkplaceAutocompleteView.as_view(), name="workplace_autocomplete"),
    path(
        "autocomplete/transfer-destinations/",
        autocomplete.TransferDestinationAutocompleteView.as_view(),
        name="transfer_destination_autocomplete",
    ),
]
