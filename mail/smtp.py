"""This process's connection to the mail server, kept open from one email to the next.

A new connection per email costs more than the email (``make bench``): the connection is
closed after any error, replaced when it has been idle for ``IDLE_REUSE`` or the settings
changed, and closed when the worker stops (``tasks``).
"""

from __future__ import annotations

import logging
import smtplib
import threading
import time

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend

from . import mime

logger = logging.getLogger(__name__)

# An open SMTP connection is reused only if its last email went out this recently: well inside
# the five minutes RFC 5321 asks a server to wait, so an idle-dropped one is never written to.
IDLE_REUSE = 30.0  # seconds


class _Smtp(threading.local):
    backend: BaseEmailBackend | None = None
    configuration: tuple = ()
    last_used = 0.0


_smtp = _Smtp()


def _configuration() -> tuple:
    return tuple(
        getattr(settings, name, None)
        for name in (
            "EMAIL_BACKEND",
            "EMAIL_HOST",
            "EMAIL_PORT",
            "EMAIL_HOST_USER",
            "EMAIL_USE_TLS",
            "EMAIL_USE_SSL",
        )
    )


def send(message: mime.OutboxMessage) -> None:
    """Send over this process's open connection, opening one if needed.

    A kept connection the server has meanwhile closed (an idle timeout) is opened again and
    the message sent on the new one, instead of counting as a failed attempt.
    """
    if _smtp.backend is not None and (
        _smtp.configuration != _configuration() or time.monotonic() - _smtp.last_used > IDLE_REUSE
    ):
        close()
    reused = _smtp.backend is not None
    try:
        _open_if_needed().send_messages([message])
    except (smtplib.SMTPServerDisconnected, ConnectionError):
        if not reused:
            raise
        close()
        _open_if_needed().send_messages([message])
    _smtp.last_used = time.monotonic()


def _open_if_needed() -> BaseEmailBackend:
    if _smtp.backend is None:
        backend = get_connection()
        backend.open()
        _smtp.backend, _smtp.configuration = backend, _configuration()
    return _smtp.backend


def close() -> None:
    """Close this process's mail server connection, if any (after an error, on shutdown)."""
    backend, _smtp.backend = _smtp.backend, None
    if backend is not None:
        try:
            backend.close()
        except Exception:  # a broken connection may fail to say goodbye; it is dropped anyway
            logger.info("mail server connection closed uncleanly")
