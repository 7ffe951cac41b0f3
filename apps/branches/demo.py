"""The demo county: 东海县总工会 with townships from the source article and a few more."""

from apps.accounts.models import User
from apps.accounts.roles import COUNTY_STAFF, GRASSROOTS_OFFICER, TOWNSHIP_STAFF
from apps.accounts.services import user_create
from apps.core.management.commands.seed_demo import DEMO_PASSWORD

from .choices import OrgUnitKind
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
        existing = OrgUnit.get_root_nodes().filter(name=name).first()
    else:
        existing = parent.get_children().filter(name=name).first()
    return existing or orgunit_create(parent=parent, name=name, kind=kind, code=code)


def _user(username, **kwargs):
    if User.objects.filter(username=username).exists():
        return
    user_create(username=username, password=DEMO_PASSWORD, **kwargs)


def seed():
    province = _unit(None, "江苏省总工会", OrgUnitKind.PROVINCE)
    city = _unit(province, "连云港市总工会", OrgUnitKind.CITY)
    county = _unit(city, "东海县总工会", OrgUnitKind.COUNTY)
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
    return logins
