"""A logging filter that keeps personal data out of log files.

Records may name objects by primary key only. As a second line of defence this filter
masks anything shaped like a citizen ID number or a mainland mobile number.
"""

import logging
import re

CITIZEN_ID = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def redact(text: str) -> str:
    text = CITIZEN_ID.sub(r"\1********\2", text)
    return MOBILE.sub(r"\1****\2", text)


class RedactPersonalDataFilter(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        return True
