"""Demo organisations, users and staff for `manage.py seed_demo` (PRODUCT.md section 10).

Other apps add their own demo data in `<app>/demo.py` with a `seed(world)` function, called in
the order of DEMO_APPS in the seed_demo command. Running it again changes nothing.

Demo cases, checks and call-offs get their state from the same services a user's clicks call, so they carry
the history rows, timeline events and messages a real year leaves. The services read `timezone.now()`; the one
place that sets it is `DemoWorld.when`, which moves the story's clock to each step (time_machine).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

from .esr_import import age_band_for
from .models import AgeBand, Disability, Employee, EthnicGroup, Membership, Organisation, ServiceAssignment, Sex
from .roles import TWO_FACTOR_ROLES, OrganisationKind, Role, ServiceLine

# Documented demo default: the TOTP key every demo user with a 2FA role shares, so that
# `manage.py demo_totp <username>` can print the current code. Never used outside seed_demo.
DEMO_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"

STAFF_PER_ORGANISATION = 120


@dataclass
class DemoWorld:
    ics: Organisation
    trusts: list[Organisation]
    gp_practice: Organisation
    oh_service: Organisation
    supplier_oh_service: Organisation
    suppliers: list[Organisation]
    framework_operator: Organisation
    users: dict[str, User] = field(default_factory=dict)
    rng: random.Random = field(default_factory=lambda: random.Random(2026))
    # The real moment the seed started: the story ends here, and nothing in it happens later.
    now: datetime = field(default_factory=timezone.now)
    _traveller: Any = None

    @property
    def today(self) -> date:
        return timezone.localdate(self.now)

    def when(self, moment: datetime) -> bool:
        """Move the clock to `moment` for the next step, or False if that step has not happened yet."""
        if moment > self.now:
            return False
        assert self._traveller is not None, "demo steps run inside DemoWorld.story_clock()"
        self._traveller.move_to(moment)
        return True

    @contextmanager
    def story_clock(self) -> Iterator[None]:
        """Frozen time for the demo's steps; back to the real clock (and commit) afterwards."""
        import time_machine  # a development tool: only the demo needs it

        with time_machine.travel(self.now, tick=False) as traveller:
            self._traveller = traveller
            try:
                yield
            finally:
                self._traveller = None


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A demo step's moment: `hour`:`minute` on `day`, London time."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _org(ods_code: str, name: str, kind: str, **extra: object) -> Organisation:
    org, _ = Organisation.objects.update_or_create(ods_code=ods_code, defaults={"name": name, "kind": kind, **extra})
    return org


def _user(username: str, first: str, last: str, organisation: Organisation, role: str) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@demo.nhs.uk"}
    )
    if created:
        user.set_password(settings.DEMO_PASSWORD)
        user.save()
    membership, _ = Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    if user.active_membership_id is None:
        user.active_membership = membership
        user.save(update_fields=["active_membership"])
    if role in TWO_FACTOR_ROLES:
        TOTPDevice.objects.get_or_create(
            user=user, name="Demo authenticator", defaults={"key": DEMO_TOTP_KEY_HEX, "confirmed": True}
        )
    return user


FIRST_NAMES = [
    "Amira",
    "Ben",
    "Chloe",
    "Dev",
    "Efua",
    "Finn",
    "Grace",
    "Hamza",
    "Isla",
    "Jack",
    "Kemi",
    "Liam",
    "Maya",
    "Noah",
    "Olu",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tariq",
    "Uma",
    "Vik",
    "Wren",
    "Yusuf",
    "Zoe",
]
LAST_NAMES = [
    "Adeyemi",
    "Brown",
    "Chen",
    "Davies",
    "Evans",
    "Fletcher",
    "Gupta",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morris",
    "Nowak",
    "Okafor",
    "Patel",
    "Roberts",
    "Singh",
    "Taylor",
    "Walker",
    "Williams",
    "Wilson",
    "Wright",
    "Young",
]
JOBS = [
    ("nursing_midwifery", "Staff Nurse"),
    ("nursing_midwifery", "Ward Sister"),
    ("allied_health", "Physiotherapist"),
    ("admin_clerical", "Ward Clerk"),
    ("admin_clerical", "Medical Secretary"),
    ("medical_dental", "Specialty Registrar"),
    ("estates_ancillary", "Porter"),
    ("additional_clinical", "Healthcare Assistant"),
    ("healthcare_scientists", "Biomedical Scientist"),
    ("add_prof_scientific", "Pharmacist"),
]
# The ESR organisation (department) each demo job is in: surveillance programmes enrol by it.
DEPARTMENTS = {
    "Staff Nurse": "Medical Wards",
    "Ward Sister": "Medical Wards",
    "Physiotherapist": "Therapies",
    "Ward Clerk": "Medical Wards",
    "Medical Secretary": "Outpatients",
    "Specialty Registrar": "Medicine",
    "Porter": "Estates and Facilities",
    "Healthcare Assistant": "Medical Wards",
    "Biomedical Scientist": "Pathology",
    "Pharmacist": "Pharmacy",
}


def _staff(world: DemoWorld, organisation: Organisation, prefix: int, manager: User) -> None:
    rng = world.rng
    today = date.today()
    existing = set(Employee.objects.filter(organisation=organisation).values_list("esr_number", flat=True))
    new = []
    for n in range(STAFF_PER_ORGANISATION):
        esr = f"{prefix}{n:06d}"
        # Draw every value even for existing rows, so the sequence (and the demo) is the same each run.
        group, job = rng.choice(JOBS)
        dob = date(rng.randint(1960, 2003), rng.randint(1, 12), rng.randint(1, 28))
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        sex = rng.choice([Sex.FEMALE, Sex.FEMALE, Sex.FEMALE, Sex.MALE, Sex.NOT_STATED])
        ethnic = rng.choice(
            [EthnicGroup.WHITE] * 6
            + [EthnicGroup.ASIAN, EthnicGroup.BLACK, EthnicGroup.MIXED, EthnicGroup.OTHER, EthnicGroup.NOT_STATED]
        )
        disability = rng.choice([Disability.NO] * 8 + [Disability.YES, Disability.NOT_STATED])
        if esr in existing:
            continue
        new.append(
            Employee(
                organisation=organisation,
                esr_number=esr,
                first_name=first,
                last_name=last,
                date_of_birth=dob,
                staff_group=group,
                job_role=job,
                department=DEPARTMENTS[job],
                email=f"{first}.{last}.{n}@demo.nhs.uk".lower(),
                line_manager=manager,
                sex=sex,
                ethnic_group=ethnic,
                disability=disability,
                age_band=age_band_for(dob, today),
            )
        )
    Employee.objects.bulk_create(new)


def _link_employee_user(user: User, organisation: Organisation, esr: str) -> None:
    Employee.objects.update_or_create(
        organisation=organisation,
        esr_number=esr,
        defaults={
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_of_birth": date(1988, 3, 14),
            "staff_group": "nursing_midwifery",
            "job_role": "Staff Nurse",
            "email": user.email,
            "user": user,
            "sex": Sex.FEMALE,
            "ethnic_group": EthnicGroup.WHITE,
            "disability": Disability.NO,
            "age_band": AgeBand.B35_44,
        },
    )


def seed() -> DemoWorld:
    ics = _org("QOQ", "Humber and North Yorkshire ICS (demo)", OrganisationKind.ICS)
    trust1 = _org("RWA", "Northfield Hospitals NHS Trust (demo)", OrganisationKind.TRUST, ics=ics)
    trust2 = _org("RCB", "Eastvale Community NHS Trust (demo)", OrganisationKind.TRUST, ics=ics)
    practice = _org("B81001", "Riverside Medical Practice (demo)", OrganisationKind.GP_PRACTICE, ics=ics)
    oh = _org("RWAOH", "Northfield Occupational Health (in-house, demo)", OrganisationKind.OH_SERVICE, in_house=True)
    supplier_oh = _org("SUPOH", "Healthwork OH Services (supplier, demo)", OrganisationKind.OH_SERVICE)
    supplier1 = _org("SUP01", "Healthwork Ltd (demo)", OrganisationKind.SUPPLIER)
    supplier2 = _org("SUP02", "Optima Occupational Health Ltd (demo)", OrganisationKind.SUPPLIER)
    operator = _org("FWOP", "NHS OH Framework Operator (demo)", OrganisationKind.FRAMEWORK_OPERATOR)
    # The in-house service serves trust 1 and the practice; the supplier's service serves trust 2.
    for client, service in ((trust1, oh), (practice, oh), (trust2, supplier_oh)):
        for line in ServiceLine.values:
            ServiceAssignment.objects.get_or_create(client=client, service_line=line, defaults={"oh_service": service})
    world = DemoWorld(ics, [trust1, trust2], practice, oh, supplier_oh, [supplier1, supplier2], operator)

    homes = {
        1: {
            Role.MANAGER: trust1,
            Role.EMPLOYEE: trust1,
            Role.RECRUITER: trust1,
            Role.PROCUREMENT: trust1,
            Role.BOARD: trust1,
            Role.IG_LEAD: trust1,
            Role.OH_ADMIN: oh,
            Role.CLINICIAN: oh,
            Role.SUPPLIER: supplier1,
            Role.FRAMEWORK_ADMIN: operator,
            Role.VACCINATOR: oh,
        },
        2: {
            Role.MANAGER: trust2,
            Role.EMPLOYEE: trust2,
            Role.RECRUITER: trust2,
            Role.PROCUREMENT: trust2,
            Role.BOARD: trust2,
            Role.IG_LEAD: trust2,
            Role.OH_ADMIN: supplier_oh,
            Role.CLINICIAN: supplier_oh,
            Role.SUPPLIER: supplier2,
            Role.FRAMEWORK_ADMIN: operator,
            Role.VACCINATOR: supplier_oh,
        },
    }
    names = {1: ("Alex", "Morgan"), 2: ("Jordan", "Reid")}
    for number, roles in homes.items():
        suffix = "" if number == 1 else "2"
        for role, organisation in roles.items():
            first, last = names[number]
            world.users[f"{role}{suffix}"] = _user(f"{role}{suffix}", first, f"{last} ({role})", organisation, role)
    for key, profession in (("clinician", "OH nurse"), ("clinician2", "OH physician")):
        world.users[key].profession = profession
        world.users[key].save(update_fields=["profession"])
    # An ICS-level board member and a user with two roles, to show the role switcher.
    world.users["board_ics"] = _user("board_ics", "Sam", "Okafor (ICS board)", ics, Role.BOARD)
    _user("manager", "Alex", "Morgan (manager)", trust1, Role.RECRUITER)
    world.users["manager_gp"] = _user("manager_gp", "Priya", "Shah (practice manager)", practice, Role.MANAGER)
    # A peer vaccinator: a ward nurse of trust 1 who gives flu vaccinations on the wards during the campaign.
    world.users["vaccinator_peer"] = _user(
        "vaccinator_peer", "Kemi", "Adeyemi (peer vaccinator)", trust1, Role.VACCINATOR
    )

    _staff(world, trust1, 10, world.users["manager"])
    _staff(world, trust2, 20, world.users["manager2"])
    _staff(world, practice, 30, world.users["manager_gp"])
    _link_employee_user(world.users["employee"], trust1, "19999999")
    _link_employee_user(world.users["employee2"], trust2, "29999999")
    return world
