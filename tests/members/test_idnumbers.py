"""Citizen ID numbers as office spreadsheets carry them (no database)."""

import datetime as dt
import hashlib
import hmac

import pytest
from stdnum.cn import ric

from apps.members.idnumbers import (
    check_character,
    id_number_hash,
    mask_id_number,
    normalize_id_number,
    region_name,
    validate_id_number,
)

TODAY = dt.date(2026, 3, 5)
# The standard's own example number (GB 11643-1999, appendix): check character X.
GB_EXAMPLE = "11010519491231002X"


def with_check(first17: str) -> str:
    return first17 + check_character(first17)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("32072219881009481x", "32072219881009481X"),
        ("３２０７２２１９７４０５１６０７７８", "320722197405160778"),
        ("３７０１０５１９９４０８２８２６９Ｘ", "37010519940828269X"),
        (" 321322 19950813 989X ", "32132219950813989X"),
        ("'320722199501194926", "320722199501194926"),
        ("\u2018320722199501194926\u200b", "320722199501194926"),
        ("3207\u300022199501194926", "320722199501194926"),  # ideographic space
        (None, ""),
        (320722950319512, "320722950319512"),  # a 15-digit number cell is exact
    ],
)
def test_normalize(raw, expected):
    normalized = normalize_id_number(raw)
    assert normalized.value == expected
    assert normalized.error is None


@pytest.mark.parametrize("raw", [3.207222004020309e17, 320722200402030900, "3.20722E+17", float("nan")])
def test_numbers_rounded_by_excel_cannot_be_recovered(raw):
    normalized = normalize_id_number(raw)
    assert normalized.value == ""
    assert "文本" in normalized.error

    check = validate_id_number(raw, today=TODAY)
    assert not check.is_valid
    assert len(check.errors) == 1
    assert "“文本”格式" in check.errors[0]
    assert "重新录入" in check.errors[0]


def test_valid_number_gives_birth_date_sex_and_region():
    check = validate_id_number(GB_EXAMPLE, today=TODAY)
    assert check.is_valid, check.errors
    assert check.number == GB_EXAMPLE
    assert check.birth_date == dt.date(1949, 12, 31)
    assert check.sex == "female"  # 17th digit 2 is even
    assert check.region == "北京市朝阳区"


def test_sex_follows_the_17th_digit():
    assert validate_id_number("320722198101021810", today=TODAY).sex == "male"  # 1: odd
    assert validate_id_number("320722199705013760", today=TODAY).sex == "female"  # 6: even


def test_lower_case_x_and_full_width_numbers_validate():
    assert validate_id_number("32072219881009481x", today=TODAY).number == "32072219881009481X"
    assert validate_id_number("３２０７２２１９７４０５１６０７７８", today=TODAY).is_valid


def test_check_character():
    assert check_character(GB_EXAMPLE[:17]) == "X"
    assert check_character("32072219810102181") == "0"


def test_wrong_check_character_is_reported():
    check = validate_id_number("320722198101021811", today=TODAY)
    assert check.errors == [check.errors[0]]
    assert "校验" in check.errors[0]
    # still readable parts are filled in for display
    assert check.birth_date == dt.date(1981, 1, 2)
    assert check.well_formed


@pytest.mark.parametrize(
    ("first17", "words"),
    [
        ("34132119821332444", "不是有效日期"),  # month 13
        ("32072219810230181", "不是有效日期"),  # 30 February
        ("32072218991231181", "早于 1900 年"),
        ("32072220270101181", "晚于今天"),
    ],
)
def test_impossible_birth_dates(first17, words):
    check = validate_id_number(with_check(first17), today=TODAY)
    assert check.birth_date is None
    assert len(check.errors) == 1
    assert words in check.errors[0]


def test_unknown_region_code():
    check = validate_id_number(with_check("99999919810102181"), today=TODAY)
    assert len(check.errors) == 1
    assert "前 6 位" in check.errors[0] and "地区代码" in check.errors[0]
    assert "999999" not in check.errors[0]  # no part of the number is quoted back


def test_region_code_created_after_the_birth_year_is_accepted():
    # 东海县 has been 320722 since 1983; people born there earlier were issued 320722 numbers.
    number = "320722197509130995"
    assert not ric.is_valid(number)  # python-stdnum insists the code existed in the birth year
    check = validate_id_number(number, today=TODAY)
    assert check.is_valid, check.errors
    assert check.region == "江苏省东海县"
    assert region_name("320722") == "江苏省东海县"
    assert region_name("999999") is None


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("", "未填写"),
        ("320722950319512", "旧版 15 位"),
        ("320722199503195", "当前为 15 位"),
        ("3207221981010218100", "当前为 19 位"),
    ],
)
def test_length(raw, words):
    check = validate_id_number(raw, today=TODAY)
    assert len(check.errors) == 1
    assert words in check.errors[0]
    if raw:
        assert "长度应为 18 位" in check.errors[0]


def test_bad_characters():
    check = validate_id_number("32072219810102181O", today=TODAY)  # letter O for zero
    assert len(check.errors) == 1
    assert check.errors[0].startswith("含有不允许的字符（") and "O" not in check.errors[0]
    assert not check.well_formed
    assert validate_id_number("3207221981X102181X", today=TODAY).errors[0].startswith("含有不允许的字符（")


def test_mask():
    assert mask_id_number("32072219881009481x") == "320722**********1X"
    assert mask_id_number(" 321322 19950813 989X ") == "321322**********9X"
    assert mask_id_number("12345") == "*****"


def test_hash_is_keyed_and_normalized():
    key = b"test-key"
    expected = hmac.new(key, b"32072219881009481X", hashlib.sha256).hexdigest()
    assert id_number_hash("32072219881009481X", key) == expected
    assert id_number_hash(" 32072219881009481x", key) == expected
    assert id_number_hash("３２０７２２１９８８１００９４８１Ｘ", key) == expected
    assert id_number_hash("32072219881009481X", b"other-key") != expected
    assert len(expected) == 64


@pytest.mark.parametrize(("number", "key"), [("", b"k"), (3.207222004020309e17, b"k"), ("32072219881009481X", b"")])
def test_hash_refuses_nothing_to_hash(number, key):
    with pytest.raises(ValueError):
        id_number_hash(number, key)
