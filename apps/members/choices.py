from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("In good standing")
    TRANSFERRING = "transferring", _("Transferring")
    LEFT = "left", _("Left")
    REMOVED = "removed", _("Removed")
    DECEASED = "deceased", _("Deceased")


# Statuses that end a membership: the record is archived with a date and reason, never deleted.
ARCHIVED_STATUSES = (MemberStatus.LEFT, MemberStatus.REMOVED, MemberStatus.DECEASED)


class EmploymentForm(models.TextChoices):
    REGULAR = "regular", _("Regular employee")
    MIGRANT = "migrant", _("Migrant worker")
    DISPATCHED = "dispatched", _("Dispatched worker")
    FLEXIBLE = "flexible", _("Flexible or temporary")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting acceptance")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Refused")
    CANCELLED = "cancelled", _("Cancelled")


class TransferDirection(models.TextChoices):
    """Who started a transfer decides who settles it: the other side (or the county)."""

    RELEASE = "release", "转出方发起"  # the receiving township (or the county) accepts
    PULL = "pull", "转入方申请"  # the releasing township (or the county) accepts


class LookupPurpose(models.TextChoices):
    TRANSFER_IN = "transfer_in", "办理会籍转入"
    MEMBER_CREATE = "member_create", "新增会员时发现已登记"


# --- standard code lists (国家标准): the member's 民族, 文化程度 and 政治面貌 are stored as codes ----------


class Ethnicity(models.TextChoices):
    """民族, GB/T 3304 (中国各民族名称的罗马字母拼写法和代码): the 56 ethnicities by their 2-digit
    codes, plus 97 (其他: an undetermined group such as 穿青人) and 98 (外国血统中国籍人士)."""

    HAN = "01", "汉族"
    MONGOL = "02", "蒙古族"
    HUI = "03", "回族"
    TIBETAN = "04", "藏族"
    UYGHUR = "05", "维吾尔族"
    MIAO = "06", "苗族"
    YI = "07", "彝族"
    ZHUANG = "08", "壮族"
    BUYEI = "09", "布依族"
    KOREAN = "10", "朝鲜族"
    MANCHU = "11", "满族"
    DONG = "12", "侗族"
    YAO = "13", "瑶族"
    BAI = "14", "白族"
    TUJIA = "15", "土家族"
    HANI = "16", "哈尼族"
    KAZAK = "17", "哈萨克族"
    DAI = "18", "傣族"
    LI = "19", "黎族"
    LISU = "20", "傈僳族"
    VA = "21", "佤族"
    SHE = "22", "畲族"
    GAOSHAN = "23", "高山族"
    LAHU = "24", "拉祜族"
    SUI = "25", "水族"
    DONGXIANG = "26", "东乡族"
    NAXI = "27", "纳西族"
    JINGPO = "28", "景颇族"
    KIRGIZ = "29", "柯尔克孜族"
    TU = "30", "土族"
    DAUR = "31", "达斡尔族"
    MULAO = "32", "仫佬族"
    QIANG = "33", "羌族"
    BLANG = "34", "布朗族"
    SALAR = "35", "撒拉族"
    MAONAN = "36", "毛南族"
    GELAO = "37", "仡佬族"
    XIBE = "38", "锡伯族"
    ACHANG = "39", "阿昌族"
    PUMI = "40", "普米族"
    TAJIK = "41", "塔吉克族"
    NU = "42", "怒族"
    UZBEK = "43", "乌孜别克族"
    RUSSIAN = "44", "俄罗斯族"
    EWENKI = "45", "鄂温克族"
    DEANG = "46", "德昂族"
    BONAN = "47", "保安族"
    YUGUR = "48", "裕固族"
    GIN = "49", "京族"
    TATAR = "50", "塔塔尔族"
    DERUNG = "51", "独龙族"
    OROQEN = "52", "鄂伦春族"
    HEZHEN = "53", "赫哲族"
    MONBA = "54", "门巴族"
    LHOBA = "55", "珞巴族"
    JINO = "56", "基诺族"
    OTHER = "97", "其他（未识别民族）"
    FOREIGN_ORIGIN = "98", "外国血统中国籍人士"


class Education(models.TextChoices):
    """文化程度, GB/T 4658 (学历代码): its top-level categories, with 中等职业教育 (40) in its three
    kinds (41 中等专科, 42 职业高中, 43 技工学校) as offices tell them apart."""

    GRADUATE = "10", "研究生"
    BACHELOR = "20", "大学本科"
    COLLEGE = "30", "大学专科"
    SECONDARY_SPECIALISED = "41", "中等专科"
    VOCATIONAL_HIGH = "42", "职业高中"
    TECHNICAL = "43", "技工学校"
    HIGH_SCHOOL = "60", "普通高中"
    JUNIOR = "70", "初中"
    PRIMARY = "80", "小学"
    OTHER = "90", "其他"


class PoliticalStatus(models.TextChoices):
    """政治面貌, GB/T 4762 (政治面貌代码), by the standard's short names."""

    CPC_MEMBER = "01", "中共党员"
    CPC_PROBATIONARY = "02", "中共预备党员"
    CYL_MEMBER = "03", "共青团员"
    RCCK = "04", "民革会员"
    CDL = "05", "民盟盟员"
    CNDCA = "06", "民建会员"
    CAPD = "07", "民进会员"
    CPWDP = "08", "农工党党员"
    CZGP = "09", "致公党党员"
    JIUSAN = "10", "九三学社社员"
    TDSGL = "11", "台盟盟员"
    NON_PARTY = "12", "无党派人士"
    MASSES = "13", "群众"


class IdNumberAccess(models.TextChoices):
    """Why a whole ID number was shown or typed (the reveal log)."""

    REVEAL = "reveal", "查看完整号码"
    CORRECT = "correct", "更正号码"
