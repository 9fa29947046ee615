"""Answers kept in the session between pages (a draft being checked, what was typed before a
switch of language): encrypted there like the stored records, since the session table is in the
database, and for a visitor two hours at most (the computer may be shared)."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from core import encryption

MAX_AGE = 2 * 60 * 60  # seconds


def store(session, key: str, value: Any) -> int:
    """Keep ``value`` (JSON) under ``key``; the size of its text, in characters."""
    # UTF-8 as is: Japanese answers escaped as \uXXXX would take twice the space
    text = json.dumps(value, ensure_ascii=False, default=str)
    session[key] = encryption.encrypt(text)
    return len(text)


def load(session, key: str) -> Any | None:
    """What ``store`` kept under ``key``; None if nothing, or made with a key since removed."""
    token = session.get(key)
    if not isinstance(token, str):
        return None
    try:
        return json.loads(encryption.decrypt(token))
    except ImproperlyConfigured:  # start again
        return None


def keep_two_hours(request: HttpRequest) -> bool:
    """Two hours from now for a visitor's session (staff logged in keep their own); whether it
    was set."""
    if request.user.is_authenticated:
        return False
    request.session.set_expiry(MAX_AGE)
    return True
