"""Closed consultations lose their personal data after ``RETENTION_CONSULTATION_DAYS``."""

from harassment_portal.retention import RetentionRule

from .models import Consultation, Status

RULE = RetentionRule(
    label="consultations",
    days_setting="RETENTION_CONSULTATION_DAYS",
    due=lambda cutoff: Consultation.objects.filter(status=Status.CLOSED, closed_at__lt=cutoff),
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
        ),
        "",
    ),
    related=(
        ("notes", ("text",)),
        ("replies", ("body",)),
        ("calls", ("summary",)),
        ("events", ("note",)),
    ),
)
