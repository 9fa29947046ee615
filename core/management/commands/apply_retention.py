"""Anonymise the personal data whose retention period has passed (``--dry-run`` shows it)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from core import retention


class Command(BaseCommand):
    help = (
        "Anonymise closed consultations, past seminar registrations and finished dispatch "
        "applications whose retention period has passed. Use --dry-run first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be anonymised; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            for due in retention.plan():
                days = getattr(settings, due.rule.days_setting)
                self.stdout.write(
                    f"{due.rule.label}: {due.count} would be anonymised "
                    f"({due.rule.days_setting}={days})"
                )
                for reference in due.references:
                    self.stdout.write(f"  {reference}")
                if due.count > len(due.references):
                    self.stdout.write(f"  ... and {due.count - len(due.references)} more")
            self.stdout.write("Dry run: nothing was changed.")
            return
        for label, count in retention.anonymise_due().items():
            self.stdout.write(f"{label}: {count} anonymised")
