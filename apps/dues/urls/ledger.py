"""The ledger part's URLs: the list, its export, an entry and its forms, 工会直收 and its receipt,
a reversal, a deferral or write-off, an enterprise's channel."""

from django.urls import path

from ..views import ledger as views

urlpatterns = [
    path("ledger/", views.EntryListView.as_view(), name="entry_list"),
    path("ledger/export/", views.EntryExportView.as_view(), name="entry_export"),
    path("ledger/new/", views.EntryCreateView.as_view(), name="entry_create"),
    path("ledger/<int:pk>/", views.EntryDetailView.as_view(), name="entry_detail"),
    path("ledger/<int:pk>/edit/", views.EntryUpdateView.as_view(), name="entry_update"),
    path("ledger/<int:pk>/pay/", views.DirectPaymentView.as_view(), name="payment_add"),
    path("ledger/<int:pk>/defer/", views.EntryDeferView.as_view(), name="entry_defer"),
    path("ledger/<int:pk>/write-off/", views.EntryWriteOffView.as_view(), name="entry_write_off"),
    path("payments/<int:pk>/receipt/", views.ReceiptPrintView.as_view(), name="payment_receipt"),
    path("payments/<int:pk>/reverse/", views.PaymentReverseView.as_view(), name="payment_reverse"),
    path("enterprises/<int:pk>/channel/", views.ChannelOverrideView.as_view(), name="channel_override"),
]
