"""The demo county: 东海县总工会 with townships from the source article and a few more."""

from apps.accounts.models import User
from apps.accounts.roles import COUNTY_STAFF, GRASSROOTS_OFFICER, TOWNSHIP_STAFF
from apps.accounts.services import user_create
from apps.core.management.commands.seed_demo import DEMO_PASSWORD

from .choices import OrgUnitKind, Ownership
from .models import OrgUnit
from .services import orgunit_create

# (township, demo chair login, grassroots unions as (name, kind))
TOWNSHIPS = [
    (
        "牛山街道",
        "niushan",
        [("大平乳品厂工会", OrgUnitKind.ENTERPRISE), ("牛山街道个体私营企业联合工会", OrgUnitKind.JOINT)],
    ),
    ("安峰镇", "anfeng", [("安峰镇山东村工会", OrgUnitKind.VILLAGE), ("安峰镇水晶加工行业工会", OrgUnitKind.INDUSTRY)]),
    (
        "平明镇",
        "pingming",
        [("平明太平洋石英制品有限公司工会", OrgUnitKind.ENTERPRISE), ("平明镇小微企业联合工会", OrgUnitKind.JOINT)],
    ),
    (
        "白塔埠镇",
        "baitabu",
        [("白塔化工建材厂工会", OrgUnitKind.ENTERPRISE), ("白塔埠镇工业集中区区域工会", OrgUnitKind.REGIONAL)],
    ),
    ("浦南镇", "punan", [("浦南硅微粉有限公司工会", OrgUnitKind.ENTERPRISE)]),
    ("石榴街道", "shiliu", [("石榴街道商贸企业联合工会", OrgUnitKind.JOINT)]),
    ("房山镇", "fangshan", [("房山镇水晶市场区域工会", OrgUnitKind.REGIONAL)]),
    ("桃林镇", "taolin", [("桃林镇桃林村工会", OrgUnitKind.VILLAGE)]),
    ("青湖镇", "qinghu", []),
    ("驼峰乡", "tuofeng", [("驼峰乡食品加工企业联合工会", OrgUnitKind.JOINT)]),
]


def _unit(parent, name, kind, code=""):
    if parent is None:
        existing = OrgUnit.objects.filter(depth=1, name=name).first()
    else:
        existing = OrgUnit.objects.filter(path__startswith=parent.path, depth=parent.depth + 1, name=name).first()
    return existing or orgunit_create(user=None, parent=parent, name=name, kind=kind, code=code)  # seeding: the system


def _user(username, **kwargs):
    if User.objects.filter(username=username).exists():
        return
    user_create(user=None, username=username, password=DEMO_PASSWORD, **kwargs)


# (township, enterprise, ownership, employees, covering union or None). Codes are generated
# with a correct check character from a fixed serial, so seeding twice gives the same rows.
# The employees are above the members apps.members.demo gives the covering unions (职工入会率
# 45 %-90 %), but for 房山镇水晶市场区域工会 (a stale head count) and 安峰镇山东村工会 (no covered
# enterprise recorded): the demo's 入会率数据待核实.
ENTERPRISES = [
    ("白塔埠镇", "白塔化工建材厂", Ownership.PRIVATE, 600, "白塔化工建材厂工会"),
    ("白塔埠镇", "白塔埠镇顺达物流有限公司", Ownership.PRIVATE, 220, "白塔埠镇工业集中区区域工会"),
    ("白塔埠镇", "连云港金鼎机械配件厂", Ownership.PRIVATE, 42, None),
    ("白塔埠镇", "白塔埠镇红星砖瓦厂", Ownership.COLLECTIVE, 12, None),
    ("平明镇", "平明太平洋石英制品有限公司", Ownership.HMT, 900, "平明太平洋石英制品有限公司工会"),
    ("平明镇", "平明镇宏远服装厂", Ownership.PRIVATE, 95, "平明镇小微企业联合工会"),
    ("平明镇", "平明镇利民食品厂", Ownership.PRIVATE, 70, "平明镇小微企业联合工会"),
    ("平明镇", "东海县晶华石英砂厂", Ownership.PRIVATE, 64, None),
    ("浦南镇", "浦南硅微粉有限公司", Ownership.PRIVATE, 520, "浦南硅微粉有限公司工会"),
    ("浦南镇", "浦南镇永兴木业有限公司", Ownership.PRIVATE, 38, None),
    ("牛山街道", "大平乳品厂", Ownership.COLLECTIVE, 480, "大平乳品厂工会"),
    ("牛山街道", "东海县苏果超市牛山店", Ownership.PRIVATE, 85, "牛山街道个体私营企业联合工会"),
    ("牛山街道", "东海县自来水公司", Ownership.STATE, 210, None),
    ("安峰镇", "安峰镇晶艺水晶加工厂", Ownership.PRIVATE, 140, "安峰镇水晶加工行业工会"),
    ("安峰镇", "安峰镇金山纺织有限公司", Ownership.FOREIGN, 75, None),
    ("房山镇", "房山镇东方水晶制品厂", Ownership.PRIVATE, 110, "房山镇水晶市场区域工会"),
    ("石榴街道", "东海县石榴商贸城", Ownership.PRIVATE, 300, "石榴街道商贸企业联合工会"),
    ("桃林镇", "桃林镇绿源果蔬合作社", Ownership.COLLECTIVE, 60, "桃林镇桃林村工会"),
    ("青湖镇", "青湖镇兴业建材有限公司", Ownership.PRIVATE, 48, None),
    ("驼峰乡", "驼峰乡康达食品有限公司", Ownership.PRIVATE, 220, "驼峰乡食品加工企业联合工会"),
]


def demo_credit_code(serial: int) -> str:
    """A well-formed code for 东海县 (320722) with a correct GB 32100 check character."""
    from stdnum.cn import uscc

    body = f"91320722MA{serial:07d}"
    return body + uscc.calc_check_digit(body)


def _enterprises(county_user):
    from .models import Enterprise
    from .services import enterprise_register

    for serial, (township_name, name, ownership, employees, union_name) in enumerate(ENTERPRISES, start=1):
        if Enterprise.objects.filter(name=name).exists():
            continue
        enterprise_register(
            user=county_user,
            township=OrgUnit.objects.get(name=f"{township_name}总工会"),
            name=name,
            credit_code=demo_credit_code(serial),
            ownership=ownership,
            employee_count=employees,
            union=OrgUnit.objects.get(name=union_name) if union_name else None,
        )


# Enterprises that have set up a workers' congress (职代会制度).
WITH_CONGRESS = ["白塔化工建材厂", "平明太平洋石英制品有限公司", "浦南硅微粉有限公司", "大平乳品厂", "东海县自来水公司"]
# (union, members, form, founded, term years); the rest are small unions with an organiser.
UNION_PROFILES = {
    "白塔化工建材厂工会": (480, "committee", (2022, 5, 1), 5),
    "平明太平洋石英制品有限公司工会": (780, "committee", (2021, 9, 1), 5),
    "浦南硅微粉有限公司工会": (380, "committee", (2023, 3, 1), 3),
    "大平乳品厂工会": (420, "committee", (2020, 12, 1), 5),
    "安峰镇山东村工会": (18, "organiser", (2022, 3, 1), 3),  # term ends soon after the demo's "today"
}
FULL_SUBCOMMITTEES = ["白塔化工建材厂工会", "平明太平洋石英制品有限公司工会", "大平乳品厂工会"]
# The source article's pilot towns held their joint meeting this year; the others show as gaps.
JOINT_MEETING_HELD = ["白塔埠镇", "平明镇", "牛山街道", "安峰镇", "浦南镇"]
CONGRESS_HELD = ["白塔化工建材厂", "平明太平洋石英制品有限公司", "大平乳品厂"]
RATINGS = [
    ("白塔埠镇总工会", "model_township", "组织健全，班子配齐\n党政工联席会议每年两次\n员工投诉七日内答复"),
    ("平明镇总工会", "provincial_top100", "非公企业建会率 90% 以上\n集体合同覆盖全部建会企业"),
    ("白塔化工建材厂工会", "workers_home", "有活动阵地\n职代会每年召开\n厂务公开"),
]


def _organisation(county_user):
    """Profiles, committees, officers, meetings and titles, with the gaps a real county has."""
    import datetime

    from django.utils import timezone

    from .models import Enterprise, Meeting, Officer, Rating, SubCommittee
    from .services import (
        meeting_record,
        officer_add,
        rating_record,
        subcommittee_add,
        term_end_for,
        union_register,
    )

    today = timezone.localdate()
    this_year = today.year
    Enterprise.objects.filter(name__in=WITH_CONGRESS).update(has_workers_congress=True)
    for name, (members, form, founded, years) in UNION_PROFILES.items():
        union = OrgUnit.objects.get(name=name)
        if union.term_start:
            continue
        union.declared_members, union.formation_form, union.term_years = members, form, years
        union.founded_on = union.term_start = datetime.date(*founded)
        if name == "安峰镇山东村工会":
            union.term_start = term_end_for(today, -years) + datetime.timedelta(days=61)
        union.term_end = term_end_for(union.term_start, years)
        union.approved_by, union.approved_at = county_user, timezone.now()
        union.save()
    for name in [*FULL_SUBCOMMITTEES, "浦南硅微粉有限公司工会"]:
        union = OrgUnit.objects.get(name=name)
        kinds = ["women", "fund_audit", "mediation"] if name in FULL_SUBCOMMITTEES else ["women"]
        for kind in kinds:
            if not SubCommittee.objects.filter(union=union, kind=kind).exists():
                subcommittee_add(user=county_user, union=union, kind=kind, established_on=union.founded_on or today)
    early = min(datetime.date(this_year, 3, 15), today)
    for township_name, _login, _unions in TOWNSHIPS:
        township = OrgUnit.objects.get(name=f"{township_name}总工会")
        if not Officer.objects.filter(union=township).exists():
            officer_add(
                user=county_user,
                union=township,
                name=f"{township_name}工会主席",
                position="chair",
                concurrent_post="党委副书记",
                term_start=datetime.date(2023, 1, 1),
                term_end=datetime.date(2027, 12, 31),
            )
        if (
            township_name in JOINT_MEETING_HELD
            and not Meeting.objects.filter(org_unit=township, kind="joint_meeting", held_on__year=this_year).exists()
        ):
            meeting_record(
                user=county_user,
                org_unit=township,
                kind="joint_meeting",
                held_on=early,
                title=f"{this_year}年党政工联席会议",
                attendees=12,
            )
    for name in CONGRESS_HELD:
        enterprise = Enterprise.objects.get(name=name)
        if not Meeting.objects.filter(enterprise=enterprise, held_on__year=this_year).exists():
            meeting_record(
                user=county_user,
                org_unit=enterprise.union,
                kind="workers_congress",
                enterprise=enterprise,
                held_on=early,
                title=f"{this_year}年职工代表大会",
                attendees=45,
            )
    for unit_name, title, checklist in RATINGS:
        unit = OrgUnit.objects.get(name=unit_name)
        if not Rating.objects.filter(org_unit=unit, title=title, year=this_year - 1).exists():
            rating_record(user=county_user, org_unit=unit, title=title, year=this_year - 1, checklist=checklist)
    # A union registered by 青湖镇 and waiting for the county's approval.
    if not OrgUnit.objects.filter(name="青湖镇兴业建材有限公司工会").exists():
        union_register(
            user=User.objects.get(username="qinghu"),
            township=OrgUnit.objects.get(name="青湖镇总工会"),
            name="青湖镇兴业建材有限公司工会",
            kind=OrgUnitKind.ENTERPRISE,
            enterprises=[Enterprise.objects.get(name="青湖镇兴业建材有限公司")],
            formation_form="committee",
            declared_members=41,
            founded_on=min(datetime.date(this_year, 10, 8), today),
            term_years=5,
        )


def seed():
    province = _unit(None, "江苏省总工会", OrgUnitKind.PROVINCE)
    city = _unit(province, "连云港市总工会", OrgUnitKind.CITY)
    county = _unit(city, "东海县总工会", OrgUnitKind.COUNTY, code="320722")  # 东海县的行政区划代码
    logins = [("admin", "系统管理员（Django 管理后台）"), ("county", "东海县总工会工作人员：全县")]
    _user("admin", real_name="系统管理员", is_superuser=True)
    _user("county", real_name="县总工会 王组织", org_unit=county, role=COUNTY_STAFF)
    for township_name, login, unions in TOWNSHIPS:
        township = _unit(county, f"{township_name}总工会", OrgUnitKind.TOWNSHIP)
        for union_name, kind in unions:
            _unit(township, union_name, kind)
        _user(login, real_name=f"{township_name}工会主席", org_unit=township, role=TOWNSHIP_STAFF)
        logins.append((login, f"{township.name}主席：本乡镇"))
    baita = OrgUnit.objects.get(name="白塔化工建材厂工会")
    _user("baita", real_name="白塔化工建材厂工会干部", org_unit=baita, role=GRASSROOTS_OFFICER)
    logins.append(("baita", "白塔化工建材厂工会干部：本工会"))
    county_user = User.objects.get(username="county")
    _enterprises(county_user)
    _organisation(county_user)
    return logins
