"""Email backends for tests that need the mail server to fail."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    """Behaves like an SMTP server that refuses every message for now."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPDataError(451, b"Requested action aborted: try again later")
