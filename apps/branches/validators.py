"""Unified social credit codes (统一社会信用代码, GB 32100-2015)."""

import re

from stdnum.cn import uscc

# 18 characters from the standard's alphabet: digits and capitals without I, O, S, V, Z.
CREDIT_CODE_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{18}$"
_FULL_WIDTH = str.maketrans(
    {chr(0xFF10 + i): str(i) for i in range(10)} | {chr(0xFF21 + i): chr(65 + i) for i in range(26)}
)


def normalize_credit_code(value: str) -> str:
    """What offices type: spaces, dashes, lower case, full-width characters, a leading apostrophe."""
    value = (value or "").translate(_FULL_WIDTH).strip().lstrip("'").upper()
    return re.sub(r"[\s\-]", "", value)


def credit_code_problem(code: str) -> str | None:
    """None when the code is well-formed with a correct check character, else why not (Chinese)."""
    if len(code) != 18:
        return "统一社会信用代码应为 18 位，当前为 %d 位。" % len(code)
    if not re.match(CREDIT_CODE_PATTERN, code):
        return "统一社会信用代码只能包含数字和大写字母（不含 I、O、S、V、Z）。"
    if not uscc.is_valid(code):
        return "统一社会信用代码的校验位不正确，请核对营业执照。"
    return None


def credit_code_is_pilot_era_candidate(code: str) -> bool:
    """Well-formed but failing the checksum: some pilot-era codes are like this."""
    return len(code) == 18 and bool(re.match(CREDIT_CODE_PATTERN, code)) and not uscc.is_valid(code)
