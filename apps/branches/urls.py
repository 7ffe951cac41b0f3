from django.urls import path

from . import views

app_name = "branches"

urlpatterns = [
    path("orgunits/", views.OrgUnitListView.as_view(), name="orgunit_list"),
    path("orgunits/export/", views.OrgUnitExportView.as_view(), name="orgunit_export"),
    path("orgunits/<int:pk>/", views.OrgUnitDetailView.as_view(), name="orgunit_detail"),
    path("orgunits/<int:pk>/edit/", views.OrgUnitUpdateView.as_view(), name="orgunit_update"),
    path("orgunits/<int:pk>/add/", views.OrgUnitChildCreateView.as_view(), name="orgunit_add_child"),
]
