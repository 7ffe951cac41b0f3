"""Arrears (欠缴, 工会法 art. 44): which entries are chased, how old they are, which are due a
reminder, the ageing report and what the prints read. The one place for these rules: the list's
filters, the to-do, the milestone and the report all build on the Q objects here.

"Owing" means money still owed after the period's end that may be chased today: unpaid or partly
paid, or deferred (缓缴) with its until-date passed. A deferral not yet passed and a write-off (核销) are not chased.
An entry's age is counted from its period's end (Shanghai calendar days and months).
"""

import calendar
import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import ARREARS_END_STAGES, ARREARS_STAGE_ORDER, ArrearsStage, EntryStatus
from ..models import ArrearsAction, LedgerEntry
from .scoping import entry_in_scope_q

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=16, decimal_places=2)

# The ageing report's bands, in months since the period's end: (key, label, from, to).
AGE_BANDS = (
    ("0_3", _("Up to 3 months"), 0, 3),
    ("3_6", _("3 to 6 months"), 3, 6),
    ("6_12", _("6 to 12 months"), 6, 12),
    ("over_12", _("Over 12 months"), 12, None),
)
AGE_BAND_KEYS = tuple(key for key, *_rest in AGE_BANDS)

# The stage filter's "not chased yet" (no stage recorded).
NOT_CHASED = "none"


def arrears_today(now: datetime.datetime | None = None) -> datetime.date:
    """The Shanghai calendar date (settings.TIME_ZONE) of `now` (default: this moment)."""
    return timezone.localdate(now or timezone.now())


def months_before(day: datetime.date, months: int) -> datetime.date:
    """`day` moved back by whole calendar months, clamped to the month's last day."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reminder_days() -> int:
    return settings.DUES_ARREARS_REMINDER_DAYS


# --- what is owed --------------------------------------------------------------------------------


def owed_expression():
    """What an entry still owes, in SQL (the model's `arrears` property, for querysets)."""
    return ExpressionWrapper(F("due") - F("received"), output_field=MONEY_FIELD)


def owing_q(today: datetime.date) -> Q:
    """Entries with money owed after their period's end that may be chased today (not a deferral
    still running). The period still running is not in arrears yet."""
    return Q(due__gt=F("received"), period_end__lt=today) & (
        Q(status__in=[EntryStatus.UNPAID, EntryStatus.PARTIAL])
        | Q(status=EntryStatus.DEFERRED, deferred_until__lt=today)
    )


def chase_open_q(today: datetime.date) -> Q:
    """Owing and not closed by a stage that ends the case."""
    return owing_q(today) & ~Q(arrears_stage__in=list(ARREARS_END_STAGES))


def stage_now_expression():
    """The stage a list shows: settled once paid, written off once written off, even before the
    closing stage is recorded (apps.dues.services.arrears.arrears_close_finished records it)."""
    chased = ~Q(arrears_stage="")
    return Case(
        When(chased & Q(status=EntryStatus.WRITTEN_OFF), then=Value(ArrearsStage.WRITTEN_OFF.value)),
        When(chased & Q(status__in=[EntryStatus.PAID, EntryStatus.OVERPAID]), then=Value(ArrearsStage.SETTLED.value)),
        default=F("arrears_stage"),
    )


def stage_next(stage: str) -> str | None:
    """The stage that follows `stage` ("" = none yet) in the statutory order, or None at the end."""
    if stage in ARREARS_END_STAGES:
        return None
    if stage == "":
        return ARREARS_STAGE_ORDER[0]
    index = ARREARS_STAGE_ORDER.index(stage)
    return ARREARS_STAGE_ORDER[index + 1] if index + 1 < len(ARREARS_STAGE_ORDER) else None


# --- age -----------------------------------------------------------------------------------------


def age_band_q(band: str, today: datetime.date) -> Q:
    """Entries whose period ended within the band's months before `today` (0–3: up to 3 months)."""
    for key, _label, start, end in AGE_BANDS:
        if key == band:
            q = Q(period_end__lte=months_before(today, start)) if start else Q()
            if end is not None:
                q &= Q(period_end__gt=months_before(today, end))
            return q
    raise ValueError(f"unknown age band {band!r}")


# --- reminders ----------------------------------------------------------------------------------


def reminder_due_q(today: datetime.date, days: int | None = None) -> Q:
    """Entries whose arrears are due a reminder at their current stage: owing, not closed, and
    more than `days` (DUES_ARREARS_REMINDER_DAYS) days past the period's end — and, once a stage
    is recorded, past that stage's date as well (a notice just handed over is given its time
    before the next step is asked for). The milestone, the to-do and the list's `due=remind`."""
    days = reminder_days() if days is None else days
    cutoff = today - datetime.timedelta(days=days)
    stage_old = ArrearsAction.objects.filter(entry=OuterRef("pk"), stage=OuterRef("arrears_stage"), done_on__lt=cutoff)
    return chase_open_q(today) & Q(period_end__lt=cutoff) & (Q(arrears_stage="") | Exists(stage_old))


# --- lists ---------------------------------------------------------------------------------------


def arrears_base_q(today: datetime.date) -> Q:
    """What the arrears list holds: entries owing today, and entries already chased (to show how
    their case ended)."""
    return owing_q(today) | ~Q(arrears_stage="")


def arrears_list(*, user, today: datetime.date | None = None):
    """The arrears in the user's scope, oldest period first, with the amount owed and the stage now."""
    today = today or arrears_today()
    return (
        LedgerEntry.objects.filter(entry_in_scope_q(user))
        .filter(arrears_base_q(today))
        .select_related("enterprise", "enterprise__township")
        .annotate(owed=owed_expression(), stage_now=stage_now_expression())
        .order_by("period_start", "enterprise__name", "id")
    )


def arrears_entry_queryset(*, user):
    """Any entry of the user's scope, for recording a stage or printing (a 404 outside it)."""
    return (
        LedgerEntry.objects.filter(entry_in_scope_q(user))
        .select_related("enterprise", "enterprise__township")
        .annotate(owed=owed_expression())
    )


def arrears_actions_of(entry):
    return list(entry.arrears_actions.select_related("recorded_by").order_by("done_on", "id"))


# --- the ageing report --------------------------------------------------------------------------


def arrears_ageing(*, user, today: datetime.date | None = None) -> dict:
    """Per township of the user's scope: the owing entries and their amount per age band, and the
    total row. One aggregate query, whatever the number of townships and entries."""
    today = today or arrears_today()
    owed = owed_expression()
    aggregates = {}
    for key, *_rest in AGE_BANDS:
        band = age_band_q(key, today)
        aggregates[f"count_{key}"] = Count("pk", filter=band)
        aggregates[f"amount_{key}"] = Coalesce(Sum(owed, filter=band), Value(ZERO), output_field=MONEY_FIELD)
    aggregates["count_total"] = Count("pk")
    aggregates["amount_total"] = Coalesce(Sum(owed), Value(ZERO), output_field=MONEY_FIELD)
    rows = list(
        LedgerEntry.objects.filter(entry_in_scope_q(user))
        .filter(owing_q(today))
        .values("enterprise__township_id", "enterprise__township__name")
        .annotate(**aggregates)
        .order_by("enterprise__township__name", "enterprise__township_id")
    )
    bands = [{"key": key, "label": label} for key, label, *_rest in AGE_BANDS]
    table = []
    total = {"cells": [{"count": 0, "amount": ZERO} for _band in AGE_BANDS], "count": 0, "amount": ZERO}
    for row in rows:
        cells = [{"count": row[f"count_{key}"], "amount": row[f"amount_{key}"], "band": key} for key in AGE_BAND_KEYS]
        for cell, sums in zip(cells, total["cells"], strict=True):
            sums["count"] += cell["count"]
            sums["amount"] += cell["amount"]
            sums["band"] = cell["band"]
        total["count"] += row["count_total"]
        total["amount"] += row["amount_total"]
        table.append(
            {
                "township_id": row["enterprise__township_id"],
                "township_name": row["enterprise__township__name"],
                "cells": cells,
                "count": row["count_total"],
                "amount": row["amount_total"],
            }
        )
    return {"bands": bands, "rows": table, "total": total, "today": today}


# --- prints --------------------------------------------------------------------------------------


def arrears_print_pages(entries) -> list[dict]:
    """The entries grouped by enterprise, one page each (a notice or an order names every owing
    period of the enterprise at once), in the order given; amounts summed per page."""
    pages: dict[int, dict] = {}
    for entry in entries:
        page = pages.setdefault(
            entry.enterprise_id,
            {"enterprise": entry.enterprise, "entries": [], "due": ZERO, "received": ZERO, "owed": ZERO, "court": ""},
        )
        page["entries"].append(entry)
        page["due"] += entry.due
        page["received"] += entry.received
        page["owed"] += entry.owed
        court = getattr(entry, "order_court", "") or ""
        if court and not page["court"]:
            page["court"] = court
    return list(pages.values())


def arrears_print_entries(
    *, user, today: datetime.date | None = None, enterprise_id=None, township_id=None, period=None
):
    """Owing entries to print: one enterprise's, or one township's (and period's), with the court
    named at a payment order stage already recorded."""
    today = today or arrears_today()
    court = ArrearsAction.objects.filter(entry=OuterRef("pk"), stage=ArrearsStage.PAYMENT_ORDER).values("court")[:1]
    queryset = (
        arrears_entry_queryset(user=user)
        .filter(chase_open_q(today))
        .annotate(order_court=Subquery(court))
        .order_by("enterprise__name", "enterprise_id", "period_start")
    )
    if enterprise_id is not None:
        queryset = queryset.filter(enterprise_id=enterprise_id)
    if township_id is not None:
        queryset = queryset.filter(enterprise__township_id=township_id)
    if period is not None:
        queryset = queryset.filter(period_start__lte=period, period_end__gte=period)
    return queryset
