"""工会直收: money paid directly to the county or township union, with its receipt (工会经费收入
专用收据), numbered per year from apps.core.serials, the amount also in Chinese capitals."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core.serials import serial_format, serial_next

from ..choices import Channel, EntryStatus, PaymentSource
from ..models import LedgerEntry, Payment
from ..money import to_cents
from .ledger import payment_add

# The receipt's sequence restarts each year: SJ-2026-000001 is the year's first receipt.
RECEIPT_SERIAL_KEY = "dues_receipt"
RECEIPT_PREFIX = "SJ"

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")


def _group_in_capitals(number: int) -> str:
    """0 < number < 10000 in capitals, zeros inside collapsed to one 零, trailing zeros dropped."""
    text, zero = "", False
    for position in (3, 2, 1, 0):
        digit = number // 10**position % 10
        if digit == 0:
            zero = zero or bool(text)
            continue
        if zero:
            text += "零"
            zero = False
        text += DIGITS[digit] + SMALL_UNITS[position]
    return text


def _integer_in_capitals(number: int) -> str:
    groups = []  # four digits each, lowest first: 元, 万, 亿, 万亿
    while number:
        groups.append(number % 10000)
        number //= 10000
    if len(groups) > 4:
        raise ValueError("an amount of ten thousand 亿 yuan or more is no receipt's")
    text, pending_zero = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            pending_zero = pending_zero or bool(text)
            continue
        if text and (pending_zero or group < 1000):
            text += "零"
        big = ("", "万", "亿", "万")[index]
        if index == 3 and groups[2] == 0:
            big = "万亿"  # 壹万亿: the 亿 group is empty, its unit still said
        text += _group_in_capitals(group) + big
        pending_zero = False
    return text


def amount_in_chinese_capitals(amount: Decimal) -> str:
    """人民币大写 as the payment rules write it: 壹拾 (never a bare 拾), one 零 for a run of zeros, a
    零 after 元 when the yuan digit is 0 and 角 follows, 整 when there are no 角 or 分.

    1.05 → 壹元零伍分, 10000.10 → 壹万元零壹角, 0.00 → 零元整.
    """
    cents = int(to_cents(amount) * 100)
    if cents < 0:
        raise ValueError("a receipt is for money received, not a negative amount")
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    if cents == 0:
        return "零元整"
    text = _integer_in_capitals(yuan) + "元" if yuan else ""
    if jiao:
        if yuan and yuan % 10 == 0:
            text += "零"
        text += DIGITS[jiao] + "角"
    if fen:
        if yuan and not jiao:
            text += "零"
        text += DIGITS[fen] + "分"
    return text if jiao or fen else text + "整"


def receipt_number_next(paid_on: datetime.date) -> str:
    """The next receipt number of the year the money was paid in."""
    value = serial_next(RECEIPT_SERIAL_KEY, year=paid_on.year)
    return serial_format(RECEIPT_PREFIX, value, year=paid_on.year, width=6)


def direct_payment_problem(entry: LedgerEntry) -> str | None:
    """Why money paid directly to the union cannot be recorded against this entry (Chinese), or None."""
    if entry.channel != Channel.DIRECT:
        return f"这笔经费的缴纳渠道是“{entry.get_channel_display()}”，不在这里记缴款、开收据。"
    if entry.status == EntryStatus.WRITTEN_OFF:
        return "这笔经费已经核销，不能再记缴款。"
    return None


@transaction.atomic
def direct_payment_record(
    entry: LedgerEntry, *, amount, paid_on: datetime.date, user, reference: str = "", note: str = ""
) -> Payment:
    """Record money paid directly to the union and give it the year's next receipt number."""
    entry = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
    problem = direct_payment_problem(entry)
    if problem:
        raise ValidationError(problem)
    amount = to_cents(amount)
    if amount <= 0:
        raise ValidationError({"amount": "缴款金额应大于零。"})
    # Checked before a number is drawn: a receipt number given out is never given again, so a
    # refusal after the draw would leave a gap in the receipt book.
    Payment(
        entry=entry,
        amount=amount,
        paid_on=paid_on,
        channel=Channel.DIRECT,
        source=PaymentSource.HAND_ENTRY,
        reference=reference.strip(),
        note=note.strip(),
        recorded_by=user,
    ).full_clean()
    return payment_add(
        entry,
        amount=amount,
        paid_on=paid_on,
        user=user,
        source=PaymentSource.HAND_ENTRY,
        channel=Channel.DIRECT,
        reference=reference,
        note=note,
        receipt_number=receipt_number_next(paid_on),
    )
