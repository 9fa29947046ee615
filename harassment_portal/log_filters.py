"""Logging filters: keep secrets out of log lines (``core.redaction`` says what a secret is)."""

from __future__ import annotations

import logging

from core.redaction import redact


class RedactSecretLinks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True
