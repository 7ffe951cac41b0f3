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

CITIZEN_ID = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
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


def redact(text: str) -> str:
    text = PG_DETAIL.sub(DETAIL_REMOVED, strip_query_strings(text))
    text = CITIZEN_ID.sub(r"\1********\2", text)
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
