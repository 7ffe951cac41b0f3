"""Re-employment cases: registration, the help given, the outcome, closing.

A person has at most one open case (求职中): a member by the member, anyone else by the keyed hash
of their ID number (the database holds it too, with two partial unique constraints). A placement
at a base takes one of the places the base offers in the placement's year, under that year's row
lock (bases.base_year_locked); the last place goes to one of two chairs pressing at once, and the
other is told in Chinese that the base is full.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.branches.choices import OrgUnitKind
from apps.branches.models import OrgUnit
from apps.core.errors import ApplicationError
from apps.core.history import acting_user
from apps.core.services import model_update
from apps.members.choices import MemberStatus
from apps.members.idnumbers import mask_id_number, validate_id_number
from apps.members.selectors import id_hash_of, member_by_id_number
from apps.members.validators import normalize_mobile

from ..choices import CaseStatus, HelpKind
from ..models import ReemploymentCase, ReemploymentHelp
from .bases import base_places_filled, base_year_locked
from .common import check_manages, check_township

__all__ = ["case_close", "case_employed", "case_register", "case_update", "help_give", "township_of"]

OPEN_CASE_MESSAGE = "{name}已有一条求职中的再就业登记，请在原登记中继续帮扶。"


def township_of(unit: OrgUnit) -> OrgUnit | None:
    """The township union a unit lies in (the unit itself if it is one); None above townships."""
    step = OrgUnit.steplen
    paths = [unit.path[:end] for end in range(step, len(unit.path) + 1, step)]
    return OrgUnit.objects.filter(kind=OrgUnitKind.TOWNSHIP, path__in=paths).first()


def _check_open(case: ReemploymentCase) -> None:
    if not case.is_open:
        raise ApplicationError(f"该登记已{case.get_status_display()}，不能再修改。")


def _save_new_case(case: ReemploymentCase, user) -> ReemploymentCase:
    case.full_clean(validate_constraints=False)  # the partial unique constraints decide (below)
    try:
        with transaction.atomic(), acting_user(user):
            case.save()
    except IntegrityError as exc:  # two registrations of one person at once: the constraint holds
        if "one_open_per" not in str(exc):
            raise
        raise ApplicationError(OPEN_CASE_MESSAGE.format(name=case.person_name)) from exc
    return case


@transaction.atomic
def case_register(
    *,
    user,
    registered_on: datetime.date,
    reason: str,
    member=None,
    township=None,
    person_name: str = "",
    id_number: str = "",
    mobile: str = "",
    former_employer: str = "",
    note: str = "",
) -> ReemploymentCase:
    """Register a laid-off or unemployed worker: a member (their township is their union's), or a
    non-member by name, citizen ID number and phone in `township`. Refused: someone outside the
    user's area, a non-member whose ID number is a member's (register from the member), a person
    with an open case already."""
    case = ReemploymentCase(
        registered_on=registered_on,
        reason=reason,
        mobile=normalize_mobile(mobile),
        former_employer=(former_employer or "").strip(),
        note=(note or "").strip(),
        registered_by=user,
    )
    if member is not None:
        if member.status == MemberStatus.DECEASED:
            raise ApplicationError(f"{member.real_name}已去世，不能登记。")
        township = township_of(member.union)
        if township is None:
            raise ApplicationError(f"{member.real_name}所在的工会不属于任何乡镇，不能登记。")
        check_manages(user, township, what=f"{member.real_name}所在的乡镇")
        if ReemploymentCase.objects.filter(member=member, status=CaseStatus.SEEKING).exists():
            raise ApplicationError(OPEN_CASE_MESSAGE.format(name=member.real_name))
        case.member, case.person_name, case.township = member, member.real_name, township
        if not case.mobile:
            case.mobile = member.mobile
        return _save_new_case(case, user)

    check_township(township)
    check_manages(user, township)
    person_name = (person_name or "").strip()
    if not person_name:
        raise ValidationError({"person_name": "请填写姓名。"})
    check = validate_id_number(id_number)
    if check.errors:
        raise ValidationError({"id_number": check.errors})
    if member_by_id_number(check.number) is not None:
        raise ValidationError({"id_number": "该身份证号码属于一名会员，请从会员页面为其登记。"})
    id_hash = id_hash_of(check.number)
    if ReemploymentCase.objects.filter(id_hash=id_hash, member__isnull=True, status=CaseStatus.SEEKING).exists():
        raise ApplicationError(OPEN_CASE_MESSAGE.format(name=person_name))
    case.person_name, case.township = person_name, township
    case.id_number, case.id_hash, case.id_masked = check.number, id_hash, mask_id_number(check.number)
    return _save_new_case(case, user)


@transaction.atomic
def case_update(*, user, case: ReemploymentCase, **data) -> ReemploymentCase:
    """Correct an open case: reason, registration day, former employer, mobile, note (and a
    non-member's name)."""
    check_manages(user, case.township, what=f"{case.person_name}的登记")
    _check_open(case)
    fields = ["reason", "registered_on", "former_employer", "mobile", "note"]
    if not case.member_id:
        fields.append("person_name")
    if "mobile" in data:
        data["mobile"] = normalize_mobile(data["mobile"])
    for name in ("former_employer", "note", "person_name"):
        if name in data:
            data[name] = (data[name] or "").strip()
    if "registered_on" in data and data["registered_on"] and case.pk:
        first = case.helps.order_by("given_on").values_list("given_on", flat=True).first()
        if first and data["registered_on"] > first:
            raise ValidationError({"registered_on": f"已于 {first:%Y-%m-%d} 给予帮扶，登记日期不能晚于该日。"})
    model_update(instance=case, fields=fields, data=data, user=user)
    return case


@transaction.atomic
def help_give(
    *, user, case: ReemploymentCase, kind: str, given_on: datetime.date, base=None, note: str = ""
) -> ReemploymentHelp:
    """Record help given in an open case. A placement at a base (基地安置) takes one of the places
    the base offers in the year of `given_on`: the base's year row is locked first, then counted."""
    check_manages(user, case.township, what=f"{case.person_name}的登记")
    case = ReemploymentCase.objects.select_for_update(of=("self",)).select_related("township").get(pk=case.pk)
    _check_open(case)
    help_ = ReemploymentHelp(
        case=case, kind=kind, given_on=given_on, base=base, note=(note or "").strip(), given_by=user
    )
    help_.full_clean()
    if kind == HelpKind.BASE:
        check_manages(user, base.township, what=f"{base.name}")
        if base.is_closed:
            raise ApplicationError(f"{base.name}已撤销，不能再安置。")
        year = given_on.year
        # The lock first, before anything is counted: see the module's docstring.
        row = base_year_locked(base, year)
        if row is None or row.places == 0:
            raise ApplicationError(f"{base.name}{year}年没有提供安置岗位。")
        if base_places_filled(base, year) >= row.places:
            raise ApplicationError(
                f"{base.name}{year}年的 {row.places} 个岗位已全部安置，请选择其他基地或其他帮扶方式。"
            )
    with acting_user(user):
        help_.save()
    return help_


@transaction.atomic
def case_employed(
    *,
    user,
    case: ReemploymentCase,
    employed_on: datetime.date,
    employer_name: str = "",
    employer=None,
    via: ReemploymentHelp | None = None,
) -> ReemploymentCase:
    """The outcome: the person is at work again, where and since when, and through which help
    (None: on their own). A placement at a base names the base's enterprise (or the base) when no
    employer is given."""
    check_manages(user, case.township, what=f"{case.person_name}的登记")
    case = ReemploymentCase.objects.select_for_update(of=("self",)).select_related("township").get(pk=case.pk)
    _check_open(case)
    if via is not None and via.case_id != case.pk:
        raise ValidationError({"employed_via": "请选择本登记中的一项帮扶。"})
    employer_name = (employer_name or "").strip()
    if via is not None and via.kind == HelpKind.BASE and not employer_name and employer is None:
        employer, employer_name = via.base.enterprise, "" if via.base.enterprise_id else via.base.name
    if not employer_name and employer is None:
        raise ValidationError({"employer_name": "请填写新的工作单位。"})
    if employed_on < case.registered_on:
        raise ValidationError({"employed_on": "就业日期不能早于登记日期。"})
    model_update(
        instance=case,
        fields=["status", "employed_on", "employer_name", "employer", "employed_via"],
        data={
            "status": CaseStatus.EMPLOYED,
            "employed_on": employed_on,
            "employer_name": employer_name,
            "employer": employer,
            "employed_via": via,
        },
        user=user,
    )
    return case


@transaction.atomic
def case_close(*, user, case: ReemploymentCase, closed_on: datetime.date, reason: str) -> ReemploymentCase:
    """End an open case without work (moved away, retired, no longer looking): kept, not deleted."""
    check_manages(user, case.township, what=f"{case.person_name}的登记")
    _check_open(case)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写结案原因。"})
    if closed_on < case.registered_on:
        raise ValidationError({"closed_on": "结案日期不能早于登记日期。"})
    model_update(
        instance=case,
        fields=["status", "closed_on", "close_reason"],
        data={"status": CaseStatus.CLOSED, "closed_on": closed_on, "close_reason": reason},
        user=user,
    )
    return case
