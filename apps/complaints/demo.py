"""Demo complaints in every state, some due today and some overdue, relative to today."""

import datetime
import random

from django.utils import timezone

from apps.accounts.models import User
from apps.branches.models import Enterprise

from .choices import Category, Channel, Status
from .models import Complaint
from .services import complaint_register, complaint_transition

STORIES = [
    (Category.PUNISHMENT, "因迟到五分钟被扣当月全勤奖和绩效工资共 800 元，认为处罚过重。", "退还扣发的工资"),
    (Category.WAGES, "车间 12 名职工 9 月份加班费至今未发放。", "按规定补发加班费"),
    (Category.CONTRACT, "入职半年未签订书面劳动合同。", "补签劳动合同并支付二倍工资"),
    (Category.INSURANCE, "企业未为职工缴纳社会保险。", "补缴社保"),
    (Category.SAFETY, "粉尘车间未发放防护口罩。", "配发劳动防护用品"),
    (Category.OTHER, "食堂卫生条件差。", "改善食堂卫生"),
]
# (days ago received, steps to walk through)
SCENARIOS = [
    (0, []),
    (1, [Status.INVESTIGATING]),
    (5, [Status.INVESTIGATING, Status.IN_TALKS]),  # warned: two days left
    (7, [Status.INVESTIGATING]),  # due today
    (7, []),  # due today
    (9, [Status.INVESTIGATING]),  # overdue
    (12, []),  # overdue
    (6, [Status.INVESTIGATING, Status.ANSWERED]),
    (10, [Status.INVESTIGATING, Status.IN_TALKS, Status.POSTED]),
    (20, [Status.INVESTIGATING, Status.ANSWERED, Status.CLOSED]),
    (25, [Status.INVESTIGATING, Status.POSTED, Status.CLOSED]),
    (15, [Status.REFERRED]),
    (30, [Status.INVESTIGATING, Status.REFERRED, Status.CLOSED]),
]
DETAILS = {
    Status.ANSWERED: {"answer_method": "phone", "answer_text": "经调查核实，企业同意退还扣发的工资。"},
    Status.POSTED: {"posted_where": "企业厂区公示栏", "posted_text": "经工会调查，企业已纠正处罚决定并退还扣款。"},
    Status.REFERRED: {"referred_to": "mediation"},
    Status.CLOSED: {"satisfaction": "satisfied"},
}


def seed():
    if Complaint.objects.exists():
        return []
    rng = random.Random(7)  # noqa: S311 - demo data
    county = User.objects.get(username="county")
    enterprises = list(Enterprise.objects.filter(archived_at__isnull=True).select_related("township").order_by("id"))
    now = timezone.now()
    for index, (days_ago, steps) in enumerate(SCENARIOS * 2):
        enterprise = enterprises[index % len(enterprises)]
        chair = User.objects.filter(org_unit=enterprise.township).first() or county
        category, description, request = STORIES[index % len(STORIES)]
        received = now - datetime.timedelta(days=days_ago, hours=rng.randint(0, 5))
        complaint = complaint_register(
            user=chair,
            received_at=received,
            channel=rng.choice(Channel.values),
            enterprise=enterprise,
            category=category,
            description=description,
            request=request,
            anonymous=index % 5 == 0,
            complainant_name="" if index % 5 == 0 else rng.choice(["王强", "李娜", "张伟", "刘芳", "陈敏"]),
            complainant_mobile="" if index % 5 == 0 else f"139{rng.randrange(10**8):08d}",
            consent_to_name=index % 4 == 1,
        )
        for step in steps:
            details = dict(DETAILS.get(step, {}))
            if step in (Status.ANSWERED, Status.POSTED):
                details["answered_at"] = received + datetime.timedelta(days=min(days_ago, 5))
            complaint_transition(user=chair, complaint=complaint, to_status=step, **details)
    from .services import complaint_deadline_sweep

    complaint_deadline_sweep()
    return []
