"""Re-encrypt every encrypted value with the newest key, after a new key was put first."""

from django.apps import apps
from django.core.management.base import BaseCommand
from simple_history.models import HistoricalChanges

from core import documents
from core.fields import encrypted_fields, reencrypt


class Command(BaseCommand):
    help = (
        "Re-encrypt personal data with the first key of PORTAL_ENCRYPTION_KEYS and recompute "
        "the search indexes with the first key of PORTAL_SEARCH_KEYS. Afterwards the older "
        "keys can be removed."
    )

    def handle(self, *args, **options):
        for model in rotation_order(apps.get_models()):
            count = reencrypt(model)  # batch by batch, each under its own row locks
            self.stdout.write(f"{model._meta.label}: {count} rows")
        self.stdout.write(f"documents: {documents.rotate_all()} files")
        self.stdout.write(self.style.SUCCESS("Done: the older keys can now be removed."))


def rotation_order(models: list) -> list:
    """The models with encrypted fields, the histories last: a change made while the command
    runs copies its record's stored (possibly not yet rotated) values into the history, so
    the histories are rotated once every record is."""
    encrypted = [model for model in models if encrypted_fields(model)]
    return sorted(encrypted, key=lambda model: issubclass(model, HistoricalChanges))
