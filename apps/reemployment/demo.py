"""Demo re-employment (再就业), dated from today.

- The two municipal re-employment bases of the source article: 大平乳品厂 and a 苏果超市, in the
  demo county's first two townships, with places offered last year and this year.
- Laid-off and unemployed members of several townships (and a few non-members) registered
  last year and this: some placed at each base and re-employed there, some re-employed
  elsewhere through a job referral or on their own, some still seeking (after training or a
  referral), one closed without work.
- A target of persons re-employed per township for this year.

Deterministic (a fixed `random.Random`), everything through the services, loaded once: nothing is
added when a base exists.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from apps.branches.choices import OrgUnitKind
from apps.branches.models import Enterprise, OrgUnit
from apps.members.choices import MemberStatus
from apps.members.idnumbers import check_character
from apps.members.models import Member

from .choices import BaseLevel, CaseReason, HelpKind
from .models import ReemploymentBase
from .services import (
    base_create,
    base_places_set,
    case_close,
    case_employed,
    case_register,
    help_give,
    target_set,
)

BASES = [("大平乳品厂", 12, 15), ("苏果超市", 20, 25)]  # name, places last year, this year
NON_MEMBERS = ["赵下岗", "钱再就", "孙求职", "李待业"]
OTHER_EMPLOYERS = ["东海县水晶城物流公司", "白塔埠镇家政服务站", "平明镇石英制品厂", "县城区物业公司"]


def _non_member_id(serial: int) -> str:
    first17 = f"320722{datetime.date(1968, 3, 1) + datetime.timedelta(days=serial * 211):%Y%m%d}{700 + serial:03d}"
    return first17 + check_character(first17)


@transaction.atomic
def seed():
    if ReemploymentBase.objects.exists():
        return []
    townships = list(OrgUnit.objects.filter(kind=OrgUnitKind.TOWNSHIP).order_by("path"))
    if len(townships) < 2:
        return []
    rng = random.Random("reemployment-demo")  # noqa: S311 - demo data
    today = timezone.localdate()
    year = today.year
    jan1 = datetime.date(year, 1, 1)
    last_year = datetime.date(year - 1, 3, 1)

    bases = []
    for township, (name, last_places, places) in zip(townships, BASES, strict=False):
        enterprise = Enterprise.objects.filter(township=township, name=name).first()
        base = base_create(
            user=None,
            name=name,
            township=township,
            level=BaseLevel.MUNICIPAL,
            recognised_on=datetime.date(2003, 6, 1),
            enterprise=enterprise,
        )
        base_places_set(user=None, base=base, year=year - 1, places=last_places)
        base_places_set(user=None, base=base, year=year, places=places)
        bases.append(base)

    members = list(
        Member.objects.filter(status=MemberStatus.ACTIVE)
        .select_related("union")
        .defer("id_number")
        .order_by("id")[:600]
    )
    rng.shuffle(members)
    by_township: dict[int, list] = {}
    for member in members:
        for township in townships:
            if member.union.path.startswith(township.path):
                by_township.setdefault(township.pk, []).append(member)
                break

    def day_between(start, end):
        return start + datetime.timedelta(days=rng.randint(0, max((end - start).days, 0)))

    reasons = [CaseReason.LAID_OFF, CaseReason.LAID_OFF, CaseReason.UNEMPLOYED, CaseReason.ENTERPRISE_CLOSED]
    for index, township in enumerate(townships):
        people = by_township.get(township.pk, [])[:8]
        base = bases[index % len(bases)]
        for n, member in enumerate(people):
            this_year = n % 2 == 0
            registered = day_between(jan1, today) if this_year else day_between(last_year, last_year.replace(month=10))
            case = case_register(user=None, member=member, registered_on=registered, reason=rng.choice(reasons))
            outcome = n % 4
            if outcome == 0:  # placed at a base and employed there
                given = day_between(registered, min(today, registered + datetime.timedelta(days=30)))
                placement = help_give(user=None, case=case, kind=HelpKind.BASE, given_on=given, base=base)
                case_employed(user=None, case=case, employed_on=given, via=placement)
            elif outcome == 1:  # a referral, then work elsewhere
                given = day_between(registered, min(today, registered + datetime.timedelta(days=20)))
                referral = help_give(user=None, case=case, kind=HelpKind.REFERRAL, given_on=given, note="推荐面试")
                case_employed(
                    user=None,
                    case=case,
                    employed_on=day_between(given, min(today, given + datetime.timedelta(days=15))),
                    employer_name=rng.choice(OTHER_EMPLOYERS),
                    via=referral,
                )
            elif outcome == 2:  # training, still seeking
                help_give(user=None, case=case, kind=HelpKind.TRAINING, given_on=registered, note="家政服务技能培训")
            elif n == 7:
                case_close(user=None, case=case, closed_on=today, reason="已办理退休")
        target_set(user=None, township=township, year=year, persons=max(len(people) // 2, 2))

    for serial, name in enumerate(NON_MEMBERS):
        township = townships[serial % len(townships)]
        case = case_register(
            user=None,
            township=township,
            person_name=name,
            id_number=_non_member_id(serial),
            mobile=f"1391234{5670 + serial}",
            registered_on=day_between(jan1, today),
            reason=CaseReason.ENTERPRISE_CLOSED,
            former_employer="东海县原第二纺织厂",
        )
        if serial == 0:
            placement = help_give(user=None, case=case, kind=HelpKind.BASE, given_on=today, base=bases[-1])
            case_employed(user=None, case=case, employed_on=today, via=placement)
    return []
