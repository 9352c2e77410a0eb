"""A clinic world: trust A's OH service with an administrator and a clinician, a clinic of theirs, and accepted
cases waiting to be booked (made by the real services)."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from clinics import services
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member
from referrals import services as referral_services

LONDON = timezone.get_default_timezone()
# Monday 30 November 2026, 8am: the clinic below runs on Mondays, Wednesdays and Fridays from 9 to 12.
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=LONDON)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


class Diary:
    def __init__(self, world):
        self.world = world
        self.oh_admin = member(Role.OH_ADMIN, world.oh_service)
        self.clinician = member(Role.CLINICIAN, world.oh_service)
        self.manager = member(Role.MANAGER, world.trust_a)
        self.clinic = None

    def build_clinic(self, **overrides):
        fields = {
            "by": self.oh_admin,
            "name": "Physio, Tuesday building",
            "clinician": self.clinician,
            "practitioner_type": "physiotherapist",
            "modality": "face_to_face",
            "location": "Outpatients, room 4",
            "weekdays": [0, 2, 4],
            "start_time": time(9),
            "end_time": time(12),
            "slot_minutes": 30,
            "starts_on": timezone.localdate(),
        }
        fields.update(overrides)
        self.clinic = services.create_clinic(**fields)
        return self.clinic

    def case(self, *, email="sam.patel@example.nhs.uk", phone="07700 900123", with_user=True, priority="routine"):
        """A management referral accepted for a physiotherapist, waiting to be booked."""
        user = member(Role.EMPLOYEE, self.world.trust_a) if with_user else None
        if user is not None and not email:
            user.email = ""
            user.save()
        employee = EmployeeFactory(organisation=self.world.trust_a, user=user, email=email, phone=phone)
        referral = referral_services.create_management_referral(
            manager=self.manager,
            employee=employee,
            submit=True,
            reason_category="musculoskeletal",
            absent_at_referral=False,
            manager_questions=["fit_for_role"],
            work_details="Porter",
            employee_agreed=True,
        )
        referral_services.accept(
            referral=referral, by=self.oh_admin, priority=priority, practitioner_type="physiotherapist"
        )
        return referral

    def slot(self, day: date, hour: int, minute: int = 0):
        start = timezone.make_aware(datetime.combine(day, time(hour, minute)))
        return self.clinic.slots.get(start=start)


@pytest.fixture
def diary(world, frozen):
    return Diary(world)


def later(days=0, hours=0):
    return NOW + timedelta(days=days, hours=hours)
