"""The finance part's URLs: 财政划拨, 经费收缴率, the share-out and refunds."""

from django.urls import path

from ..views import finance as views

urlpatterns = [
    path("finance-transfers/", views.FinanceTransferView.as_view(), name="finance_transfer"),
    path("collection-rate/", views.CollectionRateView.as_view(), name="collection_rate"),
    path("collection-rate/export/", views.CollectionRateExportView.as_view(), name="collection_rate_export"),
    path("share-out/", views.ShareOutView.as_view(), name="share_out"),
    path("share-out/export/", views.ShareOutExportView.as_view(), name="share_out_export"),
    path("share-out/refunds/export/", views.RefundExportView.as_view(), name="refund_export"),
]
