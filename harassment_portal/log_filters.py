"""Logging filters: keep secrets out of log lines."""

from __future__ import annotations

import logging
import re

# Personal links carry a secret in their path; a log line keeps only the route.
SECRET_LINK = re.compile(r"(/seminars/registration/|/dispatch/status/)[^/\s?\"']+")
# Staff search the admin by email address: the search term stays out of the logs too.
SEARCH_TERM = re.compile(r"([?&]q=)[^&\s\"']*")


def redact(text: str) -> str:
    return SEARCH_TERM.sub(r"\1[redacted]", SECRET_LINK.sub(r"\1[redacted]", text))


class RedactSecretLinks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True
