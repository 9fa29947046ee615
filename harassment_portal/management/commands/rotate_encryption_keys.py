"""Re-encrypt every encrypted value with the newest key, after a new key was put first."""

from django.apps import apps
from django.core.management.base import BaseCommand

from harassment_portal.fields import encrypted_fields, reencrypt


class Command(BaseCommand):
    help = (
        "Re-encrypt personal data with the first key of PORTAL_ENCRYPTION_KEYS and recompute "
        "the search indexes with the first key of PORTAL_SEARCH_KEYS. Afterwards the older "
        "keys can be removed."
    )

    def handle(self, *args, **options):
        for model in apps.get_models():
            if not encrypted_fields(model):
                continue
            count = reencrypt(model)  # batch by batch, each under its own row locks
            self.stdout.write(f"{model._meta.label}: {count} rows")
        self.stdout.write(self.style.SUCCESS("Done: the older keys can now be removed."))
