"""Writes of the members app: members, transfers (会籍接转), ID reveals, roster imports."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone

from apps.accounts.selectors import user_list_to_notify
from apps.branches.choices import GRASSROOTS_KINDS, OrgUnitKind
from apps.branches.models import OrgUnit
from apps.core.errors import ApplicationError
from apps.core.history import acting_user
from apps.core.serials import serials_next
from apps.core.services import model_update, notification_send

from .choices import (
    ARCHIVED_STATUSES,
    IdNumberAccess,
    LookupPurpose,
    MemberStatus,
    TransferDirection,
    TransferStatus,
)
from .codelists import codes_clean, note_after_update, unmapped_note
from .idnumbers import mask_id_number, validate_id_number
from .models import IdNumberReveal, Member, MemberLookup, MembershipTransfer
from .selectors import id_hash_of, member_by_id_number, user_oversees_union


class MemberAlreadyRegistered(ApplicationError):
    """The person is already a member elsewhere: offer a transfer instead of a second record."""

    def __init__(self, member):
        super().__init__("此身份证号码已登记为会员（一人只入会一次），不能重复入会；可以办理会籍接转，将其转入本工会。")
        self.member = member


def any_of(values) -> RawSQL:
    """``field__in=any_of(values)`` for thousands of text values: one array parameter.

    A plain ``__in`` list sends one literal per value, and PostgreSQL plans the list value by
    value: for the 10,000 cards or ID hashes of a roster import that took 0.1–0.2 s a query,
    unnesting one array takes 0.03 s. The same rows come back.
    """
    return RawSQL("SELECT unnest(%s::text[])", [list(values)])


# --- card numbers -------------------------------------------------------------------------------


def card_numbers_issue(join_years: list[int], file_cards: set[str] = frozenset()) -> list[str]:
    """Card numbers for new members (one per join year given, in order), from the sequence:
    PREFIX + join year + a six-digit serial that runs on across years (apps.core.serials).

    A serial that collides with a card imported from an old roster is skipped; a few queries
    for the whole import.
    """
    cards = [None] * len(join_years)
    pending = list(range(len(join_years)))
    while pending:
        serials = serials_next("members_card", len(pending))
        candidates = {
            index: f"{settings.MEMBER_CARD_PREFIX}{join_years[index]:04d}{serial:06d}"
            for index, serial in zip(pending, serials, strict=True)
        }
        taken = set(
            Member.objects.filter(card_number__in=any_of(candidates.values())).values_list("card_number", flat=True)
        )
        taken |= file_cards
        pending = []
        for index, card in candidates.items():
            if card in taken:
                pending.append(index)
            else:
                cards[index] = card
    return cards


def card_number_issue(*, join_year: int) -> str:
    return card_numbers_issue([join_year])[0]


# --- members ----------------------------------------------------------------------------------------


def _checked_id(raw) -> tuple[str, object]:
    check = validate_id_number(raw)
    if check.errors:
        raise ValidationError({"id_number": check.errors})
    return check.number, check


def union_takes_members(union: OrgUnit) -> bool:
    """Whether members may be entered into `union`: a registered grassroots union, not dissolved.
    The member form and the roster import (once for the file) both ask here."""
    return union.kind in GRASSROOTS_KINDS and union.archived_at is None


def _check_union(union: OrgUnit):
    if not union_takes_members(union):
        raise ValidationError({"union": "会员只能加入在册的基层工会。"})


def workplace_problem(union: OrgUnit | None, enterprise) -> str | None:
    """Why `enterprise` cannot be the 工作单位 of a member of `union` (Chinese), or None.

    A member's workplace is an enterprise their union covers (Enterprise.union), not archived.
    The member form (its choices), the roster import (for the whole file at once), Django admin
    and the services all ask here."""
    if enterprise is None:
        return None
    if union is None or enterprise.union_id != union.pk:
        return f"“{enterprise.name}”不在本会员所在工会的覆盖范围内：工作单位只能选择所在工会覆盖的企业。"
    if enterprise.archived_at is not None:
        return f"“{enterprise.name}”已注销（归档），不能再作为工作单位。"
    return None


def workplace_choices(union: OrgUnit | None):
    """The enterprises a member of `union` may work at (what workplace_problem accepts)."""
    from apps.branches.models import Enterprise

    if union is None:
        return Enterprise.objects.none()
    return Enterprise.objects.filter(union=union, archived_at__isnull=True).order_by("name", "id")


def _check_workplace(union, enterprise):
    if problem := workplace_problem(union, enterprise):
        raise ValidationError({"workplace": problem}, code="workplace_elsewhere")


def member_create(
    *,
    user,
    union: OrgUnit,
    real_name: str,
    id_number: str,
    join_date: datetime.date,
    employment_form: str,
    ethnicity: str = "",
    education: str = "",
    political_status: str = "",
    mobile: str = "",
    hardship: bool = False,
    card_number: str = "",
    workplace=None,
) -> Member:
    """新增会员, by `user` (None: the system, e.g. demo data). Whether the ID number is registered
    anywhere is asked only once everything else about the new member is valid, so a field error
    says nothing about the number; and when a user adds the member (the 新增会员 page, a shell),
    that question is a lookup across the deployment: counted against the user's hourly limit and
    recorded, whatever the answer (member empty when the person was not registered).

    民族, 文化程度 and 政治面貌 may be given as codes or as offices write them ("汉", "大专",
    "党员"): codelists.code_for reads them (a text no code reads is refused, in Chinese)."""
    number, check = _checked_id(id_number)
    _check_union(union)
    if user is not None and not user_oversees_union(user, union):
        # The form offers only the user's unions (a grassroots officer's own); this is the rule.
        raise ValidationError({"union": "只能在您所辖的工会中新增会员。"})
    originals = {"ethnicity": ethnicity, "education": education, "political_status": political_status}
    codes = codes_clean(originals)
    _check_workplace(union, workplace)
    card = card_number.strip().upper()
    member = Member(
        union=union,
        real_name=real_name.strip(),
        id_number=number,
        id_hash=id_hash_of(number),
        id_masked=mask_id_number(number),
        sex=check.sex,
        birth_date=check.birth_date,
        **codes,
        code_list_note=unmapped_note(originals),
        workplace=workplace,
        mobile=mobile,  # normalised and checked by full_clean (validators.MobileField)
        employment_form=employment_form,
        join_date=join_date,
        hardship=hardship,
        card_number=card,
    )
    # Every rule but "one person, one record" (the ID hash): a taken card number, an implausible
    # join date... are answered the same for a registered and an unregistered number.
    member.full_clean(exclude=["id_hash"] if card else ["id_hash", "card_number"])
    existing = member_by_id_number(number)
    if user is not None:
        # Committed on its own: the answer was given even if the insert below fails.
        _lookup_record(user=user, id_hash=member.id_hash, member=existing, purpose=LookupPurpose.MEMBER_CREATE)
    if existing is not None:
        raise MemberAlreadyRegistered(existing)
    if not card:
        member.card_number = card_number_issue(join_year=join_date.year)
    try:
        with transaction.atomic(), acting_user(user):
            member.save()
    except IntegrityError as exc:  # a concurrent registration of the same person
        raise MemberAlreadyRegistered(member_by_id_number(number)) from exc
    return member


EDITABLE_FIELDS = (
    "real_name",
    "ethnicity",
    "education",
    "political_status",
    "mobile",
    "employment_form",
    "workplace",
)


@transaction.atomic
def member_update(*, user, member: Member, **fields) -> Member:
    """Correct a member's details. The ID number, card and join date are not edited here, nor
    the union and the status (a transfer or archiving changes them).

    The code lists read what is written as member_create does; a code-list field given a new
    value drops its original text from the note (it is answered now). A workplace is checked
    only when it changes: one chosen before its enterprise changed union stays until edited."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(f"这些字段不能在此修改：{', '.join(sorted(unknown))}")
    data = {name: value.strip() if isinstance(value, str) else value for name, value in fields.items()}
    data = codes_clean(data)
    if "workplace" in data and getattr(data["workplace"], "pk", None) != member.workplace_id:
        _check_workplace(member.union, data["workplace"])
    update_fields = [name for name in EDITABLE_FIELDS if name in data]
    if (note := note_after_update(member, data)) is not None:
        data["code_list_note"] = note
        update_fields.append("code_list_note")
    member, _changed = model_update(instance=member, fields=update_fields, data=data, user=user)
    return member


def member_hardship_set(*, user, member: Member, hardship: bool) -> Member:
    """The hardship flag (困难职工) follows the member's open hardship file: apps.aid's services
    call this when a file is opened or closed, inside their transaction. No form sets it."""
    if member.hardship != hardship:
        member.hardship = hardship
        with acting_user(user):
            member.save(update_fields=["hardship", "updated_at"])
    return member


@transaction.atomic
def member_archive(*, user, member: Member, status: str, left_on: datetime.date, reason: str) -> Member:
    """Left, removed or deceased: the record stays, with the date and the reason."""
    if status not in ARCHIVED_STATUSES:
        raise ValidationError({"status": "请选择：离会、除名或去世。"})
    if not reason.strip():
        raise ValidationError({"reason": "请填写原因。"})
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.status == MemberStatus.TRANSFERRING:
        raise ApplicationError("会籍接转尚未办结，不能归档。")
    member.status, member.left_on, member.leave_reason = status, left_on, reason.strip()
    # The date's range and "not before joining" are the model's rules (validators, clean()). A
    # malformed mobile kept from an older row must not stop the archiving: it is not changed
    # here, which is why this is not model_update (its full_clean checks every field).
    member.full_clean(exclude=["mobile"])
    with acting_user(user):
        member.save(update_fields=["status", "left_on", "leave_reason", "updated_at"])
    return member


def member_reveal_id_number(*, user, member: Member) -> str:
    """The whole ID number, for a user with the permission; every reveal is recorded."""
    if not user.has_perm("members.reveal_id_number"):
        raise ApplicationError("您没有查看完整身份证号码的权限。")
    with acting_user(user):
        IdNumberReveal.objects.create(member=member, user=user, purpose=IdNumberAccess.REVEAL)
    return member.id_number


CORRECTION_PERMISSION = "members.correct_id_number"


def _duplicate_message(user, other: Member) -> str:
    if user_oversees_union(user, other.union):
        return (
            f"该身份证号已属于本县另一名会员（{other.real_name}，会员证号 {other.card_number}，{other.union.name}），"
            "一人只能登记一次：请核对号码；如确是同一人重复登记，请先将多余的记录办理离会。"
        )
    return "该身份证号已属于另一名会员（不在您的管辖范围内），一人只能登记一次：请核对号码，或与县总工会联系。"


def member_correct_id_number(*, user, member: Member, id_number: str, reason: str) -> Member:
    """更正身份证号码: county staff correct a mistyped number, with a reason.

    The new number is checked as a new member's is (format, region, birth date, check
    character), sex and birth date are taken from it again, and it must belong to nobody else
    (the keyed hash is unique). The change history records the masked numbers only (the whole
    one is not tracked); the reveal log records who corrected whose number, when and why.
    """
    if not user.has_perm(CORRECTION_PERMISSION):
        raise ApplicationError("只有县总工会工作人员可以更正身份证号码。")
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = "请填写更正原因（如：录入时将第 15 位 3 误录为 8，已核对身份证原件）。"
    try:
        number, check = _checked_id(id_number)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    new_hash = id_hash_of(number)
    with transaction.atomic():
        member = Member.objects.select_for_update().select_related("union").get(pk=member.pk)
        if member.id_hash == new_hash:
            raise ValidationError({"id_number": "新号码与现有号码相同，无需更正。"})
        other = Member.objects.select_related("union").filter(id_hash=new_hash).exclude(pk=member.pk).first()
        if other is not None:
            raise ValidationError({"id_number": _duplicate_message(user, other)}, code="duplicate")
        member.id_number, member.id_hash, member.id_masked = number, new_hash, mask_id_number(number)
        member.sex, member.birth_date = check.sex, check.birth_date
        # The new birth date against the join date and the plausible range (the model's rules);
        # an older row's malformed mobile or moved workplace is not this correction's business.
        member.full_clean(exclude=["mobile", "workplace", "card_number", "id_hash"], validate_unique=False)
        try:
            with transaction.atomic(), acting_user(user):
                member.save(update_fields=["id_number", "id_hash", "id_masked", "sex", "birth_date", "updated_at"])
                IdNumberReveal.objects.create(member=member, user=user, purpose=IdNumberAccess.CORRECT, reason=reason)
        except IntegrityError as exc:  # the same number saved for someone else meanwhile
            other = Member.objects.select_related("union").filter(id_hash=new_hash).first()
            message = _duplicate_message(user, other) if other else "该身份证号刚刚被登记，请核对后重试。"
            raise ValidationError({"id_number": message}, code="duplicate") from exc
    return member


def member_id_corrections(member: Member):
    """The corrections of a member's ID number (reveal log), newest first, for the member's page."""
    return (
        IdNumberReveal.objects.filter(member=member, purpose=IdNumberAccess.CORRECT)
        .select_related("user")
        .order_by("-revealed_at", "-id")
    )


# --- looking an ID number up across the deployment -----------------------------------------------

# How many different ID numbers one user may look up across the deployment per hour (the 一次入会
# check crosses every township's borders, so it must not become a way to trawl the register):
# settings.MEMBER_LOOKUPS_PER_HOUR, read at each lookup.
LOOKUP_LIMIT_MESSAGE = "您一小时内查询的身份证号码已达上限（{limit} 个），请稍后再试；批量办理请用花名册导入。"


def _lookup_record(*, user, id_hash: str, member: Member | None, purpose: str) -> None:
    """Count against the user's hourly limit, then record the lookup (committed on its own).

    The limit counts different numbers: looking the same person up again (the 新增会员 page,
    then its transfer form) reveals nothing new. The user's row is locked, so concurrent
    requests of one user cannot all pass the count.
    """
    from django.contrib.auth import get_user_model

    with transaction.atomic():
        get_user_model().objects.select_for_update().only("pk").get(pk=user.pk)
        recent = MemberLookup.objects.filter(user=user, looked_up_at__gte=timezone.now() - datetime.timedelta(hours=1))
        # Different numbers, not lookups: DISTINCT on the hash alone (no ordering columns).
        numbers = recent.order_by().values("id_hash").distinct().count()
        limit = settings.MEMBER_LOOKUPS_PER_HOUR
        if numbers >= limit and not recent.filter(id_hash=id_hash).exists():
            raise ApplicationError(LOOKUP_LIMIT_MESSAGE.format(limit=limit))
        MemberLookup.objects.create(user=user, id_hash=id_hash, member=member, purpose=purpose)


def member_lookup(*, user, id_number: str, purpose: str = LookupPurpose.TRANSFER_IN) -> Member | None:
    """The member with this whole ID number anywhere in the deployment, or None; rate-limited, recorded.

    Not atomic with what the caller does next, on purpose: the record stays even if that fails.
    """
    number, _check = _checked_id(id_number)
    id_hash = id_hash_of(number)
    member = Member.objects.select_related("union").filter(id_hash=id_hash).first()
    _lookup_record(user=user, id_hash=id_hash, member=member, purpose=purpose)
    return member


# --- transfers (会籍接转) ------------------------------------------------------------------------

TRANSFER_IN_NOT_FOUND = "未找到该身份证号码的会员，请通过“新增会员”办理入会。"
TRANSFER_IN_REQUESTED = "该身份证号码已是其他工会的会员，已向对方发出接转申请；对方同意后即转入本工会。"
TRANSFER_IN_BLOCKED = (
    "该身份证号码已是其他工会的会员，但目前不能发起接转申请（可能已有接转正在办理，或会籍已经终止）。请与县总工会联系。"
)


def _same_township(a: OrgUnit, b: OrgUnit) -> bool:
    steplen = OrgUnit.steplen
    return a.path[:-steplen] == b.path[:-steplen]


def _settle(transfer: MembershipTransfer, *, user, note: str = "") -> None:
    member = transfer.member
    member.union = transfer.to_union
    member.status = MemberStatus.ACTIVE
    member.workplace = None  # the old union's enterprise is no longer the new union's to cover
    member.save(update_fields=["union", "status", "workplace", "updated_at"])
    transfer.status = TransferStatus.ACCEPTED
    transfer.decided_by = user
    transfer.decided_at = timezone.now()
    transfer.decision_note = note
    transfer.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])


@transaction.atomic
def transfer_request(*, user, member: Member, to_union: OrgUnit, reason: str, receiving_side: bool = False):
    """Start a transfer. Join date and card number stay; the old union's history is untouched.

    The side that did not start it settles it: a transfer the releasing side starts waits for
    the receiving township (or the county); one the receiving side asks for (`receiving_side`,
    办理会籍转入) waits for the releasing township (or the county). It is settled at once only
    when both unions are in one township, or when the user oversees the releasing union too
    (county staff): then nobody else has a say.
    """
    if not reason.strip():
        raise ValidationError({"reason": "请填写接转原因（如：调入新单位）。"})
    _check_union(to_union)
    if receiving_side and not user_oversees_union(user, to_union):
        raise ApplicationError("只能将会员转入您所辖的工会。")
    seen_union_id = member.union_id  # the union the user saw when deciding
    # Lock the member row alone: with the union joined in, PostgreSQL re-checks the join after
    # waiting for a concurrent transfer that moved the member, and finds no row at all.
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.union_id != seen_union_id:
        raise ApplicationError("该会员的会籍刚刚发生了变动，请刷新页面后重试。")
    if member.status == MemberStatus.TRANSFERRING:
        raise ApplicationError("该会员有一项会籍接转尚未办结，办结后才能再次接转。")
    if member.status != MemberStatus.ACTIVE:
        raise ApplicationError("该会员已离会、除名或去世，不能接转。")
    if member.union_id == to_union.pk:
        raise ValidationError({"to_union": "该会员已在此工会。"})
    transfer = MembershipTransfer(
        member=member,
        from_union=member.union,
        to_union=to_union,
        reason=reason.strip(),
        requested_by=user,
        direction=TransferDirection.PULL if receiving_side else TransferDirection.RELEASE,
    )
    transfer.full_clean()
    with acting_user(user):
        transfer.save()
        if _same_township(member.union, to_union):
            _settle(transfer, user=user, note="同一乡镇内自动接收")
        elif receiving_side and user_oversees_union(user, member.union):
            _settle(transfer, user=user, note="转入方办理（同时主管转出工会）")
        else:
            member.status = MemberStatus.TRANSFERRING
            member.save(update_fields=["status", "updated_at"])
    _notify_transfer(transfer)
    return transfer


def transfer_in(*, user, id_number: str, to_union: OrgUnit, reason: str) -> tuple[MembershipTransfer, bool]:
    """办理会籍转入 by the whole ID number: returns the transfer and whether the user may see the member.

    For a member outside the user's area the answer says only that the person is a member
    elsewhere and that a request was sent (or could not be): never the union, the township,
    the name or the member's status. The lookup is recorded and rate-limited (member_lookup),
    and a positive answer always comes with a request the releasing side sees.
    """
    if not reason.strip():
        raise ValidationError({"reason": "请填写接转原因（如：调入新单位）。"})
    _check_union(to_union)
    if not user_oversees_union(user, to_union):
        raise ApplicationError("只能将会员转入您所辖的工会。")
    member = member_lookup(user=user, id_number=id_number, purpose=LookupPurpose.TRANSFER_IN)
    if member is None:
        raise ValidationError({"id_number": TRANSFER_IN_NOT_FOUND})
    visible = user_oversees_union(user, member.union)
    try:
        transfer = transfer_request(user=user, member=member, to_union=to_union, reason=reason, receiving_side=True)
    except (ApplicationError, ValidationError) as exc:
        if visible:
            raise
        raise ApplicationError(TRANSFER_IN_BLOCKED) from exc
    return transfer, visible or transfer.status == TransferStatus.ACCEPTED


def _deciding_union(transfer: MembershipTransfer) -> OrgUnit:
    return transfer.from_union if transfer.direction == TransferDirection.PULL else transfer.to_union


def _may_decide(user, transfer) -> bool:
    return user_oversees_union(user, _deciding_union(transfer))


def _refuse_undecidable(user, transfer) -> None:
    if not _may_decide(user, transfer):
        if transfer.direction == TransferDirection.PULL:
            raise ApplicationError("转入申请由转出方乡镇工会（或县总工会）办理。")
        raise ApplicationError("只有接收方乡镇工会（或县总工会）可以办理接收。")


@transaction.atomic
def transfer_accept(*, user, transfer: MembershipTransfer, note: str = "") -> MembershipTransfer:
    transfer = (
        MembershipTransfer.objects.select_for_update()
        .select_related("member", "from_union", "to_union")
        .get(pk=transfer.pk)
    )
    if transfer.status != TransferStatus.PENDING:
        raise ApplicationError("该接转已经办结。")
    _refuse_undecidable(user, transfer)
    transfer.member = Member.objects.select_for_update().get(pk=transfer.member_id)
    with acting_user(user):
        _settle(transfer, user=user, note=note.strip())
    _notify_transfer(transfer)
    return transfer


@transaction.atomic
def transfer_reject(*, user, transfer: MembershipTransfer, note: str) -> MembershipTransfer:
    if not note.strip():
        raise ValidationError({"note": "请填写不予接收的原因。"})
    transfer = (
        MembershipTransfer.objects.select_for_update()
        .select_related("member", "from_union", "to_union")
        .get(pk=transfer.pk)
    )
    if transfer.status != TransferStatus.PENDING:
        raise ApplicationError("该接转已经办结。")
    _refuse_undecidable(user, transfer)
    member = Member.objects.select_for_update().get(pk=transfer.member_id)
    with acting_user(user):
        member.status = MemberStatus.ACTIVE
        member.save(update_fields=["status", "updated_at"])
        transfer.status = TransferStatus.REJECTED
        transfer.decided_by, transfer.decided_at, transfer.decision_note = user, timezone.now(), note.strip()
        transfer.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    _notify_transfer(transfer)
    return transfer


def _requesting_union(transfer: MembershipTransfer) -> OrgUnit:
    return transfer.to_union if transfer.direction == TransferDirection.PULL else transfer.from_union


def transfer_may_cancel(user, transfer: MembershipTransfer) -> bool:
    """The side that started a pending transfer may withdraw it: the requester, or whoever
    oversees the requesting union (its township, the county)."""
    return transfer.status == TransferStatus.PENDING and (
        transfer.requested_by_id == user.pk or user_oversees_union(user, _requesting_union(transfer))
    )


def _withdraw(transfer: MembershipTransfer, *, user, note: str) -> None:
    member = Member.objects.select_for_update().get(pk=transfer.member_id)
    with acting_user(user):  # None: the expiry, the system's own job
        if member.status == MemberStatus.TRANSFERRING:
            member.status = MemberStatus.ACTIVE
            member.save(update_fields=["status", "updated_at"])
        transfer.member = member
        transfer.status = TransferStatus.CANCELLED
        transfer.decided_by, transfer.decided_at, transfer.decision_note = user, timezone.now(), note
        transfer.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    _notify_transfer(transfer)


WITHDRAWN_NOTE = "发起方撤回"


@transaction.atomic
def transfer_cancel(*, user, transfer: MembershipTransfer, reason: str = "") -> MembershipTransfer:
    """Withdraw a pending transfer (撤回), with an optional reason: the member is back in good
    standing with their union, the side that was to decide is told (with the reason), and the
    transfer's history records who withdrew it and when.

    The side that started it withdraws it: for a transfer the releasing side sent, the releasing
    union's side (the requester, its township, the county), never the receiving side, which
    refuses instead; for a transfer-in request (转入申请), the side that asked for it."""
    reason = (reason or "").strip()
    if len(reason) > 200:
        raise ValidationError({"reason": "撤回原因最多 200 个字。"})
    transfer = (
        MembershipTransfer.objects.select_for_update()
        .select_related("member", "from_union", "to_union")
        .get(pk=transfer.pk)
    )
    if transfer.status != TransferStatus.PENDING:
        raise ApplicationError("该接转已经办结，不能撤回。")
    if not transfer_may_cancel(user, transfer):
        raise ApplicationError("只有发起方（或县总工会）可以撤回该接转。")
    _withdraw(transfer, user=user, note=f"{WITHDRAWN_NOTE}：{reason}" if reason else WITHDRAWN_NOTE)
    return transfer


def transfer_expire_requests(*, now=None) -> list[int]:
    """Cancel the transfer-in requests (转入申请) left pending longer than
    MEMBER_TRANSFER_REQUEST_DAYS: a request the releasing side never answers must not keep
    its member frozen (接转中, not archivable, not transferable) for ever.

    Each request in its own transaction, taken with SKIP LOCKED and only while still pending:
    two runs at once, or a run while a side decides, settle each request once. Returns the ids.
    """
    days = settings.MEMBER_TRANSFER_REQUEST_DAYS
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    stale = MembershipTransfer.objects.filter(
        status=TransferStatus.PENDING, direction=TransferDirection.PULL, created_at__lt=cutoff
    )
    expired = []
    for pk in stale.order_by("id").values_list("id", flat=True):
        with transaction.atomic():
            transfer = (
                stale.select_for_update(skip_locked=True, of=("self",))
                .select_related("member", "from_union", "to_union")
                .filter(pk=pk)
                .first()
            )
            if transfer is None:
                continue  # decided, withdrawn or being expired by another run meanwhile
            _withdraw(transfer, user=None, note=f"超过 {days} 天未办理，已自动撤销")
            expired.append(pk)
    return expired


# Who in a township is told about a transfer: its staff who handle transfers.
TRANSFER_NOTIFY_PERMISSION = "members.change_membershiptransfer"


def _township_staff_of(unit: OrgUnit):
    """The township of `unit` (itself if it is one), its users who handle transfers."""
    township_path = unit.path[: -OrgUnit.steplen] if unit.kind != OrgUnitKind.TOWNSHIP else unit.path
    township = OrgUnit.objects.filter(path=township_path).values("pk")
    return [
        user
        for users in user_list_to_notify(perm=TRANSFER_NOTIFY_PERMISSION, unit_ids=township).values()
        for user in users
    ]


def _notify_transfer(transfer: MembershipTransfer) -> None:
    """Tell the other side. Names only the member's name and card, never the ID number.

    A receiving side that asked for a member it cannot see (转入申请) is never told the member's
    name or the releasing union until the member is theirs.
    """
    member = transfer.member
    pull = transfer.direction == TransferDirection.PULL
    settled_at_once = transfer.status != TransferStatus.PENDING and transfer.decided_by_id == transfer.requested_by_id
    body = ""
    if transfer.status == TransferStatus.CANCELLED:
        # The side that was asked to decide: it no longer has to (it has seen the member already).
        recipients = _township_staff_of(_deciding_union(transfer))
        how = "已撤回" if transfer.decided_by_id else "已过期自动撤销"
        title = f"会籍接转{how}：{member.real_name}（{transfer.from_union}→{transfer.to_union}）"
        if transfer.decided_by_id is not None:
            body = f"撤回说明：{transfer.decision_note}。该会员已恢复为原工会的正常会员，无需再办理接收。"
        if transfer.decided_by_id is None:
            # Expired: the requesting side is told too, without the member's name or union if hidden.
            for user in _township_staff_of(_requesting_union(transfer)):
                notification_send(
                    recipient=user,
                    title=f"会籍转入申请已过期自动撤销：身份证号码 {member.id_masked} 转入{transfer.to_union}"
                    if pull
                    else title,
                    link="/members/transfers/",
                    dedupe_key=f"members:transfer:{transfer.pk}:{transfer.status}:requester",
                )
    elif transfer.status == TransferStatus.PENDING and pull:
        recipients = _township_staff_of(transfer.from_union)
        title = f"会籍转入申请待办理：{transfer.to_union}申请将{member.real_name}（{member.card_number}）转入"
    elif transfer.status == TransferStatus.PENDING:
        recipients = _township_staff_of(transfer.to_union)
        title = f"待接收会籍：{member.real_name}转入{transfer.to_union}"
    elif pull and not settled_at_once:
        recipients = _township_staff_of(transfer.to_union)
        if transfer.status == TransferStatus.ACCEPTED:
            title = f"会籍转入申请已同意：{member.real_name}（{member.card_number}）已转入{transfer.to_union}"
        else:
            title = f"会籍转入申请未获同意：身份证号码 {member.id_masked} 转入{transfer.to_union}"
    else:
        recipients = _township_staff_of(transfer.from_union)
        title = (
            f"会籍接转{transfer.get_status_display()}：{member.real_name}（{transfer.from_union}→{transfer.to_union}）"
        )
    for user in recipients:
        notification_send(
            recipient=user,
            title=title,
            body=body,
            # The releasing side no longer sees the member after acceptance: link the transfer list.
            link="/members/transfers/",
            dedupe_key=f"members:transfer:{transfer.pk}:{transfer.status}",
        )


# --- one member as the model sees it, without the database ------------------------------------------


def member_problems(member: Member, *, exclude=()) -> dict[str, list[ValidationError]]:
    """What the Member model refuses in this unsaved member, {field: errors (with their codes)},
    without a query: every field's own rules (required, length, choices, validators: the
    plausible dates, the mobile rule) and the model's ``clean()``; the same ``full_clean`` that
    ``member_create`` runs, less what only the database can answer (one person one record, a
    card number already taken, the check constraints), which the roster import asks for all its
    rows at once. Empty when the member can be written."""
    try:
        member.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return dict(exc.error_dict)
    return {}
