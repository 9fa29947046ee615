from django.core.management.base import BaseCommand

from faq import services


class Command(BaseCommand):
    help = "Load the office's FAQ (Japanese and English). Safe to repeat; keeps staff edits."

    def add_arguments(self, parser):
        parser.add_argument(
            "--overwrite", action="store_true", help="Replace staff edits with the seed text."
        )

    def handle(self, *args, overwrite: bool = False, **options):
        counts = services.load_seed(overwrite=overwrite)
        self.stdout.write(
            "FAQ: {created} created, {updated} updated, {kept} kept as they were.".format(**counts)
        )
