"""Demo members: a few thousand people across the demo county's unions, with transfers and
hardship flags. Deterministic (fixed seed) and loaded once."""

import datetime
import random

from django.utils import timezone

from apps.accounts.models import User
from apps.branches.choices import GRASSROOTS_KINDS, UnionStatus
from apps.branches.models import Enterprise, OrgUnit

from .choices import EmploymentForm, MemberStatus
from .idnumbers import check_character, mask_id_number
from .models import Member
from .selectors import id_hash_of
from .services import card_numbers_issue

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志文海燕春雪"
REGIONS = ["320722", "320722", "320722", "320721", "320723", "321322", "341321", "411524"]
# Standard codes (choices.Education, PoliticalStatus, Ethnicity): 小学, 初中 ×2, 普通高中, 中专, 大专, 本科.
EDUCATION = ["80", "70", "70", "60", "41", "30", "20"]
POLITICAL = ["13", "13", "13", "01", "03"]  # 群众 ×3, 中共党员, 共青团员
ETHNIC_MINORITIES = ["03", "11", "08"]  # 回族, 满族, 壮族
# Members of each union: its covered enterprises' employees (apps.branches.demo.ENTERPRISES)
# times a rate between 45 % and 90 %, but for the two unions the demo shows on the 入会率数据待核实
# page (ENROLMENT_PROBLEM_UNIONS), which count more members than their covered employees.
MEMBERS_BY_UNION = {
    "白塔化工建材厂工会": 492,  # of 600
    "白塔埠镇工业集中区区域工会": 132,  # of 220
    "平明太平洋石英制品有限公司工会": 792,  # of 900
    "平明镇小微企业联合工会": 91,  # of 165
    "浦南硅微粉有限公司工会": 390,  # of 520
    "大平乳品厂工会": 432,  # of 480
    "牛山街道个体私营企业联合工会": 41,  # of 85
    "安峰镇水晶加工行业工会": 98,  # of 140
    "石榴街道商贸企业联合工会": 186,  # of 300
    "驼峰乡食品加工企业联合工会": 151,  # of 220
    "桃林镇桃林村工会": 27,  # of 60
    "房山镇水晶市场区域工会": 150,  # of 110: the roster still has the market's stall holders
    "安峰镇山东村工会": 18,  # of none: the village's enterprises were never recorded
}
ENROLMENT_PROBLEM_UNIONS = ("房山镇水晶市场区域工会", "安峰镇山东村工会")
DEMO_MEMBERS = sum(MEMBERS_BY_UNION.values())


def _person(rng, index):
    birth = datetime.date(1962, 1, 1) + datetime.timedelta(days=rng.randrange(0, 40 * 365))
    sex_digit = rng.choice("13579") if index % 2 else rng.choice("02468")
    first17 = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{index % 100:02d}{sex_digit}"
    return first17 + check_character(first17), birth, "male" if int(sex_digit) % 2 else "female"


def seed():
    if Member.objects.count() >= DEMO_MEMBERS // 2:
        return []
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    unions = list(
        OrgUnit.objects.filter(
            kind__in=GRASSROOTS_KINDS, status=UnionStatus.APPROVED, archived_at__isnull=True
        ).order_by("path")
    )
    # Each union's quota, shuffled so that card numbers and join dates mix the unions.
    assignments = [union for union in unions for _ in range(MEMBERS_BY_UNION.get(union.name, 0))]
    rng.shuffle(assignments)
    # 工作单位: an enterprise the member's union covers, for most members of a union covering any.
    covered = {}
    for enterprise in Enterprise.objects.filter(union__in=unions, archived_at__isnull=True).order_by("name", "pk"):
        covered.setdefault(enterprise.union_id, []).append(enterprise)
    today = timezone.localdate()
    seen, members = set(), []
    index = 0
    while len(members) < DEMO_MEMBERS:
        index += 1
        number, birth, sex = _person(rng, index)
        if number in seen:
            continue
        seen.add(number)
        union = assignments[len(members)]
        join = min(today, birth + datetime.timedelta(days=365 * rng.randint(18, 40)))
        members.append(
            Member(
                union=union,
                real_name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2))),
                id_number=number,
                id_hash=id_hash_of(number),
                id_masked=mask_id_number(number),
                sex=sex,
                birth_date=birth,
                ethnicity="01" if rng.random() < 0.95 else rng.choice(ETHNIC_MINORITIES),
                education=rng.choice(EDUCATION),
                political_status=rng.choice(POLITICAL),
                mobile=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
                employment_form=rng.choices(list(EmploymentForm.values), [6, 3, 1, 1])[0],
                join_date=join,
                hardship=rng.random() < 0.05,
                workplace=rng.choice(covered[union.pk]) if union.pk in covered and rng.random() < 0.9 else None,
            )
        )
    for member, card in zip(members, card_numbers_issue([m.join_date.year for m in members]), strict=True):
        member.card_number = card
    Member.objects.bulk_create(members, batch_size=1000)
    _transfers(rng)
    return []


def _transfers(rng):
    """Some workers changed employer: settled transfers, and a few waiting for acceptance."""
    from .services import transfer_request

    county_user = User.objects.get(username="county")
    unions = list(OrgUnit.objects.filter(kind__in=GRASSROOTS_KINDS, status=UnionStatus.APPROVED).order_by("path"))
    movers = list(Member.objects.filter(status=MemberStatus.ACTIVE).order_by("id")[:60])
    for number, member in enumerate(movers):
        target = rng.choice([u for u in unions if u.pk != member.union_id])
        # Every third one is started by the releasing township and waits for the receiving one.
        transfer_request(
            user=county_user,
            member=member,
            to_union=target,
            reason="调入新单位",
            receiving_side=number % 3 != 0,
        )
