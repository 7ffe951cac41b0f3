"""Writes of the tax statements part beside the import (apps.dues.imports): the statement's
unknown taxpayers registered as enterprises without a union (the organising list)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.branches.services import enterprise_register

from ..imports import ENTERPRISE_ENTRY


@transaction.atomic
def statement_register_payers(*, user, job, codes, township, ownership) -> list:
    """Register the statement's unknown payers ``codes`` in ``township`` as enterprises without a
    union, named as the statement names them; all of them or none (one transaction)."""
    if not user.has_perm("branches.add_enterprise"):
        raise ValidationError("您没有登记企业的权限。")
    wanted = list(dict.fromkeys(codes))
    payers = {
        entry["credit_code"]: entry
        for entry in job.report
        if entry.get("status") == ENTERPRISE_ENTRY and entry.get("verdict") == "unknown"
    }
    missing = [code for code in wanted if code not in payers]
    if missing:
        raise ValidationError(f"{'、'.join(missing[:5])} 不是本明细中未登记的纳税人。")
    registered = []
    for code in wanted:
        name = payers[code]["payer_name"] or code
        try:
            registered.append(
                enterprise_register(user=user, township=township, name=name, credit_code=code, ownership=ownership)
            )
        except ValidationError as exc:
            raise ValidationError(f"{code}（{name}）：{'；'.join(exc.messages)}") from exc
    return registered
