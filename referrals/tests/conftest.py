from datetime import timedelta

import pytest
from django.utils import timezone

from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member
from referrals import services
from referrals.models import Appointment, ConsentChoice, MeasureStage


class Case:
    """A case in trust A, moved through the life cycle by the real services, with the people involved."""

    def __init__(self, world):
        self.world = world
        self.manager = member(Role.MANAGER, world.trust_a)
        self.employee_user = member(Role.EMPLOYEE, world.trust_a)
        self.employee = EmployeeFactory(organisation=world.trust_a, user=self.employee_user, last_name="Patel")
        self.oh_admin = member(Role.OH_ADMIN, world.oh_service)
        self.clinician = member(Role.CLINICIAN, world.oh_service)
        self.referral = services.create_management_referral(
            manager=self.manager,
            employee=self.employee,
            submit=True,
            reason_category="musculoskeletal",
            absent_at_referral=True,
            absent_since=timezone.localdate() - timedelta(days=10),
            manager_questions=["fit_for_role", "adjustments"],
            work_details="Ward nurse",
            employee_agreed=True,
        )

    def accept(self):
        services.accept(referral=self.referral, by=self.oh_admin, priority="routine", practitioner_type="oh_nurse")
        return self

    def book(self):
        self.appointment = services.book_appointment(
            referral=self.referral,
            by=self.oh_admin,
            clinician=self.clinician,
            start=timezone.now() + timedelta(days=3),
            length_minutes=45,
            modality="telephone",
        )
        return self

    def start(self):
        """The appointment's start time comes: attendance can be recorded from then."""
        Appointment.objects.filter(pk=self.appointment.pk).update(start=timezone.now() - timedelta(minutes=1))
        self.appointment.refresh_from_db()
        return self

    def attend(self):
        self.start()
        services.record_attendance(appointment=self.appointment, by=self.clinician, attended=True)
        services.record_measures(referral=self.referral, by=self.clinician, stage=MeasureStage.INTAKE, work_ability=4)
        return self

    def report(self, send=True):
        self.report_obj = services.save_report_draft(
            referral=self.referral,
            author=self.clinician,
            fitness="fit_with_adjustments",
            adjustments=["Reduced hours for 4 weeks", "No heavy lifting"],
            likely_return_date=None,
            answers=dict.fromkeys(self.referral.question_texts, "Answer"),
            equality_act="unlikely",
            follow_up_plan="Review in 6 weeks",
        )
        if send:
            services.send_for_consent(report=self.report_obj, by=self.clinician)
        return self

    def follow_up(self):
        """A follow-up appointment after the report's decision, attended."""
        self.appointment = services.book_appointment(
            referral=self.referral,
            by=self.oh_admin,
            clinician=self.clinician,
            start=timezone.now() + timedelta(days=5),
            length_minutes=30,
            modality="video",
        )
        self.start()
        services.record_attendance(appointment=self.appointment, by=self.clinician, attended=True)
        return self

    def redraft(self, send=True):
        """The report written after a follow-up or corrections, with content unlike the first one."""
        self.report_obj = services.save_report_draft(
            referral=self.referral,
            author=self.clinician,
            fitness="unfit_for_role",
            adjustments=["Redeployment to a desk role"],
            likely_return_date=None,
            answers=dict.fromkeys(self.referral.question_texts, "Second opinion text"),
            equality_act="likely",
            follow_up_plan="Ill-health retirement review",
        )
        if send:
            services.send_for_consent(report=self.report_obj, by=self.clinician)
        return self

    def decide(self, choice, comment=""):
        services.record_consent(report=self.report_obj, by=self.employee_user, choice=choice, comment=comment)
        return self

    def release(self):
        services.record_consent(report=self.report_obj, by=self.employee_user, choice=ConsentChoice.RELEASE_NOW)
        return self

    def reload(self):
        self.referral.refresh_from_db()
        return self.referral


@pytest.fixture
def case(world):
    return Case(world)
