"""The log masker hides personal numbers and leaves every other number alone.

An ID number (18 characters: a right check character, or a birth date in the middle) and a
mobile (1[3-9] and nine digits, with or without +86) are masked; a runtime ("succeeded in
0.13912345678s"), a duration, a count, a primary key, a task's UUID are not.
"""

import pytest

from apps.core.logging import looks_like_citizen_id, redact
from tests.factories import valid_id_number


@pytest.mark.parametrize(
    "text",
    [
        "Task apps.core.tasks.run_export_job[3f2504e0-4f89-11d3-9a0c-0305e82c3301] succeeded in 0.0123456789s: None",
        "Task x[6b1d8c2a-13c4-4e0b-a1d2-13812345678f] succeeded in 0.13912345678s: None",
        "export job 42 wrote 150123 rows in 13812345678ms",
        "member 120 updated, 3000 rows, 2026-12-02 12:38:00",
        "count 123456789012345678",  # 18 digits, neither a check character nor a birth date
        "took 13812345678.25 s",
        "sum 987654321098765432 ns",
        "GET /members/1368/ HTTP/1.1 200 13912",
    ],
)
def test_numbers_that_are_not_personal_data_are_left_alone(text):
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("mobile 13812345678", "mobile 138****5678"),
        ("手机13812345678，请回电", "手机138****5678，请回电"),
        ("tel +8613812345678", "tel +86138****5678"),
        ("phone=13812345678&x=1", "phone=138****5678&x=1"),
        ("id 32072219800101123X", "id 320722********123X"),
        ("身份证号码:110105194912310021。", "身份证号码:110105********0021。"),
    ],
)
def test_mobiles_and_id_numbers_are_still_masked(text, masked):
    assert redact(text) == masked


def test_an_id_number_with_a_right_check_character_is_masked_whatever_its_date():
    number = valid_id_number(4242)
    assert looks_like_citizen_id(number[:6], number[6:14], number[14:])
    assert number not in redact(f"member {number} imported")
    # A mistyped check character with a birth date: still someone's number.
    typo = number[:17] + ("0" if number[17] != "0" else "1")
    assert typo not in redact(f"member {typo}")


def test_an_eighteen_digit_number_without_either_is_not_an_id_number():
    assert not looks_like_citizen_id("123456", "78901234", "5678")
