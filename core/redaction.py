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
# A person's own Zoom join link carries its secret in ``tk=`` (it joins as that person).
ZOOM_JOIN_TOKEN = re.compile(r"(zoom\.us/w/[0-9]+\?(?:[^\s\"'<>]*&)?tk=)[^&\s\"'<>]+")


def redact(text: str, *, placeholder: str = "[redacted]") -> str:
    """``text`` with each personal link's secret and each admin query as ``placeholder``
    (``[redacted]`` in logs; a translated word on a staff screen)."""

    def hidden(match: re.Match) -> str:
        return match.group(1) + placeholder

    for pattern in (SECRET_LINK, ZOOM_JOIN_TOKEN, ADMIN_QUERY, SEARCH_TERM):
        text = pattern.sub(hidden, text)
    return text
