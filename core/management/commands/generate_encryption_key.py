"""Print a new key for PORTAL_ENCRYPTION_KEYS."""

from django.core.management.base import BaseCommand

from core.encryption import generate_key


class Command(BaseCommand):
    help = "Print a new random key for PORTAL_ENCRYPTION_KEYS (put it first, then rotate)."

    def handle(self, *args, **options):
        self.stdout.write(generate_key())
