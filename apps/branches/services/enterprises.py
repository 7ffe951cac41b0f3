"""Writes of enterprises."""

from django.db import transaction

from apps.core.history import acting_user
from apps.core.services import model_update

from ..choices import OrgUnitKind
from ..models import OrgUnit


def _credit_code_checked(*, user, credit_code: str, confirm_pilot_code: bool, exclude_pk=None):
    """Normalise and check a credit code; returns (code, checksum_ok). Raises in Chinese."""
    from django.core.exceptions import ValidationError

    from ..models import Enterprise
    from ..validators import credit_code_is_pilot_era_candidate, credit_code_problem, normalize_credit_code

    code = normalize_credit_code(credit_code)
    problem = credit_code_problem(code)
    checksum_ok = problem is None
    if problem:
        if not credit_code_is_pilot_era_candidate(code):
            raise ValidationError({"credit_code": problem})
        if not confirm_pilot_code:
            raise ValidationError(
                {"credit_code": problem + "如确为试点期间发放的旧代码，请由县总工会工作人员勾选“确认试点代码”后登记。"}
            )
        if not user.has_perm("branches.confirm_credit_code"):
            raise ValidationError({"credit_code": "只有县总工会工作人员可以确认校验位不符的试点代码。"})
    duplicates = Enterprise.objects.filter(credit_code=code)
    if exclude_pk is not None:
        duplicates = duplicates.exclude(pk=exclude_pk)
    if duplicates.exists():
        raise ValidationError({"credit_code": "该统一社会信用代码已经登记，不能重复登记。"})
    return code, checksum_ok


def _union_checked(*, union, enterprise_pk=None):
    """An archived union covers nothing new; a single-enterprise union covers one."""
    from django.core.exceptions import ValidationError

    from ..models import Enterprise

    if union is None:
        return
    union = OrgUnit.objects.select_for_update().get(pk=union.pk)  # serialise concurrent assignments
    # In the enterprise's township and grassroots: Enterprise.clean() (the row's own rule).
    if union.archived_at is not None:
        raise ValidationError({"union": "所选工会已归档或未获批准，不能覆盖企业。"})
    if union.kind == OrgUnitKind.ENTERPRISE:
        others = Enterprise.objects.filter(union=union, archived_at__isnull=True)
        if enterprise_pk is not None:
            others = others.exclude(pk=enterprise_pk)
        if others.exists():
            raise ValidationError({"union": "企业工会只能覆盖一家企业；覆盖多家企业请选择联合工会。"})


@transaction.atomic
def enterprise_register(
    *,
    user,
    township: OrgUnit,
    name: str,
    credit_code: str,
    ownership: str,
    is_county_direct: bool = False,
    employee_count: int = 0,
    has_workers_congress: bool = False,
    union: OrgUnit | None = None,
    confirm_pilot_code: bool = False,
):
    from django.utils import timezone

    from ..models import Enterprise

    code, checksum_ok = _credit_code_checked(user=user, credit_code=credit_code, confirm_pilot_code=confirm_pilot_code)
    _union_checked(union=union)
    enterprise = Enterprise(
        name=name.strip(),
        credit_code=code,
        credit_code_checksum_ok=checksum_ok,
        ownership=ownership,
        is_county_direct=is_county_direct,
        township=township,
        employee_count=employee_count,
        has_workers_congress=has_workers_congress,
        union=union,
    )
    if not checksum_ok:
        enterprise.credit_code_confirmed_by = user
        enterprise.credit_code_confirmed_at = timezone.now()
    enterprise.full_clean()
    with acting_user(user):
        enterprise.save()
    return enterprise


# What enterprise_update changes; the credit code's confirmation is derived, the archiving is
# enterprise_archive's.
UPDATABLE_FIELDS = (
    "name",
    "credit_code",
    "ownership",
    "is_county_direct",
    "township",
    "employee_count",
    "has_workers_congress",
    "union",
)


@transaction.atomic
def enterprise_update(*, user, enterprise, confirm_pilot_code: bool = False, **fields):
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from ..validators import normalize_credit_code

    unknown = set(fields) - set(UPDATABLE_FIELDS)
    if unknown:
        raise ValidationError(f"这些字段不能在此修改：{', '.join(sorted(unknown))}")
    data = dict(fields)
    if "name" in data:
        data["name"] = data["name"].strip()
    new_code = normalize_credit_code(data.pop("credit_code", enterprise.credit_code))
    if new_code != enterprise.credit_code:
        code, checksum_ok = _credit_code_checked(
            user=user, credit_code=new_code, confirm_pilot_code=confirm_pilot_code, exclude_pk=enterprise.pk
        )
        data.update(
            credit_code=code,
            credit_code_checksum_ok=checksum_ok,
            credit_code_confirmed_by=None if checksum_ok else user,
            credit_code_confirmed_at=None if checksum_ok else timezone.now(),
        )
    _union_checked(union=data.get("union", enterprise.union), enterprise_pk=enterprise.pk)
    fields_written = [
        *UPDATABLE_FIELDS,
        "credit_code_checksum_ok",
        "credit_code_confirmed_by",
        "credit_code_confirmed_at",
    ]
    enterprise, _changed = model_update(instance=enterprise, fields=fields_written, data=data, user=user)
    return enterprise


@transaction.atomic
def enterprise_archive(*, user, enterprise, reason: str):
    """Enterprises are archived (closed, moved away), never deleted: their history stays."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    if not reason.strip():
        raise ValidationError({"archive_reason": "请填写归档原因（如：企业注销、迁出本县）。"})
    enterprise, _changed = model_update(
        instance=enterprise,
        fields=["archived_at", "archive_reason"],
        data={"archived_at": timezone.now(), "archive_reason": reason.strip()},
        user=user,
    )
    return enterprise
