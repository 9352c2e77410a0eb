"""Reset a user's two-factor authentication, for the IT service desk: logged with who did it and why."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts import services
from accounts.models import User


class Command(BaseCommand):
    help = "Remove a user's authenticators so they enrol a new one at next sign-in; logs the operator and reason."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="whose two-factor to reset")
        parser.add_argument("--by", required=True, help="your own username (an active staff user)")
        parser.add_argument("--reason", required=True, help="why, e.g. the service desk ticket")

    def handle(self, *args: object, username: str, by: str, reason: str, **options: object) -> None:
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"There is no user called {username}.") from None
        operator = User.objects.filter(username=by).first()
        if operator is None or not (operator.is_active and operator.is_staff):
            raise CommandError(f"{by} is not an active staff user; only staff can reset two-factor.")
        reset = services.reset_two_factor(user=user, by=operator, reason=reason)
        self.stdout.write(f"Removed {reset.devices_removed} authenticator(s) of {username}; they have been told.")
