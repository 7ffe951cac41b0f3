"""Money to the cent, half up (apps.dues.money): what the ledger and the statement agree on."""

from decimal import Decimal

import pytest

from apps.dues.money import money_text, percent_of, to_cents


@pytest.mark.parametrize(
    ("value", "cents"),
    [
        ("2.005", "2.01"),
        ("2.0049999", "2.00"),
        ("-2.005", "-2.01"),  # half up is away from zero: a refund rounds as its payment
        ("0.005", "0.01"),
        ("0.0049", "0.00"),
        ("1490.2278", "1490.23"),
        (Decimal("12345.675"), "12345.68"),
        (7, "7.00"),
    ],
)
def test_to_cents_rounds_half_up(value, cents):
    assert to_cents(value) == Decimal(cents)


def test_a_float_is_read_as_the_number_the_spreadsheet_shows():
    # 1862.79 is stored as 1862.78999999999996362...; 1.005 as 1.00499999999999989...
    assert to_cents(1862.79) == Decimal("1862.79")
    assert to_cents(1.005) == Decimal("1.01")
    assert to_cents(0.1 + 0.2) == Decimal("0.30")


@pytest.mark.parametrize(
    ("base", "rate", "due"),
    [
        ("100.25", "0.02", "2.01"),  # 2.005
        (100.25, 0.02, "2.01"),  # the same from float cells (100.25 * 0.02 is 2.0049999 in floats)
        ("1862.75", "0.02", "37.26"),  # 37.255
        ("74511.39", "0.02", "1490.23"),
        ("100.24", "0.02", "2.00"),  # 2.0048
        ("1000.10", "0.015", "15.00"),  # 15.0015
        ("0", "0.02", "0.00"),
    ],
)
def test_percent_of_rounds_once_half_up(base, rate, due):
    assert percent_of(base, rate) == Decimal(due)


def test_percent_of_defaults_to_two_percent():
    assert percent_of("500000") == Decimal("10000.00")


def test_money_text_two_decimals_and_no_minus_zero():
    assert money_text(Decimal("1490.2")) == "1490.20"
    assert money_text(Decimal("-0.00")) == "0.00"
    assert money_text(Decimal("-2451.99")) == "-2451.99"
    assert money_text(Decimal("1234567.891")) == "1234567.89"


def test_a_truth_value_is_no_money():
    with pytest.raises(TypeError):
        to_cents(True)
