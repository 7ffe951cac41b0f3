"""Chasing arrears (催缴, 工会法 art. 44): the stages of an owing ledger entry, in order.

催缴通知书 (dated, with how it was delivered) → 再次催缴 → 支付令申请书 prepared (the principal
only, to the enterprise's basic people's court) → settled or written off. One ArrearsAction per
entry and stage (the database's unique constraint), and `LedgerEntry.arrears_stage` is written
in the same transaction as the action, by these functions only.

Settled and written off are not typed: the ledger's payments and write-offs decide them.
`arrears_close_finished` records them for chased entries that are now paid (or written off); it
runs whenever a stage is recorded here, and the lists show the stage they would reach before it
runs (apps.dues.selectors.arrears.stage_now_expression), so the ledger's services need no hook.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q

from apps.core.history import acting_user

from ..choices import ARREARS_END_STAGES, ARREARS_STAGE_ORDER, ArrearsStage, Delivery, EntryStatus
from ..models import ArrearsAction, LedgerEntry, Payment
from ..selectors.arrears import arrears_today, owing_q, stage_next

NOTICE_STAGES = (ArrearsStage.NOTICE, ArrearsStage.SECOND_NOTICE)


def _stage_label(stage: str) -> str:
    return str(ArrearsStage(stage).label)


def arrears_stage_problem(entry: LedgerEntry, stage: str, *, today: datetime.date) -> str | None:
    """Why `stage` cannot be recorded for the entry now (Chinese), or None. The form asks the same."""
    if stage in ARREARS_END_STAGES:
        return "“已结清”和“已核销”由系统根据缴款和核销记录自动登记，无需手工登记。"
    if stage not in ARREARS_STAGE_ORDER:
        return "未知的催缴阶段。"
    if entry.status == EntryStatus.WRITTEN_OFF:
        return "这笔经费已核销，不再催缴。"
    if entry.status == EntryStatus.DEFERRED and entry.deferred_until and entry.deferred_until >= today:
        return f"这笔经费已批准缓缴至{entry.deferred_until:%Y年%m月%d日}，缓缴期内不催缴。"
    if entry.due <= entry.received:
        return "这笔经费没有欠缴，不能催缴。"
    if entry.arrears_stage == stage:
        return f"{entry.period_label}已登记“{_stage_label(stage)}”。"
    expected = stage_next(entry.arrears_stage)
    if expected is None:
        return f"{entry.period_label}的催缴已到最后一个阶段（{_stage_label(entry.arrears_stage)}）。"
    if stage != expected:
        done = f"已登记“{_stage_label(entry.arrears_stage)}”，" if entry.arrears_stage else "尚未催缴，"
        return f"催缴须按顺序进行：{entry.period_label}{done}下一步应为“{_stage_label(expected)}”。"
    return None


def _check_details(entry, stage, done_on, delivery, court, today) -> dict:
    errors = {}
    if done_on is None:
        errors["done_on"] = "请填写日期。"
    elif done_on > today:
        errors["done_on"] = "日期不能晚于今天。"
    elif done_on <= entry.period_end:
        errors["done_on"] = f"催缴应在所属期结束（{entry.period_end:%Y年%m月%d日}）之后。"
    else:
        previous = entry.arrears_actions.filter(stage__in=ARREARS_STAGE_ORDER).aggregate(last=Max("done_on"))["last"]
        if previous is not None and done_on < previous:
            errors["done_on"] = f"日期不能早于上一阶段的日期（{previous:%Y年%m月%d日}）。"
    if stage in NOTICE_STAGES and delivery not in Delivery.values:
        errors["delivery"] = "请选择催缴通知书的送达方式。"
    if stage == ArrearsStage.PAYMENT_ORDER and not court:
        errors["court"] = "请填写企业所在地的基层人民法院。"
    return errors


def arrears_stage_record(
    entry: LedgerEntry,
    *,
    stage: str,
    done_on: datetime.date,
    user,
    delivery: str = "",
    court: str = "",
    note: str = "",
    today: datetime.date | None = None,
) -> ArrearsAction:
    """Record the next stage of chasing one entry's arrears; refused (Chinese) out of order.

    A chased entry paid or written off since is closed first, in its own transaction: the
    refusal that follows ("没有欠缴", "已核销") leaves the closing stage recorded."""
    today = today or arrears_today()
    arrears_close_finished([entry.pk])
    with transaction.atomic(), acting_user(user):
        return _stage_record(entry, stage, done_on, user, delivery, court, note, today)


def _stage_record(entry, stage, done_on, user, delivery, court, note, today) -> ArrearsAction:
    entry = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
    problem = arrears_stage_problem(entry, stage, today=today)
    if problem:
        raise ValidationError(problem)
    court = (court or "").strip()
    errors = _check_details(entry, stage, done_on, delivery, court, today)
    if errors:
        raise ValidationError(errors)
    action = ArrearsAction(
        entry=entry,
        stage=stage,
        done_on=done_on,
        delivery=delivery if stage in NOTICE_STAGES else "",
        court=court if stage == ArrearsStage.PAYMENT_ORDER else "",
        note=(note or "").strip(),
        recorded_by=user,
    )
    action.full_clean()
    action.save()
    entry.arrears_stage = stage
    entry.save(update_fields=["arrears_stage", "updated_at"])
    return action


def arrears_notice_batch(
    *,
    entries,
    done_on: datetime.date,
    delivery: str,
    user,
    note: str = "",
    today: datetime.date | None = None,
) -> dict:
    """The 催缴通知书 for every owing, not yet chased entry of `entries` (a township's period,
    already scoped to the user), in one transaction: all recorded, or none. Entries already
    chased are left as they are and counted."""
    today = today or arrears_today()
    if delivery not in Delivery.values:
        raise ValidationError({"delivery": "请选择催缴通知书的送达方式。"})
    if done_on is None or done_on > today:
        raise ValidationError({"done_on": "日期不能晚于今天。"})
    chosen = list(entries.order_by().values_list("pk", flat=True))
    # Cases paid or written off since are closed first, in their own transaction (kept if the
    # batch is refused), as for one entry.
    arrears_close_finished(chosen)
    with transaction.atomic(), acting_user(user):
        return _notice_batch(chosen, done_on, delivery, user, note, today)


def _notice_batch(chosen, done_on, delivery, user, note, today) -> dict:
    candidates = LedgerEntry.objects.select_for_update().filter(pk__in=chosen).filter(owing_q(today)).order_by("pk")
    rows = list(candidates.only("pk", "arrears_stage", "period_end", "period_start", "period_kind"))
    to_notify = [row for row in rows if row.arrears_stage == ""]
    if not to_notify:
        raise ValidationError("所选乡镇和所属期没有尚未发出催缴通知书的欠缴。")
    not_ended = [row for row in to_notify if row.period_end >= done_on]
    if not_ended:
        raise ValidationError(
            {"done_on": f"催缴应在所属期结束（{max(row.period_end for row in not_ended):%Y年%m月%d日}）之后。"}
        )
    actions = [
        ArrearsAction(
            entry_id=row.pk,
            stage=ArrearsStage.NOTICE,
            done_on=done_on,
            delivery=delivery,
            note=(note or "").strip(),
            recorded_by=user,
        )
        for row in to_notify
    ]
    for action in actions:
        action.full_clean(exclude=["entry"], validate_unique=False)
    ArrearsAction.objects.bulk_create(actions)
    ids = [row.pk for row in to_notify]
    LedgerEntry.objects.filter(pk__in=ids, arrears_stage="").update(arrears_stage=ArrearsStage.NOTICE)
    return {"recorded": len(ids), "already_chased": len(rows) - len(ids)}


def arrears_close_finished(entry_ids=None) -> int:
    """Record "settled" for chased entries now paid in full, and "written off" for chased entries
    written off; dated the last payment's day (or the write-off's approval). Returns how many.
    Idempotent: a stage already recorded is not recorded again (the unique constraint)."""
    chased = (
        LedgerEntry.objects.filter(arrears_stage__in=ARREARS_STAGE_ORDER)
        .filter(Q(status__in=[EntryStatus.PAID, EntryStatus.OVERPAID]) | Q(status=EntryStatus.WRITTEN_OFF))
        .order_by("pk")
    )
    if entry_ids is not None:
        chased = chased.filter(pk__in=list(entry_ids))
    rows = list(chased.values("pk", "status", "approved_on", "approved_by_id"))
    if not rows:
        return 0
    with transaction.atomic():
        last_paid = dict(
            Payment.objects.filter(entry_id__in=[row["pk"] for row in rows], amount__gt=0)
            .values("entry_id")
            .annotate(last=Max("paid_on"))
            .values_list("entry_id", "last")
        )
        today = arrears_today()
        actions, settled, written_off = [], [], []
        for row in rows:
            if row["status"] == EntryStatus.WRITTEN_OFF:
                stage, day, by = ArrearsStage.WRITTEN_OFF, row["approved_on"] or today, row["approved_by_id"]
                written_off.append(row["pk"])
            else:
                stage, day, by = ArrearsStage.SETTLED, last_paid.get(row["pk"]) or today, None
                settled.append(row["pk"])
            actions.append((row["pk"], stage, day, by))
        # An action needs a user; the payment that settled it may have come from an import: the
        # settled stage is recorded in the name of whoever started chasing the entry.
        first_recorder = {}
        for entry_id, by in (
            ArrearsAction.objects.filter(entry_id__in=settled)
            .order_by("entry_id", "id")
            .values_list("entry_id", "recorded_by_id")
        ):
            first_recorder.setdefault(entry_id, by)
        ArrearsAction.objects.bulk_create(
            [
                ArrearsAction(entry_id=pk, stage=stage, done_on=day, recorded_by_id=by or first_recorder[pk])
                for pk, stage, day, by in actions
            ],
            ignore_conflicts=True,
        )
        LedgerEntry.objects.filter(pk__in=settled).update(arrears_stage=ArrearsStage.SETTLED)
        LedgerEntry.objects.filter(pk__in=written_off).update(arrears_stage=ArrearsStage.WRITTEN_OFF)
    return len(rows)
