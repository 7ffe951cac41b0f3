"""Demo cadre training (学习培训制度), dated from today.

- A cadre roster: the demo county's unions get their vice-chairs, full-time cadres and committee
  members (branches' `officer_add`), so that a county batch has 100–150 trainees to draw on.
- Last year's two county batches (集训): 120 and 105 trainees nominated by their township chairs,
  five six-hour sessions each, attendance entered per session (a few absent once, which still
  completes at exactly 80 %, a few twice, which does not), completion assessed, certificates
  issued (PX-<year>-<county code>-01-0001 …).
- This year's county batch open for sign-up: a quota per township, some townships' nominations,
  牛山街道 with more nominees than its quota (two on the waiting list).
- 牛山街道's own class for its enterprise union cadres and activists (officers and members): three
  sessions, attendance entered, completion assessed, certificates issued.
- The cadres left out of both batches (and those who did not complete) are the 未培训干部 report.

Deterministic (a fixed `random.Random`), everything through the services, loaded once: nothing is
added when a programme exists.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.branches.choices import OfficerPosition, OrgUnitKind, UnionStatus
from apps.branches.models import Officer, OrgUnit
from apps.branches.services import officer_add
from apps.members.choices import MemberStatus
from apps.members.models import Member

from .choices import NominationStatus, ProgrammeKind, TargetGroup
from .models import Programme
from .services import (
    AttendanceEntry,
    attendance_record,
    certificates_issue,
    completion_assess,
    nomination_create,
    programme_create,
    quota_set,
    session_add,
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志文海燕春雪飞鹏辉宇晨欣悦佳琳"

# New officers per union: a township union's (its chair comes from apps.branches.demo) and a
# grassroots union's.
TOWNSHIP_ROSTER = (
    [OfficerPosition.VICE_CHAIR] + [OfficerPosition.FULL_TIME] * 2 + [OfficerPosition.COMMITTEE_MEMBER] * 6
)
GRASSROOTS_ROSTER = [OfficerPosition.CHAIR, OfficerPosition.VICE_CHAIR, OfficerPosition.FULL_TIME] + [
    OfficerPosition.COMMITTEE_MEMBER
] * 7

COUNTY_SUBJECTS = [
    ("习近平总书记关于工人阶级和工会工作的重要论述", "县委党校 孙教授"),
    ("《工会法》《劳动合同法》与职工权益维护", "县人社局 刘科长"),
    ("乡镇工会规范化建设与基层组建实务", "县总工会 组织部"),
    ("工资集体协商与职工代表大会制度", "市总工会 权益保障部"),
    ("工会经费收缴、管理与审查", "县总工会 财务部"),
]
TOWNSHIP_SUBJECTS = [
    ("企业工会工作基础知识", "牛山街道总工会 主席", Decimal("3")),
    ("劳动争议调解与职工帮扶", "县法律援助中心 周律师", Decimal("3")),
    ("工会积极分子的作用与工作方法", "大平乳品厂工会 主席", Decimal("2")),
]
SESSION_HOURS = Decimal("6")

# Last year's batches: (batch, first day (month, day), sign-up opens, closes) and who they take from
# the shuffled roster (the township chairs come to both).
LAST_YEAR_BATCHES = [
    (1, (4, 13), (3, 1), (4, 6), slice(0, 110)),
    (2, (10, 12), (9, 1), (10, 5), slice(80, 175)),
]
# This year's open batch: places per township, and how many each township has nominated so far.
QUOTA = 15
CLASS_TOWNSHIP = "牛山街道"
WAITING_TOWNSHIP = "牛山街道"  # quota 4, six nominated: two on the waiting list
WAITING_QUOTA, WAITING_NOMINEES = 4, 6
OPEN_NOMINEES = {"白塔埠镇": 9, "平明镇": 7, "浦南镇": 5, "安峰镇": 3}


def _aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _name(rng: random.Random, seen: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        if name not in seen:
            seen.add(name)
            return name


def county_unions(county: OrgUnit):
    """The approved unions of the county (townships and grassroots), in tree order."""
    return (
        OrgUnit.objects.filter(path__startswith=county.path, depth__gt=county.depth)
        .exclude(status__in=[UnionStatus.PENDING, UnionStatus.REJECTED])
        .filter(archived_at__isnull=True)
        .order_by("path")
    )


def _roster(county: OrgUnit, county_user: User, today: datetime.date) -> None:
    """Officers for every approved union of the county (vice-chairs, full-time cadres, committees)."""
    rng = random.Random("training-demo:roster")  # noqa: S311 - demo data
    seen = set(Officer.objects.values_list("name", flat=True))
    term_start, term_end = datetime.date(today.year - 3, 1, 1), datetime.date(today.year + 2, 12, 31)
    for union in county_unions(county):
        roster = TOWNSHIP_ROSTER if union.kind == OrgUnitKind.TOWNSHIP else GRASSROOTS_ROSTER
        for position in roster:
            officer_add(
                user=county_user,
                union=union,
                name=_name(rng, seen),
                position=position,
                term_start=term_start,
                term_end=term_end,
            )


def _township_of(officer: Officer, townships: list[OrgUnit]) -> OrgUnit:
    return next(t for t in townships if officer.union.path.startswith(t.path))


def _nominate(programme, officers, chairs, townships, now, *, members=()):
    for officer in officers:
        chair = chairs[_township_of(officer, townships).pk]
        nomination_create(user=chair, programme=programme, officer=officer, now=now)
    for member in members:
        nomination_create(user=chairs[programme.organiser_id], programme=programme, member=member, now=now)


def _attend(programme, county_user, rng, *, absent_share=0.08, twice_share=0.04):
    """Every session's sign-in list: most present throughout, some absent once (still 80 %), a few twice."""
    sessions = list(programme.sessions.order_by("held_on", "id"))
    enrolled = list(programme.nominations.filter(status=NominationStatus.NOMINATED).order_by("pk"))
    absences = {}
    for nomination in enrolled:
        roll = rng.random()
        if roll < twice_share:
            absences[nomination.pk] = set(rng.sample(range(len(sessions)), 2))
        elif roll < twice_share + absent_share:
            absences[nomination.pk] = {rng.randrange(len(sessions))}
    for index, session in enumerate(sessions):
        entries = [
            AttendanceEntry(nomination_id=n.pk, present=index not in absences.get(n.pk, ()), hours=None)
            for n in enrolled
        ]
        attendance_record(user=county_user, session=session, entries=entries, now=_aware(session.held_on, 17))


def _finish(programme, user):
    completion_assess(user=user, programme=programme, now=_aware(programme.ends_on, 18))
    certificates_issue(user=user, programme=programme, now=_aware(programme.ends_on + datetime.timedelta(days=3)))


def _county_batch(county, county_user, *, year, batch, starts_on, opens_on, closes_on, days=5):
    programme = programme_create(
        user=county_user,
        organiser=county,
        kind=ProgrammeKind.COUNTY_BATCH,
        year=year,
        batch=batch,
        title=f"{year}年全县工会干部第{'一二三四'[batch - 1]}期集训班",
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=days - 1),
        signup_opens_on=opens_on,
        signup_closes_on=closes_on,
        venue="县委党校",
        target_groups=[TargetGroup.TOWNSHIP_CHAIR, TargetGroup.FULL_TIME_CADRE, TargetGroup.ENTERPRISE_CHAIR],
    )
    for day, (subject, teacher) in enumerate(COUNTY_SUBJECTS[:days]):
        session_add(
            user=county_user,
            programme=programme,
            held_on=starts_on + datetime.timedelta(days=day),
            hours=SESSION_HOURS,
            subject=subject,
            teacher=teacher,
        )
    return programme


def seed():
    if Programme.objects.exists():
        return []
    today = timezone.localdate()
    county = OrgUnit.objects.get(name="东海县总工会")
    county_user = User.objects.get(username="county")
    townships = list(OrgUnit.objects.filter(path__startswith=county.path, kind=OrgUnitKind.TOWNSHIP).order_by("path"))
    chairs = {}
    for user in User.objects.filter(org_unit__in=townships, is_active=True).order_by("pk"):
        chairs.setdefault(user.org_unit_id, user)
    rng = random.Random("training-demo:programmes")  # noqa: S311 - demo data
    with transaction.atomic():
        _roster(county, county_user, today)
        officers = list(
            Officer.objects.filter(union__in=county_unions(county), ended_on__isnull=True)
            .select_related("union")
            .order_by("union__path", "pk")
        )
        township_chairs = [o for o in officers if o.union.kind == OrgUnitKind.TOWNSHIP and o.position == "chair"]
        others = [o for o in officers if o not in township_chairs]
        rng.shuffle(others)
        last_year = today.year - 1
        for batch, first, opens, closes, drawn in LAST_YEAR_BATCHES:
            programme = _county_batch(
                county,
                county_user,
                year=last_year,
                batch=batch,
                starts_on=datetime.date(last_year, *first),
                opens_on=datetime.date(last_year, *opens),
                closes_on=datetime.date(last_year, *closes),
            )
            nominated_on = datetime.date(last_year, *opens) + datetime.timedelta(days=7)
            _nominate(programme, [*township_chairs, *others[drawn]], chairs, townships, _aware(nominated_on))
            _attend(programme, county_user, rng)
            _finish(programme, county_user)
        _open_batch(county, county_user, townships, chairs, others, today)
        _township_class(townships, chairs, officers, rng, today)
    return []


def _open_batch(county, county_user, townships, chairs, others, today):
    """This year's batch, sign-up open for another fortnight, quotas given, some nominations."""
    year = today.year
    batch = (Programme.objects.filter(organiser=county, year=year).count() or 0) + 1
    starts_on = today + datetime.timedelta(days=21)
    programme = _county_batch(
        county,
        county_user,
        year=year,
        batch=batch,
        starts_on=starts_on,
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=14),
    )
    by_name = {t.name.removesuffix("总工会"): t for t in townships}
    for township in townships:
        places = WAITING_QUOTA if township == by_name[WAITING_TOWNSHIP] else QUOTA
        quota_set(user=county_user, programme=programme, township=township, places=places)
    wanted = {**OPEN_NOMINEES, WAITING_TOWNSHIP: WAITING_NOMINEES}
    now = _aware(today - datetime.timedelta(days=3))
    for name, count in wanted.items():
        township = by_name[name]
        nominees = [o for o in others if o.union.path.startswith(township.path)][:count]
        _nominate(programme, nominees, chairs, townships, now)


def _township_class(townships, chairs, officers, rng, today):
    """牛山街道's class for its enterprise union cadres and activists, six weeks ago."""
    township = next(t for t in townships if t.name == f"{CLASS_TOWNSHIP}总工会")
    starts_on = today - datetime.timedelta(days=45)
    chair = chairs[township.pk]
    programme = programme_create(
        user=chair,
        organiser=township,
        kind=ProgrammeKind.TOWNSHIP_CLASS,
        year=starts_on.year,
        title=f"{CLASS_TOWNSHIP}企业工会干部和积极分子培训班",
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=1),
        signup_opens_on=starts_on - datetime.timedelta(days=20),
        signup_closes_on=starts_on - datetime.timedelta(days=3),
        venue=f"{CLASS_TOWNSHIP}职工之家",
        target_groups=[TargetGroup.ENTERPRISE_CHAIR, TargetGroup.ACTIVIST],
    )
    for index, (subject, teacher, hours) in enumerate(TOWNSHIP_SUBJECTS):
        session_add(
            user=chair,
            programme=programme,
            held_on=starts_on + datetime.timedelta(days=index // 2),
            hours=hours,
            subject=subject,
            teacher=teacher,
        )
    cadres = [o for o in officers if o.union.path.startswith(township.path) and o.union_id != township.pk]
    activists = list(
        Member.objects.filter(union__path__startswith=township.path, status=MemberStatus.ACTIVE).order_by("pk")[:8]
    )
    now = _aware(starts_on - datetime.timedelta(days=10))
    _nominate(programme, cadres, chairs, townships, now, members=activists)
    _attend(programme, chair, rng, absent_share=0.1, twice_share=0.1)
    _finish(programme, chair)
