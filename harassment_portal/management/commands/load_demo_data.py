from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load everything `make run` shows: the FAQ and the demo data. Safe to repeat."

    def handle(self, *args, **options):
        call_command("load_faq", stdout=self.stdout)
