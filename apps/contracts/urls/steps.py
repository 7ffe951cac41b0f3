"""The steps of a contract's clock, its documents and the 报送 cover sheet (views.steps)."""

from django.urls import path

from ..views import steps

urlpatterns = [
    path("<int:pk>/answer/", steps.ContractAnswerView.as_view(), name="contract_answer"),
    path("<int:pk>/meeting/", steps.ContractMeetingView.as_view(), name="contract_meeting"),
    path("<int:pk>/vote/", steps.ContractVoteView.as_view(), name="contract_vote"),
    path("<int:pk>/sign/", steps.ContractSignView.as_view(), name="contract_sign"),
    path("<int:pk>/send/", steps.ContractSendView.as_view(), name="contract_send"),
    path("<int:pk>/review/", steps.ContractReviewView.as_view(), name="contract_review"),
    path("<int:pk>/renew/", steps.ContractRenewView.as_view(), name="contract_renew"),
    path("<int:pk>/close/", steps.ContractCloseView.as_view(), name="contract_close"),
    path("<int:pk>/documents/", steps.DocumentUploadView.as_view(), name="document_upload"),
    path("<int:pk>/documents/<int:document_pk>/", steps.DocumentDownloadView.as_view(), name="document_download"),
    path("<int:pk>/print/", steps.ContractReviewPrintView.as_view(), name="contract_review_print"),
]
