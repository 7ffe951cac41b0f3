"""Money to the cent: Decimal, ROUND_HALF_UP (四舍五入), never float."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_cents(value) -> Decimal:
    """`value` (Decimal, int or str; a float through its shortest repr) rounded half up to the cent."""
    if isinstance(value, float):
        value = repr(value)
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(base, rate) -> Decimal:
    """`rate` (e.g. Decimal("0.02")) of `base`, rounded half up to the cent."""
    return to_cents(Decimal(base) * Decimal(rate))
