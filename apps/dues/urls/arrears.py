"""The arrears part's URLs."""

from django.urls import path

from ..views import arrears

urlpatterns = [
    path("arrears/", arrears.ArrearsListView.as_view(), name="arrears_list"),
    path("arrears/export/", arrears.ArrearsExportView.as_view(), name="arrears_export"),
    path("arrears/ageing/", arrears.ArrearsAgeingView.as_view(), name="arrears_ageing"),
    path("arrears/notices/", arrears.ArrearsNoticeBatchView.as_view(), name="arrears_notice_batch"),
    path(
        "arrears/townships/<int:township>/notices/print/",
        arrears.ArrearsNoticeBatchPrintView.as_view(),
        name="arrears_notice_batch_print",
    ),
    path(
        "arrears/townships/<int:township>/orders/print/",
        arrears.ArrearsOrderBatchPrintView.as_view(),
        name="arrears_order_batch_print",
    ),
    path("arrears/<int:pk>/record/", arrears.ArrearsStageView.as_view(), name="arrears_record"),
    path("arrears/<int:pk>/notice/", arrears.ArrearsNoticePrintView.as_view(), name="arrears_notice_print"),
    path("arrears/<int:pk>/order/", arrears.ArrearsOrderPrintView.as_view(), name="arrears_order_print"),
]
