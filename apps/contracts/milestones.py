"""The contracts' reminders on the core milestone engine (registered in ContractsConfig.ready()).

Eight milestones, kinds "contracts:<name>", each exactly once per contract (and occurrence)
however often or concurrently the sweep runs: the engine's claim decides, and the side effects
(deemed in force, expired) commit in the same transaction as the claim and the notifications.

| milestone | due when (Shanghai days; apps.contracts.deadlines) | side effect |
| --- | --- | --- |
| answer_due_soon | a request unanswered, its last day to answer within 5 days | |
| answer_overdue | a request unanswered past its last day (a finding) | |
| send_due_soon | a signed contract not sent, its last day to send within 3 days | |
| send_overdue | a signed contract not sent past its last day | |
| in_force | under review, the review period over without an objection | in force (the 16th day) |
| renewal_window | in force, no renewal asked for, the renewal window open | |
| expiry_soon | in force, its term ends within 30 days | |
| expired | in force, its term over | EXPIRED (or RENEWED) |

The sending milestones come round again for a new signing (after an objection: the occurrence is
the last day to send); the term's milestones for a corrected term's end. Everything is told to
the staff of the contract's township and the officers of its signing union who may work on
contracts, in the portal and by email (`notification_send_many`), with a link to the contract
and never anyone's personal data.
"""

import datetime

from django.db.models import CharField, F, QuerySet
from django.db.models.functions import Cast

from apps.accounts.selectors import user_list_to_notify
from apps.core.milestones import Message, Milestone, MilestoneRun, register_milestone
from apps.core.models import NotificationLevel

from . import clock, deadlines
from .choices import ContractStatus
from .models import Contract
from .services.sweep import contracts_deem_in_force, contracts_expire

NAMES = (
    "answer_due_soon",
    "answer_overdue",
    "send_due_soon",
    "send_overdue",
    "in_force",
    "renewal_window",
    "expiry_soon",
    "expired",
)
KINDS = {name: f"contracts:{name}" for name in NAMES}
# Every contracts milestone, for a sweep of contracts only (tasks.contracts_sweep, the bench).
MILESTONE_KINDS = tuple(KINDS.values())

# Who is told, at the contract's township and at its signing union: who may work on contracts.
REMINDER_PERMISSION = "contracts.change_contract"


def _today(run: MilestoneRun) -> datetime.date:
    return clock.shanghai_date(run.now)


def _due(q_builder, due_at, occurrence=None):
    """A `due` function: the contracts `q_builder(today)` selects, with their due time (and the
    occurrence, for a milestone that can come round again)."""

    def due(run: MilestoneRun) -> QuerySet:
        annotations = {"milestone_due_at": due_at}
        if occurrence is not None:
            annotations["milestone_occurrence"] = Cast(occurrence, CharField())
        return Contract.objects.filter(q_builder(_today(run))).annotate(**annotations)

    return due


def _answer_due_soon(run):
    due_at = deadlines.ShanghaiStartOf(F("answer_due_on"), days=-deadlines.answer_reminder_days())
    return _due(deadlines.answer_due_soon_q, due_at)(run)


def _send_due_soon(run):
    due_at = deadlines.ShanghaiStartOf(F("send_due_on"), days=-deadlines.send_reminder_days())
    return _due(deadlines.send_due_soon_q, due_at, F("send_due_on"))(run)


def _expiry_soon(run):
    due_at = deadlines.ShanghaiStartOf(F("term_end"), days=-deadlines.expiry_reminder_days())
    return _due(deadlines.expiring_q, due_at, F("term_end"))(run)


_answer_overdue = _due(deadlines.answer_overdue_q, deadlines.ShanghaiStartOf(F("answer_due_on"), days=1))
_send_overdue = _due(deadlines.sending_overdue_q, deadlines.ShanghaiStartOf(F("send_due_on"), days=1), F("send_due_on"))
_in_force = _due(deadlines.deemed_in_force_due_q, deadlines.ShanghaiStartOf(F("review_ends_on"), days=1))
_renewal_window = _due(
    deadlines.renewal_window_q,
    deadlines.ShanghaiStartOf(deadlines.renewal_window_closed_before(), days=1),
    F("term_end"),
)
_expired = _due(deadlines.expired_due_q, deadlines.ShanghaiStartOf(F("term_end"), days=1), F("term_end"))


# --- who is told -------------------------------------------------------------------------------


def _staff_at(township_id, union_id) -> list:
    """The township's staff and the signing union's officers who may work on contracts (one query,
    made once per sweep for each township and union that has something due)."""
    by_unit = user_list_to_notify(perm=REMINDER_PERMISSION, unit_ids={township_id, union_id} - {None})
    return [user for unit_id in dict.fromkeys((township_id, union_id)) for user in by_unit.get(unit_id, [])]


def contract_reminder_recipients(contract: Contract, run: MilestoneRun) -> list:
    """Who is told about a contract's milestone: the one place that decides. The staff of its
    township (the chair among them) and the officers of the union that signs, who may work on
    contracts; someone who is both is told once (the engine sends one notification per user)."""
    return run.memo(_staff_at, contract.township_id, contract.union_id)


# --- what they are told ------------------------------------------------------------------------


def _label(contract: Contract) -> str:
    """The contract as a reminder names it: its number and the employer side (an enterprise's or
    an association's name, never a person's)."""
    return f"{contract.number}（{contract.parties_label}）"


def _answer_due_soon_message(contract, run) -> Message:
    return Message(
        title=f"协商要约待回应：{_label(contract)} 应于 {contract.answer_due_on:%m月%d日} 前书面回应",
        body=f"{contract.rule_profile.name}：收到协商要约之日起{contract.rule_profile.answer_days}日内应以书面形式回应。",
        link=contract.get_absolute_url(),
        level=NotificationLevel.WARNING,
    )


def _answer_overdue_message(contract, run) -> Message:
    return Message(
        title=f"协商要约逾期未回应：{_label(contract)} 回应期限已于 {contract.answer_due_on:%m月%d日} 届满",
        body="收到协商要约的一方未在规定期限内书面回应，请督促并在平台登记回应情况。",
        link=contract.get_absolute_url(),
        level=NotificationLevel.DANGER,
    )


def _send_due_soon_message(contract, run) -> Message:
    return Message(
        title=f"集体合同待报送：{_label(contract)} 请于 {contract.send_due_on:%m月%d日} 前报送劳动保障行政部门",
        body=f"{contract.rule_profile.name}：集体合同签字之日起{contract.rule_profile.send_days}日内报送审查。",
        link=contract.get_absolute_url(),
        level=NotificationLevel.WARNING,
    )


def _send_overdue_message(contract, run) -> Message:
    return Message(
        title=f"集体合同逾期未报送：{_label(contract)} 应于 {contract.send_due_on:%m月%d日} 前报送",
        body="签字后的集体合同未在规定期限内报送劳动保障行政部门，请尽快报送并登记报送日期。",
        link=contract.get_absolute_url(),
        level=NotificationLevel.DANGER,
    )


def _in_force_message(contract, run) -> Message:
    in_force_on = contract.in_force_on or contract.review_ends_on + datetime.timedelta(days=1)
    return Message(
        title=f"集体合同已生效：{_label(contract)} 自 {in_force_on:%Y年%m月%d日} 起生效",
        body=(
            f"劳动保障行政部门自收到合同文本之日起{contract.rule_profile.review_days}日内未提出异议，"
            "合同自行生效。请向职工公布。"
        ),
        link=contract.get_absolute_url(),
        level=NotificationLevel.INFO,
    )


def _renewal_window_message(contract, run) -> Message:
    return Message(
        title=f"集体合同可以续订：{_label(contract)} 将于 {contract.term_end:%Y年%m月%d日} 期满",
        body=(
            f"{contract.rule_profile.name}：期满前{contract.rule_profile.renewal_window_months}个月内，"
            "任何一方均可提出续订要求。"
        ),
        link=contract.get_absolute_url(),
        level=NotificationLevel.INFO,
    )


def _expiry_soon_message(contract, run) -> Message:
    days = clock.days_left(contract.term_end, run.now)
    return Message(
        title=f"集体合同即将期满：{_label(contract)} 于 {contract.term_end:%Y年%m月%d日} 期满",
        body=f"距期满还有 {days} 天。如需续订，请在期满前提出续订要求并开展协商。",
        link=contract.get_absolute_url(),
        level=NotificationLevel.WARNING,
    )


def _expired_message(contract, run) -> Message:
    renewed = contract.status == ContractStatus.RENEWED
    return Message(
        title=(
            f"集体合同已由续订合同接替：{_label(contract)}"
            if renewed
            else f"集体合同已期满：{_label(contract)} 已于 {contract.term_end:%Y年%m月%d日} 期满"
        ),
        body="" if renewed else "合同期满未续订，已终止。如需继续，请重新提出协商要约。",
        link=contract.get_absolute_url(),
        level=NotificationLevel.INFO if renewed else NotificationLevel.WARNING,
    )


SELECT_RELATED = ("rule_profile", "enterprise")


def contract_milestones() -> list[Milestone]:
    """The eight milestones of the contract clock, as declarations."""
    declared = {
        "answer_due_soon": (_answer_due_soon, _answer_due_soon_message, None),
        "answer_overdue": (_answer_overdue, _answer_overdue_message, None),
        "send_due_soon": (_send_due_soon, _send_due_soon_message, None),
        "send_overdue": (_send_overdue, _send_overdue_message, None),
        "in_force": (_in_force, _in_force_message, contracts_deem_in_force),
        "renewal_window": (_renewal_window, _renewal_window_message, None),
        "expiry_soon": (_expiry_soon, _expiry_soon_message, None),
        "expired": (_expired, _expired_message, contracts_expire),
    }
    return [
        Milestone(
            kind=KINDS[name],
            due=due,
            recipients=contract_reminder_recipients,
            message=message,
            reached=reached,
            select_related=SELECT_RELATED,
        )
        for name, (due, message, reached) in declared.items()
    ]


def register() -> None:
    for milestone in contract_milestones():
        register_milestone(milestone)
