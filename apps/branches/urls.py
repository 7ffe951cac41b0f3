from django.urls import path

from . import views

app_name = "branches"

urlpatterns = [
    path("orgunits/", views.OrgUnitListView.as_view(), name="orgunit_list"),
    path("orgunits/export/", views.OrgUnitExportView.as_view(), name="orgunit_export"),
    path("orgunits/<int:pk>/", views.OrgUnitDetailView.as_view(), name="orgunit_detail"),
    path("orgunits/<int:pk>/edit/", views.OrgUnitUpdateView.as_view(), name="orgunit_update"),
    path("orgunits/<int:pk>/add/", views.OrgUnitChildCreateView.as_view(), name="orgunit_add_child"),
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("enterprises/export/", views.EnterpriseExportView.as_view(), name="enterprise_export"),
    path("enterprises/new/", views.EnterpriseCreateView.as_view(), name="enterprise_create"),
    path("enterprises/<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", views.EnterpriseUpdateView.as_view(), name="enterprise_update"),
    path("enterprises/<int:pk>/archive/", views.EnterpriseArchiveView.as_view(), name="enterprise_archive"),
    path("formation-rate/", views.FormationRateView.as_view(), name="formation_rate"),
]
