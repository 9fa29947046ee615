"""Finished consultations lose their personal data after ``RETENTION_CONSULTATION_DAYS``."""

from django.db.models import Q

from core.retention import RetentionRule, register

from .models import DISCARDED, Consultation, Status

RULE = RetentionRule(
    label="consultations",
    days_setting="RETENTION_CONSULTATION_DAYS",
    # Closed, or referred elsewhere and left so (nothing has changed since); spam and
    # duplicates at the first run after they were marked (the original keeps the account).
    due=lambda cutoff: Consultation.objects.filter(
        Q(status=Status.CLOSED, closed_at__lt=cutoff)
        | Q(status=Status.OUT_OF_SCOPE, updated_at__lt=cutoff)
        | Q(status__in=DISCARDED)
    ),
    blank=dict.fromkeys(
        (
            "name",
            "email",
            "phone",
            "organisation",
            "job_role",
            "details",
            "tried_so_far",
            "referral",
            "token",
        ),
        "",
    ),
    related=(
        ("notes", ("text",)),
        ("replies", ("body", "return_note")),
        ("calls", ("summary",)),
        ("events", ("note",)),
        ("messages", ("body",)),
    ),
)

register(RULE)
