"""Demo clinics with a realistic diary (seed_demo, after referrals and assessments): the in-house service's OH
nurse holds a face-to-face clinic three mornings a week and a telephone clinic two afternoons; the supplier's OH
physician a video clinic. About half the cases waiting are booked into the soonest slots, one employee has been
sent a link to choose their own, and the nurse has leave in a fortnight. Runs once: skipped if clinics exist."""

from __future__ import annotations

import contextlib
from datetime import time, timedelta

from organisations.demo import DemoWorld
from organisations.models import Organisation
from referrals.models import Referral, Status

from . import selectors, services
from .models import Clinic
from .rules import BookingRefused

CLINICS = [
    # (clinician, admin, name, practitioner type, how, where, weekdays, from, to, slot minutes)
    (
        "clinician",
        "oh_admin",
        "OH nurse clinic, Main building",
        "oh_nurse",
        "face_to_face",
        "Occupational Health, Main building, level 2",
        [0, 2, 4],
        time(9),
        time(12, 30),
        45,
    ),
    (
        "clinician",
        "oh_admin",
        "OH nurse telephone clinic",
        "oh_nurse",
        "telephone",
        "The nurse phones you on the number we hold",
        [1, 3],
        time(13, 30),
        time(16, 30),
        30,
    ),
    (
        "clinician2",
        "oh_admin2",
        "OH physician video clinic",
        "oh_physician",
        "video",
        "A video link is sent the day before",
        [0, 1, 3],
        time(10),
        time(13),
        30,
    ),
]


def seed(world: DemoWorld) -> None:
    if Clinic.objects.filter(oh_service__in=[world.oh_service, world.supplier_oh_service]).exists():
        return
    for clinician, admin, name, kind, how, where, days, start, end, minutes in CLINICS:
        services.create_clinic(
            by=world.users[admin],
            name=name,
            clinician=world.users[clinician],
            practitioner_type=kind,
            modality=how,
            location=where,
            weekdays=days,
            start_time=start,
            end_time=end,
            slot_minutes=minutes,
            starts_on=world.today,
        )
    fortnight = world.today + timedelta(days=14 - world.today.weekday() + 2)  # Wednesday after next
    services.add_exception(
        by=world.users["oh_admin"],
        clinician=world.users["clinician"],
        kind="leave",
        first_day=fortnight,
        last_day=fortnight + timedelta(days=1),
    )
    for service, admin in ((world.oh_service, "oh_admin"), (world.supplier_oh_service, "oh_admin2")):
        _book_half_the_waiting(world, service, admin)


def _book_half_the_waiting(world: DemoWorld, service: Organisation, admin: str) -> None:
    by = world.users[admin]
    waiting = list(
        Referral.objects.filter(oh_service=service, status=Status.TRIAGED)
        .select_related("employee")
        .order_by("accepted_at")
    )
    for number, referral in enumerate(waiting):
        if number % 2:
            continue  # the rest stay on the waiting list
        slots = selectors.bookable_slots(user=by, practitioner_type="", limit=1, after=None)
        if not slots:
            return
        try:
            services.book_slot(slot=slots[0], by=by, referral=referral)
        except BookingRefused:
            continue
    booked = set(
        Referral.objects.filter(oh_service=service, status=Status.APPOINTMENT_BOOKED).values_list("pk", flat=True)
    )
    for referral in [r for r in waiting if r.pk not in booked][:1]:
        with contextlib.suppress(BookingRefused):  # no e-mail or mobile held: the case stays to book by hand
            services.send_booking_link(referral=referral, by=by)
