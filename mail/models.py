"""The outbox: every email the portal sends, stored with the change that caused it."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.constraints import ChoicesConstraint
from core.fields import BlindIndexed, EncryptedEmailField, EncryptedTextField


class OutboxEmailQuerySet(models.QuerySet):
    def pending(self) -> OutboxEmailQuerySet:
        return self.filter(status=OutboxEmail.Status.PENDING)

    def due(self, *, now: dt.datetime) -> OutboxEmailQuerySet:
        return self.pending().filter(next_attempt_at__lte=now)

    def about(self, obj: models.Model) -> OutboxEmailQuerySet:
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )


class OutboxEmail(BlindIndexed, models.Model):
    """One email, rendered and stored with the business change that caused it, then sent.

    ``next_attempt_at`` is when the sweeper may queue the row again: shortly after creation
    (in case the broker was down), or after a failure's back-off.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed (gave up)")

    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # The address and the bodies are encrypted at rest: a reply quotes the consultation.
    to_email = EncryptedEmailField(_("recipient"))
    to_email_index = models.CharField(max_length=64, db_index=True, editable=False, default="")
    language = models.CharField(_("language"), max_length=5)
    template = models.CharField(_("template"), max_length=200)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = EncryptedTextField(_("text body"))
    body_html = EncryptedTextField(_("HTML body"), blank=True)
    # Text attachments such as a calendar file: [{"filename", "content", "mimetype"}].
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, unique=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("about")
    )
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    about = GenericForeignKey("content_type", "object_id")

    objects = OutboxEmailQuerySet.as_manager()
    blind_indexed = ("to_email",)
    # The record the email is about while it is rendered (perhaps not saved yet): ``store``
    # resolves it to ``content_type`` and ``object_id``. Not a column.
    record: models.Model | None = None

    class Meta:
        verbose_name = _("outbox email")
        verbose_name_plural = _("outbox emails")
        db_table = "harassment_portal_outboxemail"  # the table it had before the mail app
        ordering = ["-created_at"]
        permissions = [
            ("resend_outboxemail", _("Can send outbox emails again")),
            # The personal links in an email act as the person (cancel a registration...):
            # only those who may act for anyone see them (Administrators).
            ("see_personal_links", _("Can see the personal links in outbox emails")),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
            models.Index(fields=["content_type", "object_id"], name="outbox_about_idx"),
            # The outbox list's filter by template (core.admin.IndexedValuesListFilter).
            models.Index(fields=["template"], name="outbox_template_idx"),
        ]
        constraints = [
            ChoicesConstraint(
                field="status", values=["pending", "sent", "failed"], name="outbox_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.template} ({self.get_status_display()})"
