"""What the arrears part adds to the shared rails (menu, search, to-dos, indicators, panels,
milestones, imports): its `register()` is called from DuesConfig.ready().

- the menu: the arrears list (440) and the ageing report, in the funds section;
- the to-do "欠缴经费待催缴": the entries of the user's area due a reminder, linked to the arrears
  list's `?due=remind`, which shows exactly those (the same Q, apps.dues.selectors.arrears);
- the milestone "dues:arrears_overdue": an entry more than DUES_ARREARS_REMINDER_DAYS days past
  its period's end (and past its last stage's date) reminds the township's staff who may chase
  arrears, exactly once per entry (enterprise and period) and stage: the occurrence is the stage
  reached. Deferred entries (until the deferral has passed) and written-off ones are not due.
"""

from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.selectors import user_list_to_notify
from apps.core.milestones import Message, Milestone, MilestoneRun, register_milestone
from apps.core.models import NotificationLevel
from apps.core.navigation import MenuItem, register_menu
from apps.core.todos import TodoQuery, register_todo

from ..choices import ArrearsStage
from ..models import LedgerEntry
from ..selectors.arrears import arrears_today, reminder_days, reminder_due_q, stage_next
from ..selectors.scoping import entry_in_scope_q

MILESTONE_KIND = "dues:arrears_overdue"
# Who chases arrears, and so who is reminded and asked: who may record a stage.
CHASE_PERMISSION = "dues.add_arrearsaction"

MENU = [
    MenuItem(
        label=_("Arrears to chase"),
        url_name="dues:arrears_list",
        icon="exclamation-diamond",
        permission="dues.view_arrearsaction",
        order=440,
        section=_("Union funds"),
        active_for=("dues:arrears_",),
    ),
    MenuItem(
        label=_("Arrears ageing"),
        url_name="dues:arrears_ageing",
        icon="hourglass-split",
        permission="dues.view_arrearsaction",
        order=441,
        section=_("Union funds"),
        active_for=("dues:arrears_ageing",),
    ),
]


# --- the reminder ---------------------------------------------------------------------------


def _arrears_due(run: MilestoneRun):
    return (
        LedgerEntry.objects.filter(reminder_due_q(arrears_today(run.now)))
        .annotate(milestone_occurrence=F("arrears_stage"))
        .order_by()
    )


def _township_staff(township_id) -> list:
    return user_list_to_notify(perm=CHASE_PERMISSION, unit_ids=[township_id]).get(township_id, [])


def arrears_reminder_recipients(entry: LedgerEntry, run: MilestoneRun) -> list:
    """The staff of the enterprise's township who may chase arrears (the chair among them); one
    query per township and sweep."""
    if entry.enterprise.township_id is None:
        return []
    return run.memo(_township_staff, entry.enterprise.township_id)


def arrears_list_url(**query) -> str:
    return f"{reverse('dues:arrears_list')}?{urlencode({'due': 'remind', **query})}"


# What the reminder asks for next, as the chair would say it.
NEXT_STEP = {
    ArrearsStage.NOTICE: "请发出催缴通知书",
    ArrearsStage.SECOND_NOTICE: "请再次催缴",
    ArrearsStage.PAYMENT_ORDER: "请准备支付令申请书，向企业所在地的基层人民法院申请支付令",
}


def _arrears_message(entry: LedgerEntry, run: MilestoneRun) -> Message:
    owed = max(entry.due - entry.received, Decimal("0.00"))
    following = stage_next(entry.arrears_stage)
    done = f"{ArrearsStage(entry.arrears_stage).label}，" if entry.arrears_stage else "尚未催缴，"
    step = NEXT_STEP[following] if following else "请跟进人民法院对支付令申请的处理"
    return Message(
        title=f"欠缴工会经费待催缴：{entry.enterprise.name} {entry.period_label} 欠缴 {owed} 元",
        body=f"所属期结束已超过{reminder_days()}日，{done}{step}（工会法第四十四条）。",
        link=arrears_list_url(township=entry.enterprise.township_id, period=f"{entry.period_start:%Y-%m}"),
        level=NotificationLevel.WARNING,
    )


ARREARS_MILESTONE = Milestone(
    kind=MILESTONE_KIND,
    due=_arrears_due,
    recipients=arrears_reminder_recipients,
    message=_arrears_message,
    select_related=("enterprise",),
)


# --- the to-do ------------------------------------------------------------------------------


def arrears_to_chase(user) -> TodoQuery | None:
    """The entries of the user's area due a reminder (what the reminders were sent for)."""
    try:
        url = arrears_list_url()
    except NoReverseMatch:
        return None
    rows = LedgerEntry.objects.filter(entry_in_scope_q(user)).filter(reminder_due_q(arrears_today()))
    return TodoQuery(queryset=rows, label="欠缴经费待催缴", url=url, urgency="soon")


def register() -> None:
    register_menu(*MENU)
    register_milestone(ARREARS_MILESTONE)
    register_todo("dues.arrears_to_chase", arrears_to_chase, permission=CHASE_PERMISSION, order=440)
