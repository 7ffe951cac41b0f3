"""The hardship-aid reminder on the core milestone engine (registered in AidConfig.ready()).

`aid:review_due` (a hardship file): its yearly review (复核) falls due within 30 days, or is
overdue → the staff of the file's township who may review. Exactly once per file and due date:
the occurrence is the due date, so the next year's review (moved by the review) is reminded
again. The message never names the member nor says anything of their hardship.
"""

import datetime

from django.db.models import CharField, F, QuerySet
from django.db.models.functions import Cast
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apps.accounts.selectors import user_list_to_notify
from apps.core.milestones import Message, Milestone, MilestoneRun, register_milestone
from apps.core.models import NotificationLevel

from .models import HardshipFile
from .selectors import REVIEW_SOON_DAYS

KIND = "aid:review_due"
REVIEW_PERMISSION = "aid.add_hardshipreview"


def _today(run: MilestoneRun) -> datetime.date:
    return timezone.localtime(run.now).date()  # the portal's time zone: Asia/Shanghai


def _review_due(run: MilestoneRun) -> QuerySet:
    today = _today(run)
    return HardshipFile.objects.filter(
        closed_on__isnull=True, review_due_on__lte=today + datetime.timedelta(days=REVIEW_SOON_DAYS)
    ).annotate(milestone_occurrence=Cast(F("review_due_on"), CharField()))


def _staff(unit_id: int) -> list:
    return user_list_to_notify(perm=REVIEW_PERMISSION, unit_ids=[unit_id]).get(unit_id, [])


def review_due_recipients(file: HardshipFile, run: MilestoneRun) -> list:
    return run.memo(_staff, file.township_id)


def _link(pk: int) -> str:
    try:
        return reverse("aid:file_review", kwargs={"pk": pk})
    except NoReverseMatch:
        return ""


def review_due_message(file: HardshipFile, run: MilestoneRun) -> Message:
    overdue = file.review_due_on < _today(run)
    return Message(
        title=(
            f"困难职工档案复核已逾期（应于 {file.review_due_on:%Y年%m月%d日} 复核）"
            if overdue
            else f"困难职工档案将于 {file.review_due_on:%Y年%m月%d日} 到期复核"
        ),
        body=f"{file.township.name}有一份困难职工档案需要年度复核，请核实家庭收入情况后登记复核结论。",
        link=_link(file.pk),
        level=NotificationLevel.WARNING if overdue else NotificationLevel.INFO,
    )


def aid_milestones() -> list[Milestone]:
    return [
        Milestone(
            kind=KIND,
            due=_review_due,
            recipients=review_due_recipients,
            message=review_due_message,
            select_related=("township",),
        )
    ]


def register() -> None:
    for milestone in aid_milestones():
        register_milestone(milestone)
