"""WAIT_TO_FIRST_APPT and DNA_RATE keep their definitions when cases are booked through clinics: the first
appointment's start (an Appointment, as before) against acceptance in working days; DNAs over appointments with
attendance recorded. Known cases, known answers."""

from datetime import date, datetime, time

import pytest
import time_machine
from django.utils import timezone

from clinics import services
from metrics.compute import compute
from metrics.scopes import Scope
from referrals import services as referral_services

pytestmark = pytest.mark.django_db

DECEMBER = (date(2026, 12, 1), date(2026, 12, 31))


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def test_wait_to_first_appointment_counts_working_days_to_the_booked_slot(diary):
    # Accepted on Monday 30 November; booked into Wednesday 2, Friday 4 and Monday 7 December slots:
    # 2, 4 and 5 working days -> median 4. Moving one later changes its wait (7 December: 5).
    diary.build_clinic()
    waits = [(date(2026, 12, 2), 9), (date(2026, 12, 4), 9), (date(2026, 12, 7), 9)]
    bookings = [
        services.book_slot(slot=diary.slot(day, hour), by=diary.oh_admin, referral=diary.case()) for day, hour in waits
    ]
    scope = Scope("oh_service", diary.world.oh_service)
    assert compute("WAIT_TO_FIRST_APPT", scope, *DECEMBER).value == 4
    services.move_booking(
        booking=bookings[0], slot=diary.slot(date(2026, 12, 9), 9), by=diary.oh_admin, reason="Clinician asked"
    )
    assert compute("WAIT_TO_FIRST_APPT", scope, *DECEMBER).value == 5


def test_dna_rate_counts_clinic_appointments_with_attendance_recorded(diary):
    diary.build_clinic()
    day = date(2026, 12, 2)
    bookings = [
        services.book_slot(slot=diary.slot(day, h, m), by=diary.oh_admin, referral=diary.case())
        for h, m in [(9, 0), (9, 30), (10, 0), (10, 30)]
    ]
    services.book_slot(slot=diary.slot(day, 11), by=diary.oh_admin, referral=diary.case())  # not yet seen
    with time_machine.travel(_at(day, 12), tick=False):
        for booking, attended in zip(bookings, [True, True, True, False], strict=True):
            referral_services.record_attendance(appointment=booking.appointment, by=diary.clinician, attended=attended)
    figure = compute("DNA_RATE", Scope("oh_service", diary.world.oh_service), *DECEMBER)
    assert (figure.numerator, figure.denominator, figure.value) == (1, 4, 25.0)
