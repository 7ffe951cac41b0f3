"""Hardship files: opening, the yearly review, closing (脱困).

A member has at most one open file. Opening locks the member's row first, so two staff opening a
file for the same member at once are served one after the other and the second is told in
Chinese that the file exists (the partial unique constraint holds it too). The member's hardship
flag follows the file: set on opening, cleared on closing, in the same transaction
(apps.members.services.member_hardship_set).
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.core.errors import ApplicationError
from apps.core.history import acting_user
from apps.core.services import model_update
from apps.members.choices import MemberStatus
from apps.members.models import Member
from apps.members.services import member_hardship_set

from ..choices import ClosingReason, ReviewOutcome
from ..models import HardshipFile, HardshipReview, next_review
from .common import check_manages, member_township

__all__ = ["file_close", "file_open", "file_review", "file_update"]

OPEN_FILE_MESSAGE = "{name}已有一份在档的困难职工档案，请在原档案中复核或帮扶。"
CLOSED_STATUSES = (MemberStatus.LEFT, MemberStatus.REMOVED, MemberStatus.DECEASED)


def _locked(file: HardshipFile) -> HardshipFile:
    return HardshipFile.objects.select_for_update(of=("self",)).select_related("member", "township").get(pk=file.pk)


def _check_open(file: HardshipFile) -> None:
    if not file.is_open:
        raise ApplicationError("该档案已脱困销档，不能再修改。")


@transaction.atomic
def file_open(
    *,
    user,
    member: Member,
    reason: str,
    household_size: int,
    income_per_head: Decimal,
    opened_on: datetime.date,
    note: str = "",
) -> HardshipFile:
    """建立困难职工档案 for a member of the user's area; the member's hardship flag is set."""
    township = member_township(member)
    check_manages(user, township, what=f"{member.real_name}所在的乡镇")
    # The member's row is the lock: a second opening waits here, then finds the first file.
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.status in CLOSED_STATUSES:
        raise ApplicationError(f"{member.real_name}已{member.get_status_display()}，不能建立困难档案。")
    if HardshipFile.objects.filter(member=member, closed_on__isnull=True).exists():
        raise ApplicationError(OPEN_FILE_MESSAGE.format(name=member.real_name))
    file = HardshipFile(
        member=member,
        township=township,
        reason=reason,
        household_size=household_size,
        income_per_head=income_per_head,
        opened_on=opened_on,
        review_due_on=next_review(opened_on) if opened_on else None,
        note=(note or "").strip(),
        opened_by=user,
    )
    file.full_clean(validate_constraints=False)  # the partial unique constraint decides (below)
    try:
        with transaction.atomic(), acting_user(user):
            file.save()
    except IntegrityError as exc:
        if "one_open_per_member" not in str(exc):
            raise
        raise ApplicationError(OPEN_FILE_MESSAGE.format(name=member.real_name)) from exc
    member_hardship_set(user=user, member=member, hardship=True)
    return file


@transaction.atomic
def file_update(*, user, file: HardshipFile, **data) -> HardshipFile:
    """Correct an open file's reason, household, income or note."""
    check_manages(user, file.township, what="该档案")
    file = _locked(file)
    _check_open(file)
    if "note" in data:
        data["note"] = (data["note"] or "").strip()
    model_update(instance=file, fields=["reason", "household_size", "income_per_head", "note"], data=data, user=user)
    return file


def _close(file: HardshipFile, *, user, closed_on: datetime.date, reason: str) -> HardshipFile:
    if reason not in ClosingReason.values:
        raise ValidationError({"close_reason": "请选择脱困原因。"})
    if closed_on < file.opened_on:
        raise ValidationError({"closed_on": "销档日期不能早于建档日期。"})
    model_update(
        instance=file,
        fields=["closed_on", "close_reason"],
        data={"closed_on": closed_on, "close_reason": reason},
        user=user,
    )
    member = Member.objects.select_for_update().get(pk=file.member_id)
    member_hardship_set(user=user, member=member, hardship=False)
    return file


@transaction.atomic
def file_review(
    *,
    user,
    file: HardshipFile,
    reviewed_on: datetime.date,
    outcome: str,
    note: str = "",
    close_reason: str = "",
    household_size: int | None = None,
    income_per_head: Decimal | None = None,
) -> HardshipReview:
    """The yearly review (复核): still in hardship (the next review a year after this one) or out
    of hardship (the file is closed with `close_reason`, the member's flag cleared). The household
    and income found at the review, if given, replace the file's."""
    check_manages(user, file.township, what="该档案")
    file = _locked(file)
    _check_open(file)
    if reviewed_on < file.opened_on:
        raise ValidationError({"reviewed_on": "复核日期不能早于建档日期。"})
    review = HardshipReview(
        file=file,
        reviewed_on=reviewed_on,
        due_on=file.review_due_on,
        outcome=outcome,
        note=(note or "").strip(),
        reviewed_by=user,
    )
    review.full_clean()
    if outcome == ReviewOutcome.CLOSED and not close_reason:
        raise ValidationError({"close_reason": "复核结论为脱困时，请选择脱困原因。"})
    with acting_user(user):
        review.save()
    changes = {}
    if household_size is not None:
        changes["household_size"] = household_size
    if income_per_head is not None:
        changes["income_per_head"] = income_per_head
    if outcome == ReviewOutcome.CONTINUED:
        changes["review_due_on"] = next_review(reviewed_on)
    if changes:
        model_update(instance=file, fields=list(changes), data=changes, user=user)
    if outcome == ReviewOutcome.CLOSED:
        _close(file, user=user, closed_on=reviewed_on, reason=close_reason)
    return review


@transaction.atomic
def file_close(
    *, user, file: HardshipFile, closed_on: datetime.date, close_reason: str, note: str = ""
) -> HardshipFile:
    """脱困销档: the file is kept, closed with the day and the reason; the member's flag cleared."""
    check_manages(user, file.township, what="该档案")
    file = _locked(file)
    _check_open(file)
    if note:
        model_update(instance=file, fields=["note"], data={"note": note.strip()}, user=user)
    return _close(file, user=user, closed_on=closed_on, reason=close_reason)
