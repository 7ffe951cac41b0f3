from django.urls import path

from . import autocomplete, views

app_name = "branches"

urlpatterns = [
    path("orgunits/", views.OrgUnitListView.as_view(), name="orgunit_list"),
    path("orgunits/export/", views.OrgUnitExportView.as_view(), name="orgunit_export"),
    path("orgunits/<int:pk>/", views.OrgUnitDetailView.as_view(), name="orgunit_detail"),
    path("orgunits/<int:pk>/edit/", views.OrgUnitUpdateView.as_view(), name="orgunit_update"),
    path("orgunits/<int:pk>/add/", views.OrgUnitChildCreateView.as_view(), name="orgunit_add_child"),
    path("orgunits/<int:pk>/approve/", views.UnionApproveView.as_view(), name="union_approve"),
    path("orgunits/<int:pk>/reject/", views.UnionRejectView.as_view(), name="union_reject"),
    path("orgunits/<int:pk>/archive/", views.UnionArchiveView.as_view(), name="union_archive"),
    path("orgunits/<int:pk>/new-term/", views.UnionElectionView.as_view(), name="union_new_term"),
    path("orgunits/<int:pk>/approval/", views.UnionApprovalPrintView.as_view(), name="union_approval_print"),
    path("orgunits/<int:pk>/subcommittees/add/", views.SubCommitteeAddView.as_view(), name="subcommittee_add"),
    path("orgunits/<int:pk>/officers/add/", views.OfficerAddView.as_view(), name="officer_add"),
    path("orgunits/<int:pk>/meetings/add/", views.MeetingRecordView.as_view(), name="meeting_add"),
    path("orgunits/<int:pk>/ratings/add/", views.RatingRecordView.as_view(), name="rating_add"),
    path("unions/", views.UnionListView.as_view(), name="union_list"),
    path("unions/export/", views.UnionExportView.as_view(), name="union_export"),
    path("unions/new/", views.UnionRegisterView.as_view(), name="union_register"),
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("enterprises/export/", views.EnterpriseExportView.as_view(), name="enterprise_export"),
    path("enterprises/new/", views.EnterpriseCreateView.as_view(), name="enterprise_create"),
    path("enterprises/<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", views.EnterpriseUpdateView.as_view(), name="enterprise_update"),
    path("enterprises/<int:pk>/archive/", views.EnterpriseArchiveView.as_view(), name="enterprise_archive"),
    path("meetings/", views.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/export/", views.MeetingExportView.as_view(), name="meeting_export"),
    path("formation-rate/", views.FormationRateView.as_view(), name="formation_rate"),
    path("compliance/", views.ComplianceView.as_view(), name="compliance"),
    path("autocomplete/unions/", autocomplete.UnionAutocompleteView.as_view(), name="union_autocomplete"),
    path(
        "autocomplete/enterprises/",
        autocomplete.EnterpriseAutocompleteView.as_view(),
        name="enterprise_autocomplete",
    ),
]
