"""What a personal link or a staff search looks like, to leave it out of logs and screens."""

from __future__ import annotations

import re

# Personal links carry a secret in their path: a seminar registration's signed token, a
# dispatch application's status token, a consultation's case page.
SECRET_LINK = re.compile(
    r"(/seminars/registration/|/dispatch/status/|/consultation/case/)[^/\s?\"'<>]+"
)
# Staff search the admin by email address: the search term stays out of the logs too, and so
# does every query of an admin page (a changelist filter may name an address or a token).
SEARCH_TERM = re.compile(r"([?&]q=)[^&\s\"']*")
ADMIN_QUERY = re.compile(r"(/admin/[^?\s\"']*\?)[^\s\"']*")


def redact(text: str) -> str:
    """``text`` with each personal link's secret and each admin query as ``[redacted]``."""
    text = ADMIN_QUERY.sub(r"\1[redacted]", SECRET_LINK.sub(r"\1[redacted]", text))
    return SEARCH_TERM.sub(r"\1[redacted]", text)
