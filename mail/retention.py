"""The outbox keeps copies of what an email said: retention blanks them with their record."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from core import retention

from .models import OutboxEmail


def blank_emails_about(model: type[models.Model], pks: list) -> None:
    """Blank the address, bodies and attachments of every email about these records."""
    OutboxEmail.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=[str(pk) for pk in pks],
    ).update(
        to_email="",
        to_email_index="",
        body_text="",
        body_html="",
        attachments=[],
        last_error="",
    )


retention.register_cleanup(blank_emails_about)
