"""Money for the union funds: Decimal to the cent, rounded half up (四舍五入), never float.

One place for the rounding so that the ledger, the statement import and the reports agree to
the cent: 2% of a payroll of 100.25 is 2.0050, which is 2.01 (a float would make it 2.00).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
# 工会法 art. 43: the employer allocates 2% of its total payroll.
DEFAULT_RATE = Decimal("0.02")


def _decimal(value: Decimal | int | str | float) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a truth value is no amount of money")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # What the spreadsheet showed: Excel keeps 15 significant digits, so 1862.79 read back as
        # the float 1862.7899999999999636 is the decimal 1862.79, not its binary expansion.
        return Decimal(format(value, ".15g"))
    return Decimal(str(value).strip())


def to_cents(value: Decimal | int | str | float) -> Decimal:
    """The amount rounded to the cent, half up: to_cents("2.005") == Decimal("2.01")."""
    return _decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(base: Decimal | int | str | float, rate: Decimal | int | str | float = DEFAULT_RATE) -> Decimal:
    """``rate`` (a fraction: 0.02 for 2%) of ``base``, rounded once to the cent, half up."""
    return to_cents(_decimal(base) * _decimal(rate))


def money_text(value: Decimal) -> str:
    """Two decimals, no thousands separator, as the reports' JSON writes money: "1490.23"."""
    return f"{to_cents(value) + 0:.2f}"  # + 0: a refund that cancels a payment is "0.00", not "-0.00"
