"""Logging filters that keep personal data out of log files.

Records may name objects by primary key only. Query strings are where personal data reaches a
log by accident (a search in a URL, an old bookmark, an attacker's probe), so every URL in a
record loses its query string, and the development server's request lines with it. As a
second line of defence anything shaped like a citizen ID number or a mainland mobile number is
masked, in the message and in a traceback, and a database error's DETAIL line (the failing
row's values) is removed.

No Django import here: gunicorn's configuration (gunicorn.conf.py) uses this module too.
"""

import logging
import re

# A number standing on its own: not part of a longer number, a decimal ("succeeded in
# 0.13912345678s", Celery's runtimes), a hex id (a task's UUID) or a word ("13912345678ms").
_ALONE_BEFORE = r"(?<![0-9A-Za-z.])"
_ALONE_AFTER = r"(?![0-9A-Za-z]|\.\d)"
CITIZEN_ID = re.compile(_ALONE_BEFORE + r"(\d{6})(\d{8})(\d{3}[\dXx])" + _ALONE_AFTER)
MOBILE = re.compile(_ALONE_BEFORE + r"((?:\+?86[- ]?)?1[3-9]\d)\d{4}(\d{4})" + _ALONE_AFTER)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARACTERS = "10X98765432"
# A path (or absolute URL) followed by a query string: what a request line or a Referer holds.
URL_QUERY = re.compile(r"((?:[a-z][a-z0-9+.-]*://[^\s/?#\"'<>]+)?/[^\s?#\"'<>]*)\?[^\s#\"'<>]*", re.IGNORECASE)
QUERY_REMOVED = "?[query removed]"
# PostgreSQL's DETAIL line of an error names the failing row's values ("Failing row contains
# (...)", "Key (id_hash)=(...) already exists"): names, birth dates, ID numbers.
# Up to the end of the line, or of an escaped line ("\\n") in the repr of an exception.
PG_DETAIL = re.compile(r"DETAIL:(?:(?!\\n)[^\n])*")
DETAIL_REMOVED = "DETAIL: [removed]"


def strip_query_strings(text: str) -> str:
    return URL_QUERY.sub(lambda match: match.group(1) + QUERY_REMOVED, text)


def looks_like_citizen_id(region: str, birth: str, rest: str) -> bool:
    """18 characters that are a citizen ID number: the check character (GB 11643) is right, or
    the middle eight digits are a birth date (a mistyped number is still someone's). Another
    18-digit number (a large count, a sum of durations in nanoseconds) is left as it is."""
    number = region + birth + rest
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK_CHARACTERS[total % 11] == number[17].upper():
        return True
    year, month, day = int(birth[:4]), int(birth[4:6]), int(birth[6:])
    return 1900 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= 31


def _mask_citizen_id(match: re.Match) -> str:
    region, birth, rest = match.groups()
    return f"{region}********{rest}" if looks_like_citizen_id(region, birth, rest) else match.group()


def redact(text: str) -> str:
    text = PG_DETAIL.sub(DETAIL_REMOVED, strip_query_strings(text))
    text = CITIZEN_ID.sub(_mask_citizen_id, text)
    return MOBILE.sub(r"\1****\2", text)


class RedactPersonalDataFilter(logging.Filter):
    """Rewrites the record it lets through: message, traceback and stack without personal data."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: let the handler report it as logging would
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class OneLineRefusalFilter(logging.Filter):
    """A refused request (403, 400) is one line in the log, not a traceback.

    Django's django.request logs "Forbidden (Permission denied): /path" with the
    PermissionDenied's traceback, and django.security a SuspiciousOperation's; a refusal is the
    portal working as meant, so the line stays (who was refused where) and the traceback goes.
    A server error (500) keeps its traceback.
    """

    def filter(self, record):
        if getattr(record, "status_code", None) in (400, 403):
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
