from django.urls import path

from . import views
from . import views_assessment as assessment

app_name = "overview"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("refresh/", views.HomeRefreshView.as_view(), name="home_refresh"),
    # The county assessment (年终考核).
    path("assessment/", assessment.YearTableView.as_view(), name="assessment"),
    path("assessment/export/", assessment.YearExportView.as_view(), name="assessment_export"),
    path("assessment/print/", assessment.YearPrintView.as_view(), name="assessment_print"),
    path("assessment/townships/<int:pk>/", assessment.TownshipView.as_view(), name="assessment_township"),
    path("assessment/townships/<int:pk>/self/", assessment.SelfAssessmentView.as_view(), name="assessment_self"),
    path("assessment/townships/<int:pk>/final/", assessment.FinalScoreView.as_view(), name="assessment_final"),
    path("assessment/townships/<int:pk>/veto/", assessment.VetoRecordView.as_view(), name="assessment_veto"),
    path(
        "assessment/townships/<int:pk>/veto/remove/",
        assessment.VetoRemoveView.as_view(),
        name="assessment_veto_remove",
    ),
    path(
        "assessment/townships/<int:pk>/deductions/",
        assessment.DeductionCountView.as_view(),
        name="assessment_deduction",
    ),
    path("assessment/manage/", assessment.ManageView.as_view(), name="assessment_manage"),
    path("assessment/manage/open/", assessment.YearOpenView.as_view(), name="assessment_open"),
    path("assessment/manage/items/", assessment.SchemeRowAddView.as_view(kind="item"), name="assessment_item_add"),
    path("assessment/manage/bands/", assessment.SchemeRowAddView.as_view(kind="band"), name="assessment_band_add"),
    path(
        "assessment/manage/deductions/",
        assessment.SchemeRowAddView.as_view(kind="deduction"),
        name="assessment_deduction_add",
    ),
    path("assessment/manage/vetoes/", assessment.SchemeRowAddView.as_view(kind="veto"), name="assessment_veto_add"),
    path("assessment/manage/remove/", assessment.SchemeRowDeleteView.as_view(), name="assessment_row_delete"),
    path("assessment/manage/refresh/", assessment.RefreshStartView.as_view(), name="assessment_refresh_start"),
    path("assessment/refresh/<int:pk>/", assessment.RefreshProgressView.as_view(), name="assessment_refresh"),
    path("assessment/manage/lock/", assessment.YearLockView.as_view(), name="assessment_lock"),
]
