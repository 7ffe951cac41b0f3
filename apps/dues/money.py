"""Money for the union funds: Decimal to the cent, rounded half up (四舍五入), never float.

One place for the rounding so that the ledger, the statement import and the reports agree to
the cent: 2% of a payroll of 100.25 is 2.0050, which is 2.01 (a float would make it 2.00).
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

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


_AMOUNT_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
# Thousands separators only where they group by three: "12,34" could be a decimal comma.
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_AMOUNT_NOISE = str.maketrans("", "", " _'\u00a0\u3000元¥￥")
_MINUSES = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-"})


def amount_parse(value: object) -> Decimal | None | Literal[False]:
    """A typed or spreadsheet amount as Decimal (not yet rounded); None when blank; False when it is
    no number. The one reading of "1,234.50", "￥1 234.50", "(12.00)" and Excel's floats, shared by
    the tax statement and the finance bureau's pasted list."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return False
        return Decimal(format(value, ".15g"))  # what Excel shows: 15 significant digits
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if not isinstance(value, str):
        return False
    text = value if value.isascii() else unicodedata.normalize("NFKC", value).translate(_MINUSES)
    text = text.strip().translate(_AMOUNT_NOISE)
    if not text:
        return None
    negative = text.startswith("(") and text.endswith(")")  # (1,234.00): an accountant's minus
    if negative:
        text = text[1:-1]
    if "," in text:
        if not _GROUPED.fullmatch(text):
            return False
        text = text.replace(",", "")
    if not _AMOUNT_TEXT.fullmatch(text):
        return False
    number = Decimal(text)
    return -number if negative else number
