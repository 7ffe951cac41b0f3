"""Chasing arrears (催缴): the stages in order, one per entry and stage, the entry's stage kept in
step, settled and written off from the ledger, and a township's notices at once."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.dues.choices import ArrearsStage, Delivery, EntryStatus
from apps.dues.models import ArrearsAction, LedgerEntry
from apps.dues.services import ledger
from apps.dues.services.arrears import arrears_close_finished, arrears_notice_batch, arrears_stage_record
from tests.dues.conftest import JULY, make_entry

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)
AUGUST = datetime.date(2026, 8, 1)


def record(entry, stage, user, on=datetime.date(2026, 9, 10), **kwargs):
    options = {"delivery": Delivery.IN_PERSON} if stage in (ArrearsStage.NOTICE, ArrearsStage.SECOND_NOTICE) else {}
    if stage == ArrearsStage.PAYMENT_ORDER:
        options["court"] = "东海县人民法院"
    return arrears_stage_record(entry, stage=stage, done_on=on, user=user, today=TODAY, **{**options, **kwargs})


def test_the_stages_go_in_order_and_the_entry_keeps_its_stage(dues_world):
    entry = make_entry(dues_world.tax_a)
    record(entry, ArrearsStage.NOTICE, dues_world.chair)
    assert LedgerEntry.objects.get(pk=entry.pk).arrears_stage == ArrearsStage.NOTICE
    record(entry, ArrearsStage.SECOND_NOTICE, dues_world.chair, on=datetime.date(2026, 10, 10))
    action = record(entry, ArrearsStage.PAYMENT_ORDER, dues_world.chair, on=datetime.date(2026, 11, 1))
    assert action.court == "东海县人民法院"
    assert LedgerEntry.objects.get(pk=entry.pk).arrears_stage == ArrearsStage.PAYMENT_ORDER
    assert list(entry.arrears_actions.values_list("stage", flat=True)) == [
        ArrearsStage.NOTICE,
        ArrearsStage.SECOND_NOTICE,
        ArrearsStage.PAYMENT_ORDER,
    ]


def test_a_stage_out_of_order_is_refused_in_chinese_and_nothing_is_written(dues_world):
    entry = make_entry(dues_world.tax_a)
    with pytest.raises(ValidationError) as refused:
        record(entry, ArrearsStage.SECOND_NOTICE, dues_world.chair)
    assert "催缴须按顺序进行" in refused.value.messages[0] and "催缴通知书" in refused.value.messages[0]
    record(entry, ArrearsStage.NOTICE, dues_world.chair)
    with pytest.raises(ValidationError) as twice:
        record(entry, ArrearsStage.NOTICE, dues_world.chair)
    assert "已登记" in twice.value.messages[0]
    with pytest.raises(ValidationError) as skipped:
        record(entry, ArrearsStage.PAYMENT_ORDER, dues_world.chair)
    assert "再次催缴" in skipped.value.messages[0]
    with pytest.raises(ValidationError) as by_hand:
        record(entry, ArrearsStage.SETTLED, dues_world.chair)
    assert "自动登记" in by_hand.value.messages[0]
    assert ArrearsAction.objects.filter(entry=entry).count() == 1
    assert LedgerEntry.objects.get(pk=entry.pk).arrears_stage == ArrearsStage.NOTICE


def test_dates_delivery_and_court_are_checked(dues_world):
    entry = make_entry(dues_world.tax_a)
    with pytest.raises(ValidationError) as early:
        record(entry, ArrearsStage.NOTICE, dues_world.chair, on=datetime.date(2026, 7, 20))
    assert "所属期结束" in early.value.message_dict["done_on"][0]
    with pytest.raises(ValidationError) as undelivered:
        record(entry, ArrearsStage.NOTICE, dues_world.chair, delivery="")
    assert "送达方式" in undelivered.value.message_dict["delivery"][0]
    record(entry, ArrearsStage.NOTICE, dues_world.chair, on=datetime.date(2026, 9, 10))
    with pytest.raises(ValidationError) as before:
        record(entry, ArrearsStage.SECOND_NOTICE, dues_world.chair, on=datetime.date(2026, 9, 1))
    assert "上一阶段" in before.value.message_dict["done_on"][0]
    record(entry, ArrearsStage.SECOND_NOTICE, dues_world.chair, on=datetime.date(2026, 10, 1))
    with pytest.raises(ValidationError) as no_court:
        record(entry, ArrearsStage.PAYMENT_ORDER, dues_world.chair, court="  ")
    assert "人民法院" in no_court.value.message_dict["court"][0]


def test_the_database_keeps_one_action_per_entry_and_stage(dues_world):
    entry = make_entry(dues_world.tax_a)
    record(entry, ArrearsStage.NOTICE, dues_world.chair)
    with pytest.raises(IntegrityError), transaction.atomic():
        ArrearsAction.objects.create(
            entry=entry, stage=ArrearsStage.NOTICE, done_on=TODAY, delivery="post", recorded_by=dues_world.chair
        )


def test_paid_deferred_and_written_off_entries_are_not_chased(dues_world):
    paid = make_entry(dues_world.tax_a)
    ledger.payment_add(paid, amount=paid.due, paid_on=datetime.date(2026, 8, 10), user=dues_world.finance)
    with pytest.raises(ValidationError, match="没有欠缴"):
        record(paid, ArrearsStage.NOTICE, dues_world.chair)
    deferred = make_entry(dues_world.direct_a)
    ledger.entry_defer(
        deferred, until=datetime.date(2026, 12, 31), reason="受灾", user=dues_world.county, on=datetime.date(2026, 8, 5)
    )
    with pytest.raises(ValidationError, match="缓缴期内不催缴"):
        record(deferred, ArrearsStage.NOTICE, dues_world.chair)
    written_off = make_entry(dues_world.finance_a)
    ledger.entry_write_off(written_off, reason="注销", user=dues_world.county, on=datetime.date(2026, 8, 5))
    with pytest.raises(ValidationError, match="已核销"):
        record(written_off, ArrearsStage.NOTICE, dues_world.chair)
    assert not ArrearsAction.objects.exists()


def test_a_deferral_that_has_passed_is_chased_again(dues_world):
    entry = make_entry(dues_world.direct_a)
    ledger.entry_defer(
        entry, until=datetime.date(2026, 9, 30), reason="受灾", user=dues_world.county, on=datetime.date(2026, 8, 5)
    )
    record(entry, ArrearsStage.NOTICE, dues_world.chair, on=datetime.date(2026, 10, 8))
    assert LedgerEntry.objects.get(pk=entry.pk).arrears_stage == ArrearsStage.NOTICE


def test_a_chased_entry_paid_later_is_settled_on_the_day_of_its_last_payment(dues_world):
    entry = make_entry(dues_world.tax_a)
    record(entry, ArrearsStage.NOTICE, dues_world.chair)
    ledger.payment_add(entry, amount="500.00", paid_on=datetime.date(2026, 9, 20), user=dues_world.finance)
    ledger.payment_add(
        entry, amount=entry.due - Decimal("500.00"), paid_on=datetime.date(2026, 10, 3), user=dues_world.finance
    )
    assert arrears_close_finished() == 1
    assert arrears_close_finished() == 0  # once
    settled = ArrearsAction.objects.get(entry=entry, stage=ArrearsStage.SETTLED)
    assert settled.done_on == datetime.date(2026, 10, 3) and settled.recorded_by == dues_world.chair
    assert LedgerEntry.objects.get(pk=entry.pk).arrears_stage == ArrearsStage.SETTLED


def test_a_chased_entry_written_off_ends_as_written_off(dues_world):
    entry = make_entry(dues_world.tax_a)
    record(entry, ArrearsStage.NOTICE, dues_world.chair)
    ledger.entry_write_off(entry, reason="企业注销", user=dues_world.county, on=datetime.date(2026, 10, 9))
    with pytest.raises(ValidationError, match="已核销"):
        record(entry, ArrearsStage.SECOND_NOTICE, dues_world.chair, on=datetime.date(2026, 10, 10))
    action = ArrearsAction.objects.get(entry=entry, stage=ArrearsStage.WRITTEN_OFF)
    assert action.done_on == datetime.date(2026, 10, 9) and action.recorded_by == dues_world.county
    assert LedgerEntry.objects.get(pk=entry.pk).status == EntryStatus.WRITTEN_OFF


def test_a_townships_notices_at_once_skip_those_already_chased_and_paid(dues_world):
    first, second, paid = (
        make_entry(dues_world.tax_a),
        make_entry(dues_world.direct_a),
        make_entry(dues_world.finance_a),
    )
    other_period, township_b = make_entry(dues_world.tax_a, AUGUST), make_entry(dues_world.tax_b)
    ledger.payment_add(paid, amount=paid.due, paid_on=datetime.date(2026, 8, 10), user=dues_world.finance)
    record(second, ArrearsStage.NOTICE, dues_world.chair, on=datetime.date(2026, 9, 1))
    entries = LedgerEntry.objects.filter(enterprise__township=dues_world.tree["a"], period_start=JULY)
    done = arrears_notice_batch(
        entries=entries, done_on=datetime.date(2026, 9, 15), delivery=Delivery.POST, user=dues_world.chair, today=TODAY
    )
    assert done == {"recorded": 1, "already_chased": 1}
    assert LedgerEntry.objects.get(pk=first.pk).arrears_stage == ArrearsStage.NOTICE
    assert ArrearsAction.objects.get(entry=first).delivery == Delivery.POST
    for untouched in (paid, other_period, township_b):
        assert LedgerEntry.objects.get(pk=untouched.pk).arrears_stage == ""
    with pytest.raises(ValidationError, match="没有尚未发出催缴通知书"):
        arrears_notice_batch(entries=entries, done_on=TODAY, delivery=Delivery.POST, user=dues_world.chair, today=TODAY)


def test_a_batch_with_a_period_not_ended_writes_nothing(dues_world):
    make_entry(dues_world.tax_a)
    make_entry(dues_world.direct_a, datetime.date(2026, 7, 1), kind="quarter")
    entries = LedgerEntry.objects.filter(enterprise__township=dues_world.tree["a"])
    with pytest.raises(ValidationError) as refused:
        arrears_notice_batch(
            entries=entries,
            done_on=datetime.date(2026, 8, 15),
            delivery=Delivery.POST,
            user=dues_world.chair,
            today=TODAY,
        )
    assert "2026年09月30日" in refused.value.message_dict["done_on"][0]
    assert not ArrearsAction.objects.exists()
    assert not LedgerEntry.objects.exclude(arrears_stage="").exists()
