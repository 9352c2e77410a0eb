"""Print the current two-factor code of a demo user, so the demo can be tried without a phone."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations.demo import DEMO_TOTP_KEY_HEX


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo user (only for devices made by seed_demo)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: object, username: str, **options: object) -> None:
        device = TOTPDevice.objects.filter(user__username=username, key=DEMO_TOTP_KEY_HEX, confirmed=True).first()
        if device is None:
            raise CommandError(f"{username} has no demo authenticator; only seed_demo's users do.")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
        self.stdout.write(f"{code:0{device.digits}d}")
