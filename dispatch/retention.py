"""Finished applications lose their contact persons' data after ``RETENTION_DISPATCH_DAYS``.

The documents the applicant uploaded are deleted, files and rows. The organisation itself (name,
address, industry) is not personal data and stays, so the visits used per organisation can
still be counted.
"""

from django.db.models import Exists, OuterRef

from core.retention import RetentionRule, register, register_cleanup

from .information import delete_documents_of
from .models import FINISHED_STATUSES, DispatchApplication, DispatchEvent


def finished_before(cutoff):
    """Finished, and nothing has happened to it since ``cutoff``."""
    since = DispatchEvent.objects.filter(application=OuterRef("pk"), at__gte=cutoff)
    return DispatchApplication.objects.filter(
        status__in=FINISHED_STATUSES, submitted_at__lt=cutoff
    ).exclude(Exists(since))


RULE = RetentionRule(
    label="dispatch applications",
    days_setting="RETENTION_DISPATCH_DAYS",
    due=finished_before,
    blank={
        # The status link stops working (its hash goes too).
        "token": "",
        **dict.fromkeys(
            (
                "representative_name",
                "representative_title",
                "contact_department",
                "contact_name",
                "contact_phone",
                "contact_email",
                "current_measures",
                "support_details",
                "preferred_periods",
                "decision_reason",
                "information_request",
            ),
            "",
        ),
    },
    related=(
        ("events", ("note",)),
        ("visits", ("report", "expert_change_reason")),
    ),
)

register(RULE)


def remove_documents(model, pks) -> None:
    """The applicant's documents go with the personal data: rows now, files on commit."""
    if model is DispatchApplication:
        delete_documents_of(pks)


register_cleanup(remove_documents)
