from io import StringIO

import segno
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from backoffice.two_factor import enrol_totp


class Command(BaseCommand):
    help = (
        "Set up two-factor login for a staff member: replace their authenticator device with a "
        "new one and print its set-up address and QR code (for the first administrator, or a "
        "lost phone)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="The staff member's username.")
        parser.add_argument("--name", default="Authenticator app", help="A name for the device.")
        parser.add_argument("--no-qr", action="store_true", help="Print the address only.")

    def handle(self, *args, username: str, name: str, no_qr: bool, **options):
        User = get_user_model()
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"There is no user {username!r}.") from None
        if not user.is_staff:
            raise CommandError(f"{username!r} is not a staff account.")
        device = enrol_totp(user, name=name)
        url = device.config_url
        self.stdout.write(f"Authenticator device set up for {username!r}; any older one is gone.")
        self.stdout.write("Scan the QR code in the app, or enter this address:")
        self.stdout.write(url)
        if not no_qr:
            picture = StringIO()
            segno.make(url, error="m").terminal(out=picture, compact=True)
            self.stdout.write(picture.getvalue())
        self.stdout.write(
            "Show this only to that person, then clear the terminal: the code is their secret."
        )
