"""Demo data for trying the portal: `python manage.py seed_demo` (safe to run again)."""

import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from organisations import demo

# Apps that add demo data of their own, in order (each has demo.py with seed(world)). Notifications is last:
# it marks what the others queued as delivered, as a year of worker runs would have.
DEMO_APPS = [
    "suppliers",
    "referrals",
    "assessments",
    "health_protection.surveillance",
    "health_protection.injuries",
    "health_protection.immunisation",
    "metrics",
    "notifications",
]
DEMO_APPS.insert(DEMO_APPS.index("metrics"), "clinics")  # clinics and bookings: diaries of the cases above
DEMO_APPS.insert(DEMO_APPS.index("metrics"), "commissioning.wellbeing_plan")  # the boards' plans
# Proactive support: a year of ESR absence extracts, the managers' suggestions and decisions (before the rollups).
DEMO_APPS.insert(DEMO_APPS.index("metrics"), "commissioning.proactive")
# Service maturity: the services' self-assessments over the year (the board report and directory read them).
DEMO_APPS.insert(DEMO_APPS.index("metrics"), "commissioning.maturity")


class Command(BaseCommand):
    help = "Create the demo ICS, trusts, OH services, suppliers, users for every role and a year of cases."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.OHWB_ALLOW_DEMO_DATA:
            raise CommandError(
                "seed_demo does not run on the production settings: it makes users with a published password. "
                "Use DJANGO_SETTINGS_MODULE=ohwb_portal.settings.dev on a database of its own."
            )
        with transaction.atomic():
            connection = transaction.get_connection()
            queued_before = len(connection.run_on_commit)
            world = demo.seed()
            with world.story_clock():
                for app in DEMO_APPS:
                    try:
                        module = importlib.import_module(f"{app}.demo")
                    except ModuleNotFoundError:
                        continue
                    world.when(world.now)  # each app's story starts from the present
                    module.seed(world)
            # The services asked for each message to be delivered after commit; the demo has already marked
            # them delivered (notifications.demo), so those thousands of hand-offs would only find them done.
            del connection.run_on_commit[queued_before:]
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"Password for every demo user: {settings.DEMO_PASSWORD}  (set DEMO_PASSWORD to change)")
        self.stdout.write("Users: " + ", ".join(sorted(world.users)))
        self.stdout.write(
            "clinician, oh_admin, ig_lead, framework_admin and vaccinator (and their '2' twins) need a security code: "
            "run `python manage.py demo_totp clinician` to print the current one."
        )
