"""Chinese citizen identity numbers (公民身份号码, GB 11643-1999), as office spreadsheets carry them.

Pure Python, no database: used by the roster import and by forms. Every message is Simplified Chinese,
says what is wrong and how to fix it, and carries no field label, so callers can prefix one
(the roster import writes "身份证号码：…").
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from stdnum import numdb

ID_LENGTH = 18
Sex = Literal["male", "female"]

# Excel keeps 15 significant digits, so a number cell holding more digits than this has been rounded.
_EXCEL_DIGITS = 15
# Text like "3.20722E+17": a rounded number pasted back in as text.
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$")
# Characters copied from web pages and chat apps that are invisible in a cell.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
# The apostrophe Excel users type to force text, and its typographic look-alikes.
_APOSTROPHES = "'\u2018\u2019`"
# ISO 7064 MOD 11-2 weights for the first 17 digits: 2**(17 - i) mod 11.
_WEIGHTS = tuple(pow(2, ID_LENGTH - 1 - i, 11) for i in range(ID_LENGTH - 1))
_CHECK_CHARS = "10X98765432"
_DIGITS = "0123456789"
_WELL_FORMED = re.compile(r"[0-9]{17}[0-9X]")
_EARLIEST_BIRTH = dt.date(1900, 1, 1)
# China has kept UTC+8 without daylight saving since 1991; no tz database needed for "today".
_CHINA = dt.timezone(dt.timedelta(hours=8))

ROUNDED_NUMBER_MESSAGE = (
    "该单元格是数字格式，Excel 已把 18 位号码四舍五入，后几位已丢失、无法恢复。"
    "请把这一列设置为“文本”格式后，按证件重新录入号码。"
)


def china_today() -> dt.date:
    """Today's date in China, whatever the server's time zone."""
    return dt.datetime.now(_CHINA).date()


@dataclass(frozen=True)
class NormalizedId:
    """A cell value reduced to the characters of an ID number.

    ``value`` is upper case ASCII without spaces (not necessarily valid); ``error`` is set when the
    number cannot be recovered at all (Excel has rounded it), and then ``value`` is "".
    """

    value: str
    error: str | None = None


@dataclass
class IdCheck:
    """Result of :func:`validate_id_number`. ``number`` is the cleaned text even when invalid."""

    number: str
    birth_date: dt.date | None = None
    sex: Sex | None = None
    region: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def well_formed(self) -> bool:
        """18 characters of the right kinds, whatever the checksum, date and region say."""
        return _well_formed(self.number)


def normalize_id_number(raw: object) -> NormalizedId:
    """Clean what a spreadsheet cell or a form holds into the bare characters of an ID number."""
    if raw is None or isinstance(raw, bool):
        return NormalizedId("")
    if isinstance(raw, int | float):
        return _normalize_number(raw)
    # NFKC turns full-width digits/letters ("３２０７…Ｘ") and the ideographic space into ASCII.
    text = unicodedata.normalize("NFKC", str(raw)).translate(_INVISIBLE)
    text = "".join(text.split()).lstrip(_APOSTROPHES).upper()
    if _SCIENTIFIC.match(text):
        return NormalizedId("", ROUNDED_NUMBER_MESSAGE)
    return NormalizedId(text)


def _normalize_number(raw: int | float) -> NormalizedId:
    # A numeric cell: short integers are exact and get the ordinary checks (a 15-digit old number
    # should be told "长度应为 18 位"); anything longer than Excel's 15 digits has lost its tail.
    if not math.isfinite(raw):
        return NormalizedId("", ROUNDED_NUMBER_MESSAGE)
    if raw == int(raw):
        digits = str(abs(int(raw)))
        if len(digits) > _EXCEL_DIGITS:
            return NormalizedId("", ROUNDED_NUMBER_MESSAGE)
        return NormalizedId(digits)
    return NormalizedId(str(raw))


def _well_formed(number: str) -> bool:
    # [0-9], not str.isdigit() or \d: those also accept digits of other scripts and superscripts.
    return _WELL_FORMED.fullmatch(number) is not None


def check_character(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def region_name(code: str, year: int | None = None) -> str | None:
    """Province and county for a 6-digit administrative code, or None when the code never existed.

    Uses python-stdnum's table of every code since 1980. Unlike ``stdnum.cn.ric.validate`` this
    does not require the code to have existed in the birth year: numbers are issued under the
    code of the place of registration at issue time, so someone born in 1975 in 东海县 carries
    320722, a code created in 1983. ``year`` only picks which historic name to show.
    """
    props = _region_props(code)
    if props is None:
        return None
    return props.get("province", "") + _county_name(props["county"], year)


@functools.lru_cache(maxsize=8192)
def _region_props(code: str) -> dict[str, str] | None:
    # A county has a few dozen codes and a roster thousands of rows: look each code up once.
    if len(code) != 6 or not all(c in _DIGITS for c in code):
        return None
    props: dict[str, str] = {}
    for _part, part_props in numdb.get("cn/loc").info(code):
        props.update(part_props)
    return props if "county" in props else None


def _county_name(entry: str, year: int | None) -> str:
    # Entries look like "东城区", "[1983-]东海县" or "[-1982]甲县,[1983-]乙县"; with no match for
    # the year the newest name wins.
    names: list[tuple[str, str, str]] = []
    for item in entry.split(","):
        if item.startswith("[") and "]" in item:
            span, name = item[1:].split("]", 1)
            start, _, end = span.partition("-")
            names.append((start, end, name))
        else:
            names.append(("", "", item))
    if year is not None:
        for start, end, name in names:
            if (not start or year >= int(start)) and (not end or year <= int(end)):
                return name
    return names[-1][2]


def validate_id_number(raw: object, *, today: dt.date | None = None) -> IdCheck:
    """Check a raw value as an 18-character citizen ID number; problems come back in ``errors``.

    Length, characters, check character, birth date (real, not before 1900, not in the future) and
    region code are checked. Sex and birth date are filled in whenever they can be read, even if
    another part is wrong, so callers can still show them.
    """
    normalized = normalize_id_number(raw)
    check = IdCheck(number=normalized.value)
    if normalized.error:
        check.errors.append(normalized.error)
        return check
    number = normalized.value
    if not number:
        check.errors.append("未填写，请填写 18 位公民身份号码。")
        return check
    if len(number) != ID_LENGTH:
        check.errors.append(_length_message(number))
        return check
    if not _well_formed(number):
        # The characters are not quoted: a shifted column would put a name or a note here.
        check.errors.append(
            "含有不允许的字符（汉字、空格或标点等）。前 17 位只能是数字，最后一位是数字或字母 X，请核对证件后重新填写。"
        )
        return check

    # From here the number is well-formed: report every independent problem at once.
    check.sex = "male" if int(number[16]) % 2 else "female"
    if check_character(number[:17]) != number[17]:
        check.errors.append("校验位（最后一位）不正确，说明号码中有错录的数字，请对照证件逐位核对后重新填写。")
    birth_text = number[6:14]
    try:
        birth = dt.date(int(birth_text[:4]), int(birth_text[4:6]), int(birth_text[6:]))
    except ValueError:
        # The messages name the digits, never the date they spell: a report or a log line must
        # not carry anyone's birth year or month.
        check.errors.append("第 7–14 位（出生日期）不是有效日期，请核对证件后重新填写。")
    else:
        today = today or china_today()
        if birth > today:
            check.errors.append("第 7–14 位（出生日期）晚于今天，请核对证件后重新填写。")
        elif birth < _EARLIEST_BIRTH:
            check.errors.append("第 7–14 位（出生日期）早于 1900 年，请核对证件后重新填写。")
        else:
            check.birth_date = birth
    region = region_name(number[:6], check.birth_date.year if check.birth_date else None)
    if region is None:
        check.errors.append("前 6 位（地区代码）不是有效的行政区划代码，请核对证件后重新填写。")
    else:
        check.region = region
    return check


def _length_message(number: str) -> str:
    if _looks_like_old_number(number):
        return "长度应为 18 位，当前为 15 位（旧版 15 位号码已停用），请按第二代居民身份证上的 18 位号码填写。"
    hint = "可能漏录了数字" if len(number) < ID_LENGTH else "可能多录了字符"
    return f"长度应为 18 位，当前为 {len(number)} 位（{hint}），请核对证件后重新填写。"


def _looks_like_old_number(number: str) -> bool:
    # Pre-1999 numbers: 15 digits with a two-digit birth year (YYMMDD at digits 7–12). A truncated
    # 18-digit number has "19" or "20" there instead, which rarely passes as a month and day.
    if len(number) != 15 or not all(c in _DIGITS for c in number):
        return False
    try:
        dt.date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    except ValueError:
        return False
    return True


def mask_id_number(number: object) -> str:
    """Show the first 6 and last 2 characters only, e.g. '320722**********1X'."""
    value = normalize_id_number(number).value
    if len(value) <= 8:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 8) + value[-2:]


def id_number_hash(number: object, key: bytes) -> str:
    """Keyed HMAC-SHA256 (hex) of the normalized number, for exact-match lookups.

    Keyed, because the ID space is small enough to brute-force a plain hash. Raises ValueError
    for an empty key or a value with nothing to hash (blank, or rounded by Excel).
    """
    if not key:
        raise ValueError("id_number_hash needs a non-empty key")
    normalized = normalize_id_number(number)
    if normalized.error or not normalized.value:
        raise ValueError("nothing to hash: the ID number is blank or unrecoverable")
    return hmac.new(key, normalized.value.encode("ascii", "backslashreplace"), hashlib.sha256).hexdigest()
