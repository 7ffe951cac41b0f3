"""工会直收's receipt: the amount in Chinese capitals (人民币大写) and the receipt numbers."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.dues.models import Payment
from apps.dues.services.receipts import amount_in_chinese_capitals, direct_payment_record
from tests.dues.conftest import make_entry


@pytest.mark.parametrize(
    ("amount", "capitals"),
    [
        ("0.00", "零元整"),
        ("1.05", "壹元零伍分"),
        ("10000.10", "壹万元零壹角"),
        ("100200300.45", "壹亿零贰拾万零叁佰元零肆角伍分"),
        ("0.05", "伍分"),
        ("0.50", "伍角"),
        ("0.56", "伍角陆分"),
        ("10.00", "壹拾元整"),
        ("15.00", "壹拾伍元整"),
        ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
        ("1001.00", "壹仟零壹元整"),
        ("1010.00", "壹仟零壹拾元整"),
        ("1000.01", "壹仟元零壹分"),
        ("105000.00", "壹拾万伍仟元整"),
        ("100500.00", "壹拾万零伍佰元整"),
        ("20000300.00", "贰仟万零叁佰元整"),
        ("100000000.00", "壹亿元整"),
        ("100000001.00", "壹亿零壹元整"),
        ("1000000000000.00", "壹万亿元整"),
        ("10001000000000.00", "壹拾万零壹拾亿元整"),
        ("99999999999999.99", "玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
        ("2.005", "贰元零壹分"),  # rounded half up to the cent first, as the ledger rounds
    ],
)
def test_amount_in_chinese_capitals(amount, capitals):
    assert amount_in_chinese_capitals(Decimal(amount)) == capitals


def test_a_negative_amount_has_no_receipt():
    with pytest.raises(ValueError):
        amount_in_chinese_capitals(Decimal("-1.00"))


@pytest.mark.django_db
def test_receipt_numbers_run_per_year_of_payment(dues_world):
    w = dues_world
    entry = make_entry(w.direct_a)
    first = direct_payment_record(entry, amount="100.00", paid_on=datetime.date(2026, 7, 10), user=w.chair)
    second = direct_payment_record(entry, amount="50.00", paid_on=datetime.date(2026, 7, 11), user=w.chair)
    earlier = direct_payment_record(entry, amount="10.00", paid_on=datetime.date(2025, 12, 31), user=w.chair)
    year, number = first.receipt_number.rsplit("-", 1)
    assert year == "SJ-2026" and second.receipt_number == f"SJ-2026-{int(number) + 1:06d}"
    assert earlier.receipt_number.startswith("SJ-2025-")
    entry.refresh_from_db()
    assert entry.received == Decimal("160.00") and entry.status == "partial"


@pytest.mark.django_db
def test_only_a_direct_channel_entry_takes_a_payment_with_a_receipt(dues_world):
    w = dues_world
    entry = make_entry(w.tax_a)
    with pytest.raises(ValidationError) as refused:
        direct_payment_record(entry, amount="100.00", paid_on=datetime.date(2026, 7, 10), user=w.county)
    assert "不在这里记缴款" in str(refused.value)
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_a_refused_payment_draws_no_receipt_number(dues_world):
    """A number given out is never given again: a refusal must come before the draw."""
    w = dues_world
    entry = make_entry(w.direct_a)
    for amount in ("0.00", "-5.00"):
        with pytest.raises(ValidationError):
            direct_payment_record(entry, amount=amount, paid_on=datetime.date(2026, 7, 10), user=w.chair)
    with pytest.raises(ValidationError):
        direct_payment_record(entry, amount="5.00", paid_on=datetime.date(2099, 1, 1), user=w.chair)
    first = direct_payment_record(entry, amount="5.00", paid_on=datetime.date(2026, 7, 10), user=w.chair)
    later = direct_payment_record(entry, amount="5.00", paid_on=datetime.date(2026, 7, 10), user=w.chair)
    assert int(later.receipt_number.rsplit("-", 1)[1]) == int(first.receipt_number.rsplit("-", 1)[1]) + 1
    assert Payment.objects.count() == 2
