"""What the milestone sweep does to contracts on its own: deemed in force, expired.

Both are the `reached` side effects of milestones declared in apps.contracts.milestones: the
engine (apps.core.milestones) has claimed each id exactly once, in the transaction these run
in, so the status change and the claim (and its notifications) commit together or not at all.
Each contract is locked and its due rule (apps.contracts.deadlines) checked again under the
lock: a contract approved, objected to or renewed between the sweep's look and its lock is
left as it now is.
"""

import datetime
import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .. import clock
from ..choices import ContractStatus, StepKind
from ..deadlines import deemed_in_force_due_q, expired_due_q
from ..models import Contract, ContractStep

__all__ = ["contracts_deem_in_force", "contracts_expire"]

logger = logging.getLogger(__name__)


def deemed_in_force_note(contract: Contract) -> str:
    """The in-force step's note when no objection came (集体合同规定 art. 47, or the profile's)."""
    profile = contract.rule_profile
    return (
        f"劳动保障行政部门自收到合同文本之日起{profile.review_days}日内未提出异议，"
        f"合同自{contract.review_ends_on + datetime.timedelta(days=1):%Y年%m月%d日}起自行生效（{profile.name}）。"
    )


@transaction.atomic
def contracts_deem_in_force(ids: list[int], now: datetime.datetime) -> list[int]:
    """The contracts among `ids` whose review ended without an objection take effect, each on the
    day after its review period (`review_ends_on` + 1 day, the 16th day after receipt under the
    national rules), through the same service as an approval (`contract_take_effect`, which also
    ends the contract a renewal replaces). The actor is the system. Returns the ids done."""
    from .steps import contract_take_effect

    today = clock.shanghai_date(now)
    locked = (
        Contract.objects.select_for_update(of=("self",))
        .select_related("rule_profile")
        .filter(deemed_in_force_due_q(today), pk__in=ids)
        .order_by("pk")
    )
    done = []
    for contract in locked:
        contract_take_effect(
            contract=contract,
            in_force_on=contract.review_ends_on + datetime.timedelta(days=1),
            user=None,
            note=deemed_in_force_note(contract),
        )
        done.append(contract.pk)
    return done


@transaction.atomic
def contracts_expire(ids: list[int], now: datetime.datetime) -> list[int]:
    """The contracts among `ids` still in force past their term's end expire: status EXPIRED,
    `ended_on` = the term's end, one EXPIRE step each (the system's). A contract whose renewal has
    already taken effect is RENEWED instead (normally `contract_take_effect` did that when the
    renewal took effect; a renewal entered after the fact may not have). Returns the ids expired.

    One UPDATE and one INSERT, however many expire on the same day (31 December ends
    many terms at once); the rows' history is written by the database triggers (pghistory) as
    for any update, with the system as the actor (the sweep's `acting_user(None)`).
    """
    today = clock.shanghai_date(now)
    locked = list(
        Contract.objects.select_for_update(of=("self",))
        .filter(expired_due_q(today), pk__in=ids)
        .order_by("pk")
        .values("pk", "term_end", "renewal__pk", "renewal__status", "renewal__in_force_on")
    )
    renewed = [row for row in locked if row["renewal__status"] in _TAKEN_EFFECT and row["renewal__in_force_on"]]
    expired = [row for row in locked if row not in renewed]
    stamp = timezone.now()
    if expired:
        Contract.objects.filter(pk__in=[row["pk"] for row in expired]).update(
            status=ContractStatus.EXPIRED, ended_on=F("term_end"), updated_at=stamp
        )
    for row in renewed:
        ended_on = min(row["term_end"], row["renewal__in_force_on"] - datetime.timedelta(days=1))
        Contract.objects.filter(pk=row["pk"]).update(status=ContractStatus.RENEWED, ended_on=ended_on, updated_at=stamp)
    ContractStep.objects.bulk_create(
        [
            ContractStep(
                contract_id=row["pk"],
                kind=StepKind.EXPIRE,
                happened_on=row["term_end"],
                actor=None,
                note=f"合同期限于{row['term_end']:%Y年%m月%d日}届满，未续订，合同期满终止。",
            )
            for row in expired
        ]
        + [
            ContractStep(
                contract_id=row["pk"],
                kind=StepKind.RENEW,
                happened_on=row["renewal__in_force_on"],
                actor=None,
                note="续订的集体合同已生效，本合同由其接替。",
            )
            for row in renewed
        ]
    )
    if renewed:
        logger.info("Contracts sweep: %s contract(s) marked renewed at expiry.", len(renewed))
    return [row["pk"] for row in expired]


# A renewal that has taken effect (it may itself have ended since).
_TAKEN_EFFECT = {ContractStatus.IN_FORCE, ContractStatus.EXPIRED, ContractStatus.RENEWED}
