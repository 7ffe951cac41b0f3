"""What the contract pages read: the list's search, one contract's timeline, chain, history and clock.

Every read starts from a scoped queryset (`scoping.contract_list` / `contract_detail_queryset`) or
from a contract the caller already took from one; nothing here widens the user's scope.
"""

import datetime
import re
from dataclasses import dataclass

from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from apps.branches.models import Enterprise, OrgUnit
from apps.core.history import object_history

from .. import clock
from ..choices import ContractStatus
from ..models import Contract, ContractCoverage, ContractDocument, ContractStep
from .scoping import contract_in_scope_q

__all__ = [
    "CONTRACT_NUMBER",
    "ClockLine",
    "NextDeadline",
    "contract_chain",
    "contract_coverage_rows",
    "contract_documents",
    "contract_history",
    "contract_next_deadline",
    "contract_search",
    "contract_summary",
    "contract_timeline",
    "coverable_enterprise_list",
    "signing_union_list",
]

# JTHT-2026-0001 (apps.core.serials, per year): a whole number is an exact look-up.
CONTRACT_NUMBER = re.compile(r"^JTHT-\d{4}-\d{4,}$", re.IGNORECASE)

# How far a renewal chain is read either way: a contract renewed every year for half a century.
CHAIN_DEPTH = 50


# --- search ----------------------------------------------------------------------------------------


def contract_search(queryset, q: str):
    """One box: a contract number (whole: exact; in part: contained), an enterprise's name (the
    contract's own or one it covers), the signing union's name, the employers' representative.

    The matching enterprises and unions are found first (a few thousand names, not a join per
    contract), as the complaint search does."""
    q = (q or "").strip()
    if not q:
        return queryset
    if CONTRACT_NUMBER.match(q):
        return queryset.filter(number=q.upper())
    enterprises = Enterprise.objects.filter(name__icontains=q).values("pk")
    found = (
        Q(number__contains=q.upper())
        | Q(enterprise_id__in=enterprises)
        | Q(pk__in=ContractCoverage.objects.filter(enterprise_id__in=enterprises).values("contract_id"))
        | Q(union_id__in=OrgUnit.objects.filter(name__icontains=q).values("pk"))
        | Q(employer_representative__icontains=q)
    )
    return queryset.filter(found)


# --- the clock, as the pages show it ----------------------------------------------------------------


@dataclass(frozen=True)
class NextDeadline:
    """The next date of a contract's clock: what is due, by when, and how many days are left."""

    label: str
    due: datetime.date
    days_left: int
    overdue: bool  # a statutory period passed without the step (answer, sending)

    @property
    def days_overdue(self) -> int:
        return max(-self.days_left, 0)


def contract_next_deadline(contract: Contract, *, today: datetime.date) -> NextDeadline | None:
    """The date a list row shows beside the status (no query: the row's own columns).

    Requested: the answer's last day (art. 32); signed: the sending's (art. 42); under review with
    the receipt recorded: the review's last day (art. 47); in force: the term's end."""
    from django.utils.translation import gettext as _

    status = contract.status
    if status == ContractStatus.REQUESTED and contract.answer_due_on and not contract.answered_on:
        due, label, statutory = contract.answer_due_on, _("Answer due"), True
    elif status == ContractStatus.SIGNED and contract.send_due_on and not contract.sent_on:
        due, label, statutory = contract.send_due_on, _("Sending due"), True
    elif status == ContractStatus.SUBMITTED and contract.review_ends_on:
        due, label, statutory = contract.review_ends_on, _("Review ends"), False
    elif status == ContractStatus.IN_FORCE and contract.term_end:
        due, label, statutory = contract.term_end, _("Term ends"), False
    else:
        return None
    left = clock.days_left(due, today)
    return NextDeadline(label=label, due=due, days_left=left, overdue=statutory and left < 0)


@dataclass(frozen=True)
class ClockLine:
    """One line of the detail page's clock: what, the date, days left (None: a date past or done)."""

    key: str
    label: str
    day: datetime.date
    days_left: int | None
    overdue: bool = False


def contract_summary(contract: Contract, *, now=None) -> dict:
    """The detail page's clock (no query beyond the contract's rule profile, already joined).

    `clock_lines`: the answer's last day while a request waits, the sending's while a signed
    contract waits, the review's last day and the deemed-in-force day while under review, the
    day it took effect, the term's end (days left while in force), when the renewal window opens.
    `next_deadline`: as the list shows it."""
    from django.utils.translation import gettext as _

    today = clock.shanghai_date(now or timezone.now())
    lines = []
    status = contract.status

    def add(key, label, day, *, counting, statutory=False):
        left = clock.days_left(day, today) if counting else None
        lines.append(ClockLine(key, label, day, left, overdue=statutory and left is not None and left < 0))

    waiting_answer = status == ContractStatus.REQUESTED and not contract.answered_on
    add("answer", _("Answer due by"), contract.answer_due_on, counting=waiting_answer, statutory=True)
    if contract.send_due_on:
        waiting_send = status == ContractStatus.SIGNED and not contract.sent_on
        add("send", _("To be sent by"), contract.send_due_on, counting=waiting_send, statutory=True)
    if contract.review_ends_on:
        under_review = status == ContractStatus.SUBMITTED
        add("review", _("Review ends on"), contract.review_ends_on, counting=under_review)
        if under_review:
            add(
                "deemed",
                _("In force without an objection from"),
                contract.review_ends_on + datetime.timedelta(days=1),
                counting=True,
            )
    if contract.in_force_on:
        add("in_force", _("In force from"), contract.in_force_on, counting=False)
    if contract.term_end:
        add("term_end", _("Term ends"), contract.term_end, counting=status == ContractStatus.IN_FORCE)
        if status == ContractStatus.IN_FORCE and not contract.renewal_requested_on:
            opens = clock.renewal_window_opens_on(contract.term_end, contract.rule_profile)
            add("renewal", _("Renewal may be asked from"), opens, counting=opens > today)
    return {
        "clock_lines": lines,
        "next_deadline": contract_next_deadline(contract, today=today),
        "today": today,
    }


# --- one contract's parts --------------------------------------------------------------------------


def contract_documents(contract: Contract):
    """The contract's documents without their content (the download reads it), oldest first."""
    return (
        ContractDocument.objects.filter(contract=contract)
        .defer("content")
        .select_related("uploaded_by")
        .order_by("uploaded_at", "id")
    )


def contract_timeline(contract: Contract, *, documents=None) -> list[ContractStep]:
    """The contract's steps in date order, each with who recorded it and `step.filed_documents`,
    the documents filed with it (oldest first, without their content). `documents` is the
    contract's documents when the caller has read them already (the detail page shows them too),
    so they are read once; otherwise they are read here. One query, or two."""
    if documents is None:
        documents = contract_documents(contract)
    by_step: dict[int, list[ContractDocument]] = {}
    for document in documents:
        if document.step_id is not None:
            by_step.setdefault(document.step_id, []).append(document)
    steps = list(
        ContractStep.objects.filter(contract=contract)
        .select_related("actor")
        .order_by("happened_on", "recorded_at", "id")
    )
    for step in steps:
        step.filed_documents = by_step.get(step.pk, [])
    return steps


def contract_coverage_rows(contract: Contract):
    """The enterprises the contract covers, with their township and employees, by name. One query."""
    return (
        Enterprise.objects.filter(contract_coverage__contract=contract)
        .select_related("township")
        .only("pk", "name", "employee_count", "township__name")
        .order_by("name", "pk")
    )


_CHAIN_SQL = f"""
    WITH RECURSIVE back(id, replaces_id, n) AS (
        SELECT id, replaces_id, 0 FROM contracts_contract WHERE id = %s
        UNION ALL
        SELECT c.id, c.replaces_id, back.n + 1 FROM contracts_contract c JOIN back ON c.id = back.replaces_id
        WHERE back.n < {CHAIN_DEPTH}
    ), ahead(id, n) AS (
        SELECT id, 0 FROM contracts_contract WHERE id = %s
        UNION ALL
        SELECT c.id, ahead.n + 1 FROM contracts_contract c JOIN ahead ON c.replaces_id = ahead.id
        WHERE ahead.n < {CHAIN_DEPTH}
    )
    SELECT id FROM back UNION SELECT id FROM ahead
"""  # noqa: S608 - CHAIN_DEPTH is a constant; the contract's id is a parameter


def contract_chain(contract: Contract, *, user) -> list[Contract]:
    """The renewal chain through `contract`: the contracts it renews (and they renewed) and the
    renewals of it, oldest first, in the user's scope; [contract] alone when it has neither.

    One query whatever the chain's length (a recursive walk both ways, capped at CHAIN_DEPTH)."""
    return list(
        Contract.objects.filter(contract_in_scope_q(user))
        .filter(pk__in=RawSQL(_CHAIN_SQL, (contract.pk, contract.pk)))  # noqa: S611 - a constant, the ids as parameters
        .select_related("union", "enterprise")
        .only(
            "pk",
            "number",
            "kind",
            "scope",
            "status",
            "term_start",
            "term_end",
            "in_force_on",
            "requested_on",
            "replaces_id",
            "employer_representative",
            "union__name",
            "enterprise__name",
        )
        .order_by("requested_on", "pk")
    )


def contract_history(contract: Contract, *, user) -> list:
    """The contract's audit history (field changes, who made them), newest first."""
    return object_history(contract)


# --- choices of the contract forms ----------------------------------------------------------------


def signing_union_list(*, user):
    """The unions that may sign a contract, in the user's subtree: grassroots unions, the township
    unions (a regional contract is often signed by the township union itself) and the county
    union (an industry contract on the industry's behalf). Which may sign which scope is the
    service's rule (services.steps.SCOPE_UNION_KINDS), said on the form when it refuses."""
    from apps.branches.choices import GRASSROOTS_KINDS, OrgUnitKind
    from apps.branches.selectors import orgunit_list

    kinds = {*GRASSROOTS_KINDS, OrgUnitKind.TOWNSHIP, OrgUnitKind.COUNTY}
    return orgunit_list(user=user).filter(kind__in=kinds, archived_at__isnull=True)


def coverable_enterprise_list(*, user):
    """The enterprises a contract form may name, in the user's area (not archived)."""
    from apps.branches.selectors import enterprise_list

    return enterprise_list(user=user).filter(archived_at__isnull=True)
