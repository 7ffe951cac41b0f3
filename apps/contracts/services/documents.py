"""Contract documents: the signed text, the congress resolution, minutes, letters, the review
opinion. Kept in the database and served only in scope, as complaint evidence is; recognised by
their content (apps.core.uploads: PDF, JPG, PNG), never removed."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core.errors import ApplicationError
from apps.core.history import acting_user
from apps.core.uploads import NOT_ALLOWED_MESSAGE, sniff_content_type, too_large_message

from ..choices import ContractStatus, DocumentKind
from ..models import Contract, ContractDocument, ContractStep
from .steps import CHANGE_PERMISSION, _in_scope

__all__ = ["contract_document_refusal", "contract_document_upload"]


def contract_document_refusal(*, user, contract: Contract) -> str | None:
    """Why `user` may not add a document to `contract` now, or None. A closed contract takes
    none; a contract in force, expired or renewed still does (its signed text may come later).
    The page offers the upload only when this is None; the service refuses by it."""
    if user is not None:
        if not user.has_perm(CHANGE_PERMISSION):
            return "您没有办理集体合同的权限。"
        if not _in_scope(user, contract.union.path):
            return "该合同不在您的管辖范围内。"
    if contract.status == ContractStatus.CLOSED:
        return "该合同已终止，不能再上传文件。"
    return None


@transaction.atomic
def contract_document_upload(
    *, user, contract: Contract, kind: str, file_name: str, content: bytes, step: ContractStep | None = None
) -> ContractDocument:
    """Store one document of `contract` (optionally of one of its steps): at most
    CONTRACT_DOCUMENT_MAX_BYTES, and a PDF, JPG or PNG by its first bytes whatever its name."""
    if user is None:
        raise ApplicationError("上传文件须由经办人完成（user 不能为空）。")
    contract = Contract.objects.select_for_update(of=("self",)).select_related("union").get(pk=contract.pk)
    refusal = contract_document_refusal(user=user, contract=contract)
    if refusal:
        raise ValidationError({"file": refusal})
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": "请选择文件的类别。"})
    if step is not None and step.contract_id != contract.pk:
        raise ValidationError({"step": "所选步骤不属于该合同。"})
    limit = settings.CONTRACT_DOCUMENT_MAX_BYTES
    if len(content) > limit:
        raise ValidationError({"file": too_large_message(limit)})
    if not content:
        raise ValidationError({"file": "文件是空的。"})
    content_type = sniff_content_type(content)
    if content_type is None:
        raise ValidationError({"file": NOT_ALLOWED_MESSAGE})
    name = (file_name or "").strip().replace("\\", "/").rsplit("/", 1)[-1] or "文件"
    with acting_user(user):
        return ContractDocument.objects.create(
            contract=contract,
            step=step,
            kind=kind,
            file_name=name[:200],
            content_type=content_type,
            size=len(content),
            content=content,
            uploaded_by=user,
        )
