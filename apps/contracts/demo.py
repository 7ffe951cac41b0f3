"""Demo collective contracts: the whole clock on the demo county's first day, dated from today.

Every scope (enterprise, regional, industry) and the kinds the county reads (综合性, 工资专项,
女职工专项), in several townships, at every step of 集体合同规定's clock: a request awaiting its
answer and one past the 20 days, a negotiation with meetings, a passed draft, a signed contract
overdue for sending, one under review (received 10 days ago), one received 18 days ago that the
sweep makes "deemed in force" on the 16th day, several in force, one in its renewal window, one
expired and renewed (the chain), one expired without renewal, one closed; documents on some; a
minimum wage below the local standard (the warning). Everything goes through the services, as
a user would record it; the contracts' milestone sweep then runs as beat would. Loaded once:
nothing is added when a contract exists.
"""

import base64
import datetime
import struct
import zlib
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.branches.models import Enterprise, OrgUnit
from apps.core.history import acting_user

from . import clock
from .choices import ContractKind, ContractScope, DocumentKind, Party, VoteBody, WageAreaClass
from .deadlines import deemed_in_force_due_q
from .models import Contract, MinimumWage, WageArea
from .services import (
    contract_answer,
    contract_close,
    contract_document_upload,
    contract_meeting_record,
    contract_receipt_record,
    contract_record_existing,
    contract_renewal_request,
    contract_request,
    contract_review_approval,
    contract_send,
    contract_sign,
    contract_update,
    contract_vote_record,
    contracts_deem_in_force,
)

# The minimum-wage table (最低工资标准, monthly / hourly yuan) by area class. Jiangsu's standard in
# force from 2022-01-01, as the demo's figures: labelled 演示数据, check against the province's
# published document before relying on them.
MINIMUM_WAGE_SOURCE = "江苏省最低工资标准（2022年1月1日起执行）——演示数据，以省人民政府公布的文件为准"
MINIMUM_WAGES = [
    (2022, WageAreaClass.CLASS_1, "2280.00", "22.00"),
    (2022, WageAreaClass.CLASS_2, "2070.00", "20.00"),
    (2022, WageAreaClass.CLASS_3, "1840.00", "18.00"),
]
# 东海县's area class in the table (演示数据).
COUNTY_AREA_CLASS = WageAreaClass.CLASS_3

# Small enterprises of 白塔埠镇's industrial park that its regional contract covers, beside the
# ones apps.branches.demo has: (name, employees, joins the park's regional union). Serials 101+
# for their credit codes (apps.branches.demo uses 1-20).
PARK_ENTERPRISES = [
    ("白塔埠镇鑫源包装厂", 28, True),
    ("白塔埠镇华光五金加工厂", 18, False),
]

WORKING_HOURS = "标准工时制，每日8小时、每周40小时；加班须经协商并依法支付加班工资"
MAIN_TERMS = "劳动报酬、工作时间、休息休假、劳动安全卫生、保险福利、职业技能培训、劳动合同管理、奖惩制度。"
WAGE_TERMS = "工资分配制度、工资标准、年度平均工资调整幅度、加班工资计发标准、工资支付办法。"
WOMEN_PROTECTIONS = (
    "孕期女职工不安排夜班和延长劳动时间；产假158天，配偶陪产假15天；哺乳期每日哺乳时间1小时；"
    "每年免费妇科检查一次；设女职工卫生室、母婴室。"
)


def _day(today: datetime.date, days_ago: int) -> datetime.date:
    return today - datetime.timedelta(days=days_ago)


def _days_before(start: datetime.date, **days: int | list[int]) -> dict:
    """`_bargain`'s step dates as so many days before the term's start (`meetings`: a list):
    _days_before(start, requested=60, meetings=[40, 30]) == {"requested": start - 60 days,
    "meetings": [start - 40 days, start - 30 days]}."""

    def before(n: int) -> datetime.date:
        return start - datetime.timedelta(days=n)

    return {
        name: [before(n) for n in n_or_list] if isinstance(n_or_list, list) else before(n_or_list)
        for name, n_or_list in days.items()
    }


def _term(start: datetime.date, months: int = 36) -> tuple[datetime.date, datetime.date]:
    return start, clock.add_months(start, months) - datetime.timedelta(days=1)


# --- small generated documents (a one-page PDF, a small PNG) ----------------------------------------


def demo_pdf(title: str) -> bytes:
    """A one-page PDF saying what the document is (ASCII text: the built-in Helvetica)."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 16 Tf 72 760 Td ({text}) Tj 0 -24 Td /F1 11 Tf (unionportal demo document) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def demo_png(width: int = 120, height: int = 80) -> bytes:
    """A small PNG (a red seal-like square on white), like a photographed resolution page."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            inside = 70 <= x <= 110 and 30 <= y <= 70
            row += bytes([200, 30, 30]) if inside else bytes([255, 255, 255])
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


# A 1x1 JPEG would need an encoder; PDF and PNG are what the demo shows.
DEMO_PNG_B64 = base64.b64encode(demo_png()).decode()


# --- reference data ----------------------------------------------------------------------------------


def _minimum_wages(county: OrgUnit) -> None:
    with acting_user(None):
        for year, area_class, monthly, hourly in MINIMUM_WAGES:
            if not MinimumWage.objects.filter(year=year, area_class=area_class).exists():
                row = MinimumWage(
                    year=year,
                    area_class=area_class,
                    monthly=Decimal(monthly),
                    hourly=Decimal(hourly),
                    source=MINIMUM_WAGE_SOURCE,
                )
                row.full_clean()
                row.save()
        if not WageArea.objects.filter(unit=county).exists():
            area = WageArea(unit=county, area_class=COUNTY_AREA_CLASS)
            area.full_clean()
            area.save()


def _park_enterprises(county_user: User) -> list[Enterprise]:
    from apps.branches.demo import demo_credit_code
    from apps.branches.services import enterprise_register

    township = OrgUnit.objects.get(name="白塔埠镇总工会")
    regional = OrgUnit.objects.get(name="白塔埠镇工业集中区区域工会")
    made = []
    for serial, (name, employees, joins) in enumerate(PARK_ENTERPRISES, start=101):
        enterprise = Enterprise.objects.filter(name=name).first()
        if enterprise is None:
            enterprise = enterprise_register(
                user=county_user,
                township=township,
                name=name,
                credit_code=demo_credit_code(serial),
                ownership="private",
                employee_count=employees,
                union=regional if joins else None,
            )
        made.append(enterprise)
    return made


# --- one contract through the clock --------------------------------------------------------------------


def _bargain(
    *,
    user,
    union,
    kind=ContractKind.COMPREHENSIVE,
    scope=ContractScope.ENTERPRISE,
    enterprise=None,
    representative="",
    covered=(),
    negotiators=("", ""),
    requested,
    requested_by=Party.WORKERS,
    answered=None,
    meetings=(),
    voted=None,
    vote=None,
    signed=None,
    term=None,
    content=None,
    sent=None,
    received=None,
    approved=None,
):
    """A contract taken through the clock's steps up to the last date given (all in the past)."""
    contract = contract_request(
        user=user,
        union=union,
        kind=kind,
        scope=scope,
        enterprise=enterprise,
        employer_representative=representative,
        covered_enterprises=covered,
        requested_by=requested_by,
        requested_on=requested,
        workers_negotiator=negotiators[0],
        employer_negotiator=negotiators[1],
        note="书面提出集体协商要约",
    )
    if content:
        contract = contract_update(user=user, contract=contract, **content)
    if answered is None:
        return contract
    contract = contract_answer(user=user, contract=contract, answered_on=answered, note="书面回应，同意协商")
    for number, held_on in enumerate(meetings, start=1):
        contract = contract_meeting_record(
            user=user,
            contract=contract,
            held_on=held_on,
            place=f"{contract.parties_label}会议室" if scope == ContractScope.ENTERPRISE else f"{union.name}会议室",
            note=f"第{number}次集体协商会议，双方就{contract.get_kind_display()}草案逐条协商。",
        )
    if voted is None:
        return contract
    body, total, present, in_favour = vote
    contract = contract_vote_record(
        user=user,
        contract=contract,
        voted_on=voted,
        vote_body=body,
        voters_total=total,
        voters_present=present,
        votes_in_favour=in_favour,
        note="审议合同草案",
    )
    if signed is None:
        return contract
    contract = contract_sign(
        user=user, contract=contract, signed_on=signed, term_start=term[0], term_end=term[1], note="双方首席代表签字"
    )
    if sent is None:
        return contract
    contract = contract_send(user=user, contract=contract, sent_on=sent, note="报送县人力资源和社会保障局")
    if received is None:
        return contract
    contract = contract_receipt_record(user=user, contract=contract, received_on=received)
    if approved is None:
        return contract
    return contract_review_approval(user=user, contract=contract, approved_on=approved, note="审查无异议")


def _documents(user, contract, *kinds):
    for kind in kinds:
        if kind == DocumentKind.CONGRESS_RESOLUTION:
            name, content = f"{contract.number}-职代会决议.png", base64.b64decode(DEMO_PNG_B64)
        else:
            label = {DocumentKind.SIGNED_TEXT: "合同文本", DocumentKind.MINUTES: "协商会议纪要"}.get(kind, "文件")
            name, content = f"{contract.number}-{label}.pdf", demo_pdf(f"{contract.number} {kind}")
        contract_document_upload(user=user, contract=contract, kind=kind, file_name=name, content=content)


def _contracts(today: datetime.date) -> None:
    def union(name):
        return OrgUnit.objects.get(name=name)

    def enterprise(name):
        return Enterprise.objects.select_related("township", "union").get(name=name)

    def chair(login):
        return User.objects.get(username=login)

    county = User.objects.get(username="county")

    def d(days_ago):
        return _day(today, days_ago)

    # 牛山街道 · 大平乳品厂: a comprehensive contract in force (approved), with its documents, and a
    # 工资专项 with its wage clauses in force (deemed in force, recorded when it happened).
    dairy = enterprise("大平乳品厂")
    start, end = _term(clock.add_months(today.replace(day=1), -14))
    comprehensive = _bargain(
        user=chair("niushan"),
        union=dairy.union,
        enterprise=dairy,
        negotiators=("周建国", "刘海燕"),
        **_days_before(
            start, requested=75, answered=66, meetings=[55, 45], voted=30, signed=25, sent=20, received=18, approved=8
        ),
        vote=(VoteBody.CONGRESS, 60, 52, 49),
        term=(start, end),
        content={"working_hours": WORKING_HOURS, "main_terms": MAIN_TERMS, "minimum_wage": Decimal("2300.00")},
    )
    _documents(chair("niushan"), comprehensive, DocumentKind.SIGNED_TEXT, DocumentKind.CONGRESS_RESOLUTION)
    start, end = _term(clock.add_months(today.replace(day=1), -9), 24)
    _bargain(
        user=chair("niushan"),
        union=dairy.union,
        kind=ContractKind.WAGE,
        enterprise=dairy,
        negotiators=("周建国", "刘海燕"),
        **_days_before(
            start, requested=60, answered=50, meetings=[40], voted=30, signed=28, sent=25, received=24, approved=9
        ),
        vote=(VoteBody.CONGRESS, 60, 55, 51),
        term=(start, end),
        content={
            "wage_increase_percent": Decimal("6.00"),
            "minimum_wage": Decimal("2400.00"),
            "main_terms": WAGE_TERMS,
        },
    )

    # 白塔埠镇 · 白塔化工建材厂: a contract signed before the portal that expired 40 days ago, and its
    # renewal (asked in the last 3 months of the term), in force since 35 days ago: the chain.
    plant = enterprise("白塔化工建材厂")
    old_end = d(40)
    old_start = clock.add_months(old_end + datetime.timedelta(days=1), -36)
    old = contract_record_existing(
        user=chair("baitabu"),
        union=plant.union,
        kind=ContractKind.COMPREHENSIVE,
        scope=ContractScope.ENTERPRISE,
        enterprise=plant,
        signed_on=old_start - datetime.timedelta(days=20),
        sent_on=old_start - datetime.timedelta(days=15),
        received_on=old_start - datetime.timedelta(days=14),
        in_force_on=old_start,
        term_start=old_start,
        term_end=old_end,
        workers_negotiator="孙志文",
        employer_negotiator="白永泰",
        working_hours=WORKING_HOURS,
        main_terms=MAIN_TERMS,
        today=today,
    )
    renewal = contract_renewal_request(
        user=chair("baitabu"), contract=old, requested_on=d(100), requested_by=Party.WORKERS, note="合同期满前提出续订"
    )
    renewal = contract_answer(user=chair("baitabu"), contract=renewal, answered_on=d(92), note="同意续订协商")
    renewal = contract_update(
        user=chair("baitabu"), contract=renewal, working_hours=WORKING_HOURS, main_terms=MAIN_TERMS
    )
    renewal = contract_meeting_record(
        user=chair("baitabu"), contract=renewal, held_on=d(80), place="白塔化工建材厂会议室", note="续订协商会议"
    )
    renewal = contract_vote_record(
        user=chair("baitabu"),
        contract=renewal,
        voted_on=d(60),
        vote_body=VoteBody.CONGRESS,
        voters_total=75,
        voters_present=66,
        votes_in_favour=61,
    )
    renewal = contract_sign(
        user=chair("baitabu"), contract=renewal, signed_on=d(55), term_start=d(39), term_end=_term(d(39))[1]
    )
    renewal = contract_send(user=chair("baitabu"), contract=renewal, sent_on=d(50), received_on=d(44))
    # Approved 35 days ago: in force from then, after the old term ended (expired, then renewed).
    contract_review_approval(user=chair("baitabu"), contract=renewal, approved_on=d(35), note="审查同意续订")
    _documents(chair("baitabu"), renewal, DocumentKind.SIGNED_TEXT)

    # 白塔埠镇: the township union's regional contract for the park's small enterprises, in force.
    township = union("白塔埠镇总工会")
    _park_enterprises(county)
    covered = [
        enterprise(name)
        for name in ["白塔埠镇顺达物流有限公司", "连云港金鼎机械配件厂", "白塔埠镇红星砖瓦厂"]
        + [name for name, _e, _j in PARK_ENTERPRISES]
    ]
    start, end = _term(clock.add_months(today.replace(day=1), -6), 24)
    _bargain(
        user=chair("baitabu"),
        union=township,
        scope=ContractScope.REGIONAL,
        representative="白塔埠镇工业集中区企业联合会",
        covered=covered,
        negotiators=("白塔埠镇工会主席", "陈永兴"),
        **_days_before(
            start, requested=70, answered=60, meetings=[50, 40], voted=30, signed=26, sent=22, received=21, approved=10
        ),
        vote=(VoteBody.CONGRESS, 45, 40, 37),
        term=(start, end),
        content={"working_hours": WORKING_HOURS, "main_terms": MAIN_TERMS, "minimum_wage": Decimal("1900.00")},
    )

    # The county's crystal industry (水晶行业): an industry contract signed by the county union for
    # enterprises of three townships, its minimum wage below the local standard (the warning).
    start, end = _term(clock.add_months(today.replace(day=1), -4), 36)
    _bargain(
        user=county,
        union=union("东海县总工会"),
        scope=ContractScope.INDUSTRY,
        kind=ContractKind.WAGE,
        representative="东海县水晶行业协会",
        covered=[enterprise(n) for n in ["安峰镇晶艺水晶加工厂", "房山镇东方水晶制品厂", "东海县晶华石英砂厂"]],
        negotiators=("县总工会 王组织", "东海县水晶行业协会 张明"),
        **_days_before(
            start, requested=65, answered=50, meetings=[40], voted=30, signed=25, sent=20, received=19, approved=6
        ),
        vote=(VoteBody.CONGRESS, 40, 31, 28),
        term=(start, end),
        content={
            "wage_increase_percent": Decimal("4.50"),
            "minimum_wage": Decimal("1800.00"),
            "main_terms": WAGE_TERMS,
        },
    )

    # 平明镇 · 平明太平洋石英制品有限公司: its comprehensive contract in its renewal window (the term
    # ends in two months), and a 女职工专项 with its protections, in force.
    quartz = enterprise("平明太平洋石英制品有限公司")
    end = clock.add_months(today, 2)
    start = clock.add_months(end + datetime.timedelta(days=1), -36)
    contract_record_existing(
        user=chair("pingming"),
        union=quartz.union,
        kind=ContractKind.COMPREHENSIVE,
        scope=ContractScope.ENTERPRISE,
        enterprise=quartz,
        requested_on=start - datetime.timedelta(days=80),
        signed_on=start - datetime.timedelta(days=20),
        sent_on=start - datetime.timedelta(days=16),
        received_on=start - datetime.timedelta(days=15),
        in_force_on=start,
        term_start=start,
        term_end=end,
        workers_negotiator="林秀英",
        employer_negotiator="黄志明",
        working_hours=WORKING_HOURS,
        main_terms=MAIN_TERMS,
        today=today,
    )
    start, end = _term(clock.add_months(today.replace(day=1), -3), 36)
    women = _bargain(
        user=chair("pingming"),
        union=quartz.union,
        kind=ContractKind.WOMEN,
        enterprise=quartz,
        negotiators=("林秀英", "黄志明"),
        **_days_before(
            start, requested=60, answered=52, meetings=[45], voted=35, signed=30, sent=26, received=25, approved=12
        ),
        vote=(VoteBody.CONGRESS, 90, 81, 77),
        term=(start, end),
        content={"women_protections": WOMEN_PROTECTIONS},
    )
    _documents(chair("pingming"), women, DocumentKind.SIGNED_TEXT)

    # 浦南镇 · 浦南硅微粉有限公司: sent for review, received 10 days ago (5 days of review left).
    silicon = enterprise("浦南硅微粉有限公司")
    _bargain(
        user=chair("punan"),
        union=silicon.union,
        enterprise=silicon,
        negotiators=("徐海", "杨永"),
        requested=d(75),
        answered=d(66),
        meetings=[d(55), d(42)],
        voted=d(25),
        vote=(VoteBody.CONGRESS, 51, 34, 27),  # exactly 2/3 present (以上 includes the number): passes
        signed=d(18),
        term=_term(d(18) + datetime.timedelta(days=14)),
        content={"working_hours": WORKING_HOURS, "main_terms": MAIN_TERMS},
        sent=d(12),
        received=d(10),
    )

    # 驼峰乡 · 驼峰乡康达食品有限公司: received 18 days ago, no objection: the sweep below makes it
    # in force on the 16th day (deemed in force), as it would overnight.
    food = enterprise("驼峰乡康达食品有限公司")
    _bargain(
        user=chair("tuofeng"),
        union=food.union,
        enterprise=food,
        negotiators=("何丽", "吴刚"),
        requested=d(80),
        answered=d(70),
        meetings=[d(60)],
        voted=d(40),
        vote=(VoteBody.ALL_WORKERS, 220, 190, 171),
        signed=d(30),
        term=_term(d(30) + datetime.timedelta(days=2), 24),
        content={"working_hours": WORKING_HOURS, "main_terms": MAIN_TERMS},
        sent=d(22),
        received=d(18),
    )

    # 桃林镇 · 桃林镇绿源果蔬合作社: signed 14 days ago and not yet sent (due 4 days ago).
    coop = enterprise("桃林镇绿源果蔬合作社")
    _bargain(
        user=chair("taolin"),
        union=coop.union,
        enterprise=coop,
        negotiators=("曹春梅", "田玉兰"),
        requested=d(60),
        answered=d(50),
        meetings=[d(35)],
        voted=d(20),
        vote=(VoteBody.ALL_WORKERS, 60, 48, 40),
        signed=d(14),
        term=_term(d(10), 12),
    )

    # 平明镇 · 平明镇宏远服装厂: the draft passed by all workers 3 days ago, not yet signed.
    garments = enterprise("平明镇宏远服装厂")
    _bargain(
        user=chair("pingming"),
        union=garments.union,
        enterprise=garments,
        negotiators=("马娟", "宋平"),
        requested=d(45),
        answered=d(38),
        meetings=[d(25), d(12)],
        voted=d(3),
        vote=(VoteBody.ALL_WORKERS, 95, 80, 70),
    )

    # 房山镇 · 房山镇东方水晶制品厂: negotiating, two meetings held, minutes uploaded.
    crystal = enterprise("房山镇东方水晶制品厂")
    negotiating = _bargain(
        user=chair("fangshan"),
        union=crystal.union,
        enterprise=crystal,
        negotiators=("袁飞", "潘鹏"),
        requested=d(40),
        requested_by=Party.EMPLOYER,
        answered=d(32),
        meetings=[d(20), d(8)],
    )
    _documents(chair("fangshan"), negotiating, DocumentKind.MINUTES)

    # 安峰镇 · 安峰镇晶艺水晶加工厂: a request 6 days ago, the answer due in 14 days.
    workshop = enterprise("安峰镇晶艺水晶加工厂")
    _bargain(
        user=chair("anfeng"),
        union=workshop.union,
        kind=ContractKind.WOMEN,
        enterprise=workshop,
        negotiators=("董雪", "蒋辉"),
        requested=d(6),
    )

    # 石榴街道 · 东海县石榴商贸城: a request 27 days ago still unanswered (7 days overdue: a finding).
    market = enterprise("东海县石榴商贸城")
    _bargain(
        user=chair("shiliu"),
        union=market.union,
        enterprise=market,
        negotiators=("郑敏", "梁超"),
        requested=d(27),
    )

    # 牛山街道 · 东海县苏果超市牛山店: expired three months ago without renewal.
    shop = enterprise("东海县苏果超市牛山店")
    end = d(95)
    start = clock.add_months(end + datetime.timedelta(days=1), -24)
    contract_record_existing(
        user=chair("niushan"),
        union=shop.union,
        kind=ContractKind.COMPREHENSIVE,
        scope=ContractScope.ENTERPRISE,
        enterprise=shop,
        signed_on=start - datetime.timedelta(days=18),
        sent_on=start - datetime.timedelta(days=12),
        received_on=start - datetime.timedelta(days=10),
        in_force_on=start,
        term_start=start,
        term_end=end,
        workers_negotiator="韩静",
        employer_negotiator="冯磊",
        main_terms=MAIN_TERMS,
        today=today,
    )

    # 平明镇 · 平明镇利民食品厂: a 工资专项 whose negotiation ended when the plant stopped production.
    foods = enterprise("平明镇利民食品厂")
    closing = _bargain(
        user=chair("pingming"),
        union=foods.union,
        kind=ContractKind.WAGE,
        enterprise=foods,
        negotiators=("马娟", "许强"),
        requested=d(70),
        answered=d(62),
        meetings=[d(50)],
    )
    contract_close(user=chair("pingming"), contract=closing, closed_on=d(30), reason="企业停产整顿，协商终止")


def seed():
    if Contract.objects.exists():
        return []
    from apps.core.milestones import milestones_sweep

    from .milestones import MILESTONE_KINDS

    today = timezone.localdate()
    with transaction.atomic():
        _minimum_wages(OrgUnit.objects.get(name="东海县总工会"))
        _contracts(today)
    # As beat would overnight: deemed in force on the 16th day, the reminders and to-dos.
    milestones_sweep(kinds=MILESTONE_KINDS)
    # Should the sweep have left one (it retries on its next run), the same service takes effect now.
    now = timezone.now()
    due = list(Contract.objects.filter(deemed_in_force_due_q(today)).values_list("pk", flat=True))
    if due:
        contracts_deem_in_force(due, now)
    return []
