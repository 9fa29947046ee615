from django.core.management.base import BaseCommand
from django.db import transaction

from mail import outbox


class Command(BaseCommand):
    help = "Queue a test email through the outbox, to check the mail set-up end to end."

    def add_arguments(self, parser):
        parser.add_argument("to", help="Recipient address.")
        parser.add_argument("--language", default="ja", choices=["ja", "en"])

    def handle(self, *args, to: str, language: str, **options):
        with transaction.atomic():
            email = outbox.queue_email(
                to=to, template="emails/test_message", context={}, language=language
            )
        self.stdout.write(f"Queued outbox email #{email.pk}.")
