from django.core.management import call_command
from django.core.management.base import BaseCommand

from consultations.demo import create_demo_consultations
from dispatch.demo import create_demo_dispatch
from seminars.demo import create_demo_series


class Command(BaseCommand):
    help = "Load everything `make run` shows: the FAQ and the demo data. Safe to repeat."

    def handle(self, *args, **options):
        call_command("load_faq", stdout=self.stdout)
        created = create_demo_consultations()
        self.stdout.write(f"Demo consultations: {created} created.")
        self.stdout.write(f"Demo seminar sessions: {create_demo_series()} created.")
        self.stdout.write(f"Demo dispatch applications: {create_demo_dispatch()} created.")
