"""Aid given (帮扶记录) and its reversal.

Nothing is edited or deleted: a wrong record is reversed by a record of the negative amount that
points to it (`reverses`, one-to-one: at most one reversal per record). The original is locked
first, so two staff reversing it at once are served one after the other and the second is told
that it is already reversed. Amounts are Decimal yuan with two places; sums net the reversals.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.core.errors import ApplicationError
from apps.core.history import acting_user
from apps.members.choices import MemberStatus
from apps.members.models import Member

from ..choices import AidKind
from ..models import AidCampaign, AidRecord, HardshipFile
from .common import check_manages, member_township

__all__ = ["aid_record", "aid_reverse"]

CENT = Decimal("0.01")


def _check_campaign(campaign: AidCampaign, township, given_on: datetime.date) -> None:
    if not township.path.startswith(campaign.unit.path):
        raise ValidationError({"campaign": f"{campaign.name}不覆盖{township.name}。"})
    if given_on and not (campaign.starts_on <= given_on <= campaign.ends_on):
        raise ValidationError(
            {"given_on": f"{campaign.name}的时间为 {campaign.starts_on:%Y-%m-%d} 至 {campaign.ends_on:%Y-%m-%d}。"}
        )


@transaction.atomic
def aid_record(
    *,
    user,
    member: Member,
    kind: str,
    amount: Decimal,
    given_on: datetime.date,
    fund: str,
    approved_by: str,
    campaign: AidCampaign | None = None,
    goods: str = "",
    note: str = "",
) -> AidRecord:
    """Record aid given to a member of the user's area: money, or goods with their value. The
    member's open hardship file, if any, is named; the township is the member's at the time."""
    township = member_township(member)
    check_manages(user, township, what=f"{member.real_name}所在的乡镇")
    if member.status == MemberStatus.DECEASED:
        raise ApplicationError(f"{member.real_name}已去世，不能登记帮扶。")
    if amount is None or amount <= 0:
        raise ValidationError({"amount": "金额须大于 0.00 元。"})
    if amount != amount.quantize(CENT):
        raise ValidationError({"amount": "金额最多精确到分（两位小数）。"})
    if campaign is not None:
        _check_campaign(campaign, township, given_on)
    file = HardshipFile.objects.filter(member=member, closed_on__isnull=True).first()
    record = AidRecord(
        member=member,
        file=file,
        township=township,
        kind=kind,
        amount=amount,
        goods=(goods or "").strip() if kind == AidKind.GOODS else "",
        given_on=given_on,
        fund=fund,
        approved_by=(approved_by or "").strip(),
        campaign=campaign,
        note=(note or "").strip(),
        recorded_by=user,
    )
    if not record.approved_by:
        raise ValidationError({"approved_by": "请填写审批人。"})
    record.full_clean()
    with acting_user(user):
        record.save()
    return record


@transaction.atomic
def aid_reverse(*, user, record: AidRecord, reason: str) -> AidRecord:
    """Reverse a wrong record (冲销): a record of the negative amount, dated as the original (so
    every sum of its day, campaign and year nets to zero), with the reason."""
    check_manages(user, record.township, what="该帮扶记录")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写冲销原因。"})
    original = AidRecord.objects.select_for_update().get(pk=record.pk)
    if original.is_reversal:
        raise ApplicationError("这是一条冲销记录，不能再冲销。")
    if AidRecord.objects.filter(reverses=original).exists():
        raise ApplicationError("该帮扶记录已冲销。")
    reversal = AidRecord(
        member_id=original.member_id,
        file_id=original.file_id,
        township_id=original.township_id,
        kind=original.kind,
        amount=-original.amount,
        goods=original.goods,
        given_on=original.given_on,
        fund=original.fund,
        approved_by=original.approved_by,
        campaign_id=original.campaign_id,
        reverses=original,
        note=reason,
        recorded_by=user,
    )
    reversal.full_clean(validate_constraints=False)
    try:
        with transaction.atomic(), acting_user(user):
            reversal.save()
    except IntegrityError as exc:  # the one-to-one holds at the same moment
        raise ApplicationError("该帮扶记录已冲销。") from exc
    return reversal
