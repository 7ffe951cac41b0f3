"""Serial numbers from PostgreSQL sequences: formats, per key and year, created on first use
under concurrency, never the same number twice (gaps allowed)."""

import re
import threading
import uuid

import pytest
from django.db import connection, transaction

from apps.core.serials import serial_format, serial_next, serial_sequence_name, serials_next


def fresh_key() -> str:
    return f"test_{uuid.uuid4().hex[:10]}"


def drop(*names):
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f'DROP SEQUENCE IF EXISTS "{name}"')


def test_formats():
    assert serial_format("PX", 1, year=2026, part="01") == "PX-2026-01-0001"
    assert serial_format("SJ", 12345, year=2026) == "SJ-2026-12345"
    assert serial_format("TS", 7, year=2026, width=6) == "TS-2026-000007"
    assert serial_sequence_name("complaints_tracking") == "complaints_tracking_serial"
    assert serial_sequence_name("receipts", year=2026) == "receipts_2026_serial"
    for bad in ("", "Receipts", "1st", "a-b", "a;drop", "x" * 42):
        with pytest.raises(ValueError, match="key"):
            serial_sequence_name(bad)
    with pytest.raises(ValueError, match="year"):
        serial_sequence_name("receipts", year=9999)


@pytest.mark.django_db
def test_a_key_starts_at_one_on_first_use_and_restarts_each_year():
    key = fresh_key()
    assert serial_next(key) == 1
    assert serials_next(key, 4) == [2, 3, 4, 5]
    assert serials_next(key, 0) == []
    assert [serial_next(key, year=2026), serial_next(key, year=2026)] == [1, 2]
    assert serial_next(key, year=2027) == 1
    assert serial_format("PX", serial_next(key, year=2026), year=2026, part="01") == "PX-2026-01-0003"


@pytest.mark.django_db
def test_the_existing_numbers_keep_their_formats():
    from apps.complaints.services import _next_tracking_number
    from apps.members.services import card_numbers_issue

    first, second = _next_tracking_number(2026), _next_tracking_number(2027)
    assert re.fullmatch(r"TS-2026-\d{6}", first) and re.fullmatch(r"TS-2027-\d{6}", second)
    assert int(second[-6:]) == int(first[-6:]) + 1  # one series across years, as before
    cards = card_numbers_issue([2019, 2026, 2026])
    assert [card[:6] for card in cards] == ["DH2019", "DH2026", "DH2026"]
    serials = [int(card[6:]) for card in cards]
    assert all(re.fullmatch(r"DH\d{10}", card) for card in cards) and serials == sorted(set(serials))


@pytest.mark.django_db
def test_a_card_number_taken_by_an_imported_roster_is_skipped():
    from apps.members.services import card_numbers_issue

    upcoming = serial_next("members_card") + 1
    taken = f"DH2026{upcoming:06d}"
    assert card_numbers_issue([2026], file_cards={taken}) == [f"DH2026{upcoming + 1:06d}"]


def _in_threads(work, n=2):
    barrier = threading.Barrier(n, timeout=30)
    got, errors = [], []

    def run():
        try:
            got.append(work(barrier))
        except Exception as exc:  # reported by the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return got, errors


@pytest.mark.django_db(transaction=True)
def test_two_first_uses_at_once_create_the_sequence_once():
    key = fresh_key()

    def draw(barrier):
        with transaction.atomic():
            barrier.wait()
            return serials_next(key, 3, year=2026)

    try:
        got, errors = _in_threads(draw)
        assert errors == []
        assert sorted(n for numbers in got for n in numbers) == [1, 2, 3, 4, 5, 6]
    finally:
        drop(serial_sequence_name(key, year=2026))


@pytest.mark.django_db(transaction=True)
def test_two_open_transactions_get_different_numbers():
    key = fresh_key()
    serial_next(key)

    def draw(barrier):
        with transaction.atomic():
            barrier.wait()
            numbers = serials_next(key, 3)
            barrier.wait()  # both hold their transaction open until both have drawn
            return numbers

    try:
        got, errors = _in_threads(draw)
        assert errors == []
        assert sorted(n for numbers in got for n in numbers) == [2, 3, 4, 5, 6, 7]
    finally:
        drop(serial_sequence_name(key))


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_leaves_a_gap_not_a_repeat():
    key = fresh_key()
    try:
        serial_next(key)  # the sequence exists (and is committed) from here on
        with pytest.raises(RuntimeError), transaction.atomic():
            assert serial_next(key) == 2
            raise RuntimeError("rolled back")
        assert serial_next(key) == 3
    finally:
        drop(serial_sequence_name(key))
