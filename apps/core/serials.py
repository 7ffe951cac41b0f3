"""Serial numbers (tracking numbers, card numbers, later certificates and receipts) from
PostgreSQL sequences: one helper, one sequence per key and, for numbers that restart each
year, per key and year.

A key's sequence is named `<key>_serial` (`<key>_<year>_serial` per year), so the sequences the
complaints and members migrations made (complaints_tracking_serial, members_card_serial) are
the keys "complaints_tracking" and "members_card". A sequence is created on first use: inside a
transaction-scoped advisory lock on its name, so two first uses at once create it once (a plain
CREATE SEQUENCE IF NOT EXISTS can still fail on the catalogue's unique index when two run together).

A sequence is outside transactions: two transactions never get the same number, and a number
drawn by a transaction that then rolls back is not given out again. Numbers are unique and
increasing, but may have gaps.
"""

import re

from django.db import connection, transaction

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,40}$")

# nextval(NULL) is NULL: a sequence that does not exist yet comes back as NULLs, not as an
# error that would abort the caller's transaction.
NEXT_SQL = "SELECT nextval(to_regclass(%s)) FROM generate_series(1, %s)"


def serial_sequence_name(key: str, *, year: int | None = None) -> str:
    if not KEY_PATTERN.match(key):
        raise ValueError(f"serial key {key!r}: lower-case letters, digits and '_', starting with a letter")
    if year is None:
        return f"{key}_serial"
    if not 1900 <= year <= 2099:
        raise ValueError(f"serial year {year!r} is outside 1900–2099")
    return f"{key}_{year}_serial"


def serials_next(key: str, count: int, *, year: int | None = None) -> list[int]:
    """`count` new numbers of `key`'s sequence (of `year`'s, if given), increasing; one query."""
    if count <= 0:
        return []
    name = serial_sequence_name(key, year=year)
    with connection.cursor() as cursor:
        cursor.execute(NEXT_SQL, [name, count])
        values = [value for (value,) in cursor.fetchall()]
        if values[0] is None:
            with transaction.atomic():  # the lock is held until the sequence is committed
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"serial:{name}"])
                cursor.execute(f'CREATE SEQUENCE IF NOT EXISTS "{name}" START 1')
            cursor.execute(NEXT_SQL, [name, count])
            values = [value for (value,) in cursor.fetchall()]
    return values


def serial_ensure(key: str, *, year: int | None = None) -> None:
    """Create `key`'s sequence now, in the caller's transaction, without drawing a number.

    A sequence first created by a draw is created in the drawing transaction: if that one rolls
    back, so does the sequence, and its first number is given out again. Keys whose first number
    must never be reused (a certificate's) are created with the row they number (a programme).
    """
    name = serial_sequence_name(key, year=year)
    with connection.cursor() as cursor, transaction.atomic():
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"serial:{name}"])
        cursor.execute(f'CREATE SEQUENCE IF NOT EXISTS "{name}" START 1')


def serial_next(key: str, *, year: int | None = None) -> int:
    """One new number of `key`'s sequence (of `year`'s, if given)."""
    return serials_next(key, 1, year=year)[0]


def serial_format(prefix: str, value: int, *, year: int | None = None, part: str = "", width: int = 4) -> str:
    """A readable number: `serial_format("PX", 1, year=2026, part="01")` is PX-2026-01-0001."""
    pieces = [prefix, *([f"{year:04d}"] if year is not None else []), *([part] if part else [])]
    return "-".join([*pieces, f"{value:0{width}d}"])
