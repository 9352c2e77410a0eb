"""Appointments as OH staff run them: attendance only from the start time, a confirmed DNA, a same-day
correction with a reason, moving and cancelling with notice to the employee, times as people type them."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from conftest import signed_in_client
from notifications.messages import render_message
from notifications.models import OutboxMessage
from ohwb_portal.time_input import parse_time
from ohwb_portal.working_days import add_working_days, bank_holidays_between
from organisations.roles import Role
from organisations.tests.factories import member
from referrals import services
from referrals.models import Appointment, AppointmentStatus, CaseEvent, Status

pytestmark = pytest.mark.django_db

LONDON = timezone.get_default_timezone()
WEDNESDAY_9AM = datetime(2026, 12, 2, 9, tzinfo=LONDON)


def _text(notice):
    """What the person reads: the message as rendered from what was queued."""
    rendered = render_message(notice.template, {**notice.context, "link": ""})
    return f"{rendered.subject} {rendered.body} {notice.context}"


def _attendance_url(case):
    return f"/referrals/{case.referral.pk}/appointments/{case.appointment.pk}/attendance/"


class TestAttendanceOnlyFromTheStartTime:
    """The attacker's request: attendance or a DNA posted for an appointment days ahead."""

    @pytest.mark.parametrize("attended", ["yes", "no"])
    def test_page_post_for_a_future_appointment_is_refused_with_the_reason(self, case, attended):
        case.accept().book()
        client = signed_in_client(case.oh_admin)
        response = client.post(_attendance_url(case), {"attended": attended, "confirmed": "yes"}, follow=True)
        assert "Attendance can be recorded once it has started" in response.content.decode()
        case.appointment.refresh_from_db()
        assert case.appointment.status == AppointmentStatus.BOOKED
        assert case.reload().status == Status.APPOINTMENT_BOOKED and case.referral.dna_count == 0

    @pytest.mark.parametrize("attended", [True, False])
    def test_api_post_for_a_future_appointment_is_refused_with_the_reason(self, case, attended):
        case.accept().book()
        response = signed_in_client(case.oh_admin).post(
            f"/api/v1/appointments/{case.appointment.pk}/attendance/",
            {"attended": attended},
            content_type="application/json",
        )
        assert response.status_code == 409
        assert "once it has started" in response.json()["detail"]
        assert case.reload().status == Status.APPOINTMENT_BOOKED

    def test_case_page_offers_no_attendance_buttons_before_the_start(self, case):
        case.accept().book()
        html = signed_in_client(case.oh_admin).get(f"/referrals/{case.referral.pk}/").content.decode()
        assert _attendance_url(case) not in html
        assert "Attendance can be recorded from the start time" in html
        case.start()
        html = signed_in_client(case.oh_admin).get(f"/referrals/{case.referral.pk}/").content.decode()
        assert _attendance_url(case) in html


class TestDidNotAttendIsConfirmed:
    def test_first_click_asks_for_confirmation_and_records_nothing(self, case):
        case.accept().book().start()
        response = signed_in_client(case.oh_admin).post(_attendance_url(case), {"attended": "no"})
        html = response.content.decode()
        assert response.status_code == 200 and "Record that the employee did not attend?" in html
        assert 'name="confirmed" value="yes"' in html
        case.appointment.refresh_from_db()
        assert case.appointment.status == AppointmentStatus.BOOKED

    def test_confirmed_dna_is_recorded(self, case):
        case.accept().book().start()
        signed_in_client(case.oh_admin).post(_attendance_url(case), {"attended": "no", "confirmed": "yes"})
        assert case.reload().status == Status.DNA and case.referral.dna_count == 1

    def test_second_dna_confirmation_says_the_manager_is_told(self, case):
        case.accept().book().start()
        services.record_attendance(appointment=case.appointment, by=case.oh_admin, attended=False)
        case.book().start()
        html = signed_in_client(case.oh_admin).post(_attendance_url(case), {"attended": "no"}).content.decode()
        assert "returns the referral to the manager" in html
        assert case.reload().status == Status.APPOINTMENT_BOOKED

    def test_attended_is_one_click(self, case):
        case.accept().book().start()
        signed_in_client(case.oh_admin).post(_attendance_url(case), {"attended": "yes"})
        assert case.reload().status == Status.ASSESSED


def _correct_url(case):
    return f"/referrals/{case.referral.pk}/appointments/{case.appointment.pk}/correct-attendance/"


class TestCorrectionTheSameWorkingDay:
    @pytest.fixture(autouse=True)
    def _on_a_wednesday(self):
        with time_machine.travel(WEDNESDAY_9AM, tick=False):
            yield

    def _booked(self, case):
        case.accept()
        with time_machine.travel(WEDNESDAY_9AM - timedelta(days=1), tick=False):
            case.book()
        Appointment.objects.filter(pk=case.appointment.pk).update(start=WEDNESDAY_9AM - timedelta(hours=1))
        case.appointment.refresh_from_db()
        return case

    def test_dna_corrected_to_attended_with_a_reason_kept_in_history(self, case):
        self._booked(case)
        services.record_attendance(appointment=case.appointment, by=case.oh_admin, attended=False)
        client = signed_in_client(case.oh_admin)
        assert _correct_url(case) in client.get(f"/referrals/{case.referral.pk}/").content.decode()
        response = client.post(_correct_url(case), {"reason": "Clicked the wrong row"})
        assert response.status_code == 302
        referral = case.reload()
        assert (referral.status, referral.dna_count) == (Status.ASSESSED, 0)
        case.appointment.refresh_from_db()
        assert case.appointment.status == AppointmentStatus.ATTENDED
        event = CaseEvent.objects.filter(referral=referral).last()
        assert (event.from_status, event.to_status) == (Status.DNA, Status.ASSESSED)
        assert "Clicked the wrong row" in event.note and event.by == case.oh_admin

    def test_attended_corrected_to_dna(self, case):
        self._booked(case)
        services.record_attendance(appointment=case.appointment, by=case.oh_admin, attended=True)
        signed_in_client(case.clinician).post(_correct_url(case), {"reason": "Employee did not join the call"})
        referral = case.reload()
        assert (referral.status, referral.dna_count) == (Status.DNA, 1)

    def test_second_dna_corrected_tells_the_manager_without_health_detail(self, case):
        self._booked(case)
        services.record_attendance(appointment=case.appointment, by=case.oh_admin, attended=False)
        with time_machine.travel(WEDNESDAY_9AM - timedelta(hours=2), tick=False):
            case.book()
        Appointment.objects.filter(pk=case.appointment.pk).update(start=WEDNESDAY_9AM - timedelta(minutes=30))
        case.appointment.refresh_from_db()
        services.record_attendance(appointment=case.appointment, by=case.oh_admin, attended=False)
        assert case.reload().status == Status.RETURNED_TO_MANAGER
        signed_in_client(case.oh_admin).post(_correct_url(case), {"reason": "She was in the waiting room"})
        referral = case.reload()
        assert (referral.status, referral.dna_count, referral.returned_reason) == (Status.ASSESSED, 1, "")
        notice = OutboxMessage.objects.get(template="referrals_attendance_corrected")
        assert notice.recipient == case.manager
        assert "waiting room" not in _text(notice)

    def test_correction_without_a_reason_is_refused_on_the_form(self, case):
        self._booked(case)
        services.record_attendance(appointment=case.appointment, by=case.oh_admin, attended=False)
        response = signed_in_client(case.oh_admin).post(_correct_url(case), {"reason": " "})
        assert "Say why you are correcting the attendance record" in response.content.decode()
        assert case.reload().status == Status.DNA

    def test_correction_after_the_working_day_is_refused(self, case):
        """The attacker's request: the correction posted by hand the next day."""
        self._booked(case)
        services.record_attendance(appointment=case.appointment, by=case.oh_admin, attended=False)
        with time_machine.travel(WEDNESDAY_9AM + timedelta(days=1), tick=False):
            client = signed_in_client(case.oh_admin)
            assert _correct_url(case) not in client.get(f"/referrals/{case.referral.pk}/").content.decode()
            response = client.post(_correct_url(case), {"reason": "Late correction"})
            assert "only be corrected on the working day it was recorded" in response.content.decode()
        assert case.reload().status == Status.DNA and case.referral.dna_count == 1

    def test_correction_after_the_case_moved_on_is_refused(self, case):
        self._booked(case)
        services.record_attendance(appointment=case.appointment, by=case.oh_admin, attended=False)
        case.book()  # rebooked: the DNA led somewhere already
        dna = case.referral.appointments.get(status=AppointmentStatus.DNA)
        response = signed_in_client(case.oh_admin).post(
            f"/referrals/{case.referral.pk}/appointments/{dna.pk}/correct-attendance/", {"reason": "Mistake"}
        )
        assert response.status_code == 200 and "cannot be given an attendance correction" in response.content.decode()
        assert case.reload().status == Status.APPOINTMENT_BOOKED

    def test_manager_cannot_correct(self, case):
        self._booked(case)
        services.record_attendance(appointment=case.appointment, by=case.oh_admin, attended=False)
        response = signed_in_client(case.manager).post(_correct_url(case), {"reason": "Mistake"})
        assert response.status_code in (403, 404)
        assert case.reload().status == Status.DNA


def _working_day_ahead(days=3):
    return add_working_days(timezone.localdate(), days)


def _next_saturday():
    today = timezone.localdate()
    return today + timedelta(days=(5 - today.weekday()) % 7 or 7)


def _date_fields(day, prefix="date"):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


class TestMoveAndCancel:
    def test_move_with_a_reason_tells_the_employee_the_new_time_not_the_reason(self, case):
        case.accept().book()
        day = _working_day_ahead(5)
        response = signed_in_client(case.oh_admin).post(
            f"/referrals/{case.referral.pk}/appointments/{case.appointment.pk}/move/",
            {**_date_fields(day), "time": "2.15pm", "reason": "Clinician off sick"},
        )
        assert response.status_code == 302
        case.appointment.refresh_from_db()
        assert timezone.localtime(case.appointment.start).date() == day
        assert timezone.localtime(case.appointment.start).strftime("%H:%M") == "14:15"
        assert case.reload().status == Status.APPOINTMENT_BOOKED
        notice = OutboxMessage.objects.get(template="referrals_appointment_moved")
        assert notice.recipient == case.employee_user
        assert "14:15" in _text(notice) and "sick" not in _text(notice)
        assert "Clinician off sick" in CaseEvent.objects.filter(referral=case.referral).last().note

    def test_cancel_with_a_reason_returns_the_case_to_booking_and_tells_the_employee(self, case):
        case.accept().book()
        response = signed_in_client(case.oh_admin).post(
            f"/referrals/{case.referral.pk}/appointments/{case.appointment.pk}/cancel/",
            {"reason": "Employee asked for a face to face"},
        )
        assert response.status_code == 302
        case.appointment.refresh_from_db()
        assert case.appointment.status == AppointmentStatus.CANCELLED
        assert case.reload().status == Status.TRIAGED
        notice = OutboxMessage.objects.get(template="referrals_appointment_cancelled")
        assert notice.recipient == case.employee_user and "face to face" not in _text(notice)
        html = signed_in_client(case.oh_admin).get(f"/referrals/{case.referral.pk}/").content.decode()
        assert f"/clinics/book/referral/{case.referral.pk}/" in html

    def test_cancelled_follow_up_returns_the_case_to_where_it_was(self, case):
        case.accept().book().attend().report().release().book()
        assert case.reload().status == Status.FOLLOW_UP_BOOKED
        services.cancel_appointment(appointment=case.appointment, by=case.oh_admin, reason="Not needed")
        assert case.reload().status == Status.RELEASED

    def test_move_without_a_reason_is_refused_in_the_users_words(self, case):
        case.accept().book()
        response = signed_in_client(case.oh_admin).post(
            f"/referrals/{case.referral.pk}/appointments/{case.appointment.pk}/move/",
            {**_date_fields(_working_day_ahead()), "time": "10:00", "reason": ""},
        )
        assert "Say why the appointment is moving" in response.content.decode()

    def test_a_started_appointment_cannot_be_moved_or_cancelled(self, case):
        case.accept().book().start()
        with pytest.raises(services.TransitionError, match="not started"):
            services.cancel_appointment(appointment=case.appointment, by=case.oh_admin, reason="x")
        with pytest.raises(services.TransitionError, match="not started"):
            services.reschedule_appointment(
                appointment=case.appointment,
                by=case.oh_admin,
                start=timezone.now() + timedelta(days=1),
                reason="x",
            )

    def test_manager_cannot_move_or_cancel(self, case):
        case.accept().book()
        manager = signed_in_client(case.manager)
        base = f"/referrals/{case.referral.pk}/appointments/{case.appointment.pk}"
        assert manager.post(f"{base}/cancel/", {"reason": "x"}).status_code in (403, 404)
        case.appointment.refresh_from_db()
        assert case.appointment.status == AppointmentStatus.BOOKED


class TestBookingForm:
    @pytest.mark.parametrize(
        ("typed", "meant"),
        [
            ("9.30am", "09:30"),
            ("9:30", "09:30"),
            ("09:30", "09:30"),
            ("14.30", "14:30"),
            ("2pm", "14:00"),
            ("12.15pm", "12:15"),
            ("12am", "00:00"),
        ],
    )
    def test_times_as_people_type_them(self, typed, meant):
        assert parse_time(typed).strftime("%H:%M") == meant

    @pytest.mark.parametrize("typed", ["25:00", "9.75", "13pm", "half nine", "9", ""])
    def test_not_a_time(self, typed):
        assert parse_time(typed) is None

    def _post(self, case, day, time="9.30am", **extra):
        return signed_in_client(case.oh_admin).post(
            f"/referrals/{case.referral.pk}/book/",
            {
                "clinician": case.clinician.pk,
                **_date_fields(day),
                "time": time,
                "length_minutes": 45,
                "modality": "telephone",
                **extra,
            },
        )

    def test_booking_at_9_30am(self, case):
        case.accept()
        assert self._post(case, _working_day_ahead()).status_code == 302
        appointment = case.referral.appointments.get()
        assert timezone.localtime(appointment.start).strftime("%H:%M") == "09:30"

    def test_a_time_that_is_not_one_says_how_to_write_it(self, case):
        case.accept()
        html = self._post(case, _working_day_ahead(), time="half nine").content.decode()
        assert "Enter the start time like 9.30am or 14:30" in html

    def test_weekend_is_a_warning_then_books_when_posted_again(self, case):
        case.accept()
        saturday = _next_saturday()
        first = self._post(case, saturday)
        html = first.content.decode()
        assert first.status_code == 200 and "is a weekend day" in html and "nhsuk-warning-callout" in html
        assert not case.referral.appointments.exists()
        seen = first.context["warning"]
        assert self._post(case, saturday, non_working_day_seen=seen).status_code == 302
        assert case.referral.appointments.count() == 1

    def test_bank_holiday_is_a_warning(self, case):
        case.accept()
        year = timezone.localdate().year + 1
        weekday_holiday = next(
            d for d in bank_holidays_between(date(year, 1, 1), date(year, 12, 31)) if d.weekday() < 5
        )
        assert "is a bank holiday" in self._post(case, weekday_holiday).content.decode()

    def test_clinician_list_shows_each_clinicians_profession(self, case):
        case.accept()
        case.clinician.profession = "OH physician"
        case.clinician.save()
        other = member(Role.CLINICIAN, case.world.oh_service)
        html = signed_in_client(case.oh_admin).get(f"/referrals/{case.referral.pk}/book/").content.decode()
        assert f"{case.clinician.display_name} (OH physician)" in html
        assert f"{other.display_name} (Clinician)" in html  # no profession recorded: their role
