"""Registrations lose their personal data ``RETENTION_REGISTRATION_DAYS`` after the session."""

from core.retention import RetentionRule, register

from .models import Registration

RULE = RetentionRule(
    label="seminar registrations",
    days_setting="RETENTION_REGISTRATION_DAYS",
    due=lambda cutoff: Registration.objects.filter(seminar__ends_at__lt=cutoff),
    blank={
        **dict.fromkeys(
            ("name", "name_kana", "organisation", "department", "phone", "question"), ""
        ),
        # One active registration per address and session: each gets its own stand-in.
        "email": lambda registration: f"anonymised-{registration.pk}@example.invalid",
        # The personal link stops working (its hash goes too).
        "token": "",
        # The person's own Zoom join link and Zoom's id for them (retention runs long after
        # the session; Zoom keeps its own registrant list by its own retention).
        "zoom_join_url": "",
        "zoom_registrant_id": "",
    },
)

register(RULE)
