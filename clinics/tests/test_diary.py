"""Clinics make slots; a case is booked into a free one and no clinician's time is ever booked twice, whatever
way the booking comes (the slot, an appointment booked outside a clinic, a move), by the service's check and, on
PostgreSQL, by the exclusion constraint itself."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from clinics import selectors, services
from clinics.models import Booking, BookingStatus, Slot
from clinics.rules import BookingRefused, SlotTaken
from notifications.models import Channel, OutboxMessage
from referrals import services as referral_services
from referrals.models import Appointment, AppointmentStatus, Status

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 30)
WEDNESDAY = date(2026, 12, 2)


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class TestSlotsFollowFromTheClinic:
    def test_six_half_hour_slots_on_each_clinic_day_and_none_on_other_days(self, diary):
        clinic = diary.build_clinic()
        monday = clinic.slots.filter(start__date=MONDAY)
        assert [timezone.localtime(s.start).strftime("%H:%M") for s in monday] == [
            "09:00",
            "09:30",
            "10:00",
            "10:30",
            "11:00",
            "11:30",
        ]
        assert not clinic.slots.filter(start__date=date(2026, 12, 1)).exists()  # a Tuesday
        assert clinic.slots.filter(start__date=WEDNESDAY).count() == 6

    def test_no_slots_on_bank_holidays(self, diary):
        clinic = diary.build_clinic()
        assert not clinic.slots.filter(start__date=date(2026, 12, 25)).exists()  # Christmas Day, a Friday
        assert not clinic.slots.filter(start__date=date(2026, 12, 28)).exists()  # Boxing Day's substitute, a Monday
        assert clinic.slots.filter(start__date=date(2026, 12, 30)).count() == 6

    def test_slots_are_made_up_to_the_horizon_and_again_safely(self, diary):
        clinic = diary.build_clinic()
        made = clinic.slots.count()
        last = timezone.localtime(clinic.slots.order_by("-start").first().start).date()
        assert last <= MONDAY + timedelta(weeks=12) and last >= MONDAY + timedelta(weeks=11)
        assert services.generate_slots(clinic) == 0
        assert clinic.slots.count() == made

    def test_leave_withdraws_the_free_slots_and_lists_bookings_to_move(self, diary):
        clinic = diary.build_clinic()
        booked = services.book_slot(slot=diary.slot(WEDNESDAY, 9), by=diary.oh_admin, referral=diary.case())
        services.add_exception(
            by=diary.oh_admin, clinician=diary.clinician, kind="leave", first_day=WEDNESDAY, last_day=WEDNESDAY
        )
        wednesday = clinic.slots.filter(start__date=WEDNESDAY)
        assert wednesday.offered().count() == 1  # the booked one stays, to be moved
        assert not selectors.free_slots_of(clinic).filter(start__date=WEDNESDAY).exists()
        assert list(selectors.bookings_to_move(clinic=clinic)) == []  # the booked slot was not withdrawn
        assert Booking.objects.get(pk=booked.pk).status == BookingStatus.BOOKED

    def test_a_clinician_cannot_hold_two_clinics_at_once(self, diary):
        diary.build_clinic()
        with pytest.raises(BookingRefused, match="already holds"):
            diary.build_clinic(name="Another", weekdays=[2], start_time=time(11), end_time=time(13))

    def test_only_an_oh_administrator_builds_a_clinic(self, diary):
        from django.core.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied):
            diary.build_clinic(by=diary.clinician)


class TestBookingASlot:
    def test_booking_a_case_into_a_slot_books_its_appointment_and_takes_the_slot(self, diary):
        diary.build_clinic()
        referral = diary.case()
        slot = diary.slot(WEDNESDAY, 10)
        booking = services.book_slot(slot=slot, by=diary.oh_admin, referral=referral)
        referral.refresh_from_db()
        assert referral.status == Status.APPOINTMENT_BOOKED
        appointment = Appointment.objects.get(referral=referral)
        assert (appointment.start, appointment.length_minutes, appointment.modality, appointment.location) == (
            slot.start,
            30,
            "face_to_face",
            "Outpatients, room 4",
        )
        assert (booking.slot, booking.appointment, booking.clinician) == (slot, appointment, diary.clinician)
        assert not selectors.free_slots_of(diary.clinic).filter(pk=slot.pk).exists()

    def test_the_employee_is_told_by_email_with_the_invitation_and_by_sms(self, diary):
        diary.build_clinic()
        referral = diary.case()
        services.book_slot(slot=diary.slot(WEDNESDAY, 10), by=diary.oh_admin, referral=referral)
        messages = {m.channel: m for m in OutboxMessage.objects.filter(template__startswith="clinics_booking")}
        email, sms = messages[Channel.EMAIL], messages[Channel.SMS]
        assert email.to_address == "sam.patel@example.nhs.uk" and sms.to_address == "+447700900123"
        [ics] = email.attachments
        assert ics["filename"] == "appointment.ics" and "METHOD:REQUEST" in ics["content"]
        assert "DTSTART;TZID=Europe/London:20261202T100000" in ics["content"]
        # One notice only: referrals sends none of its own for a booking the diary told the employee about.
        assert not OutboxMessage.objects.filter(template="referrals_appointment_booked").exists()
        for message in (email, sms):
            text = f"{message.context} {ics['content']}".lower()
            assert "musculoskeletal" not in text and "physio" not in text

    def test_a_landline_gets_no_sms(self, diary):
        diary.build_clinic()
        services.book_slot(
            slot=diary.slot(WEDNESDAY, 10), by=diary.oh_admin, referral=diary.case(phone="0113 496 0000")
        )
        assert not OutboxMessage.objects.filter(channel=Channel.SMS).exists()

    def test_the_second_booking_of_one_slot_is_refused(self, diary):
        diary.build_clinic()
        slot = diary.slot(WEDNESDAY, 10)
        services.book_slot(slot=slot, by=diary.oh_admin, referral=diary.case())
        second = diary.case()
        with pytest.raises(SlotTaken):
            services.book_slot(slot=slot, by=diary.oh_admin, referral=second)
        second.refresh_from_db()
        assert second.status == Status.TRIAGED and not second.appointments.exists()

    def test_an_appointment_booked_outside_a_clinic_takes_the_clinicians_time_too(self, diary):
        diary.build_clinic()
        outside = referral_services.book_appointment(
            referral=diary.case(),
            by=diary.oh_admin,
            clinician=diary.clinician,
            start=_at(WEDNESDAY, 10, 15),
            length_minutes=30,
            modality="telephone",
        )
        booking = Booking.objects.get(appointment=outside)
        assert booking.slot is None
        free = selectors.free_slots_of(diary.clinic).filter(start__date=WEDNESDAY)
        assert [timezone.localtime(s.start).strftime("%H:%M") for s in free] == ["09:00", "09:30", "11:00", "11:30"]
        with pytest.raises(SlotTaken):
            services.book_slot(slot=diary.slot(WEDNESDAY, 10, 30), by=diary.oh_admin, referral=diary.case())

    def test_a_clinician_with_no_clinic_books_as_before(self, diary, world):
        from organisations.roles import Role
        from organisations.tests.factories import member

        other = member(Role.CLINICIAN, world.oh_service)
        referral_services.book_appointment(
            referral=diary.case(),
            by=diary.oh_admin,
            clinician=other,
            start=_at(WEDNESDAY, 10),
            length_minutes=30,
            modality="video",
        )
        assert not Booking.objects.exists()
        assert OutboxMessage.objects.filter(template="referrals_appointment_booked").exists()

    def test_clinic_created_later_holds_the_clinicians_booked_appointments(self, diary):
        referral = diary.case()
        appointment = referral_services.book_appointment(
            referral=referral,
            by=diary.oh_admin,
            clinician=diary.clinician,
            start=_at(WEDNESDAY, 9),
            length_minutes=60,
            modality="telephone",
        )
        diary.build_clinic()
        assert Booking.objects.get(appointment=appointment).end == _at(WEDNESDAY, 10)
        free = selectors.free_slots_of(diary.clinic).filter(start__date=WEDNESDAY).count()
        assert free == 4


class TestTheDiaryFollowsTheCase:
    def _booked(self, diary):
        diary.build_clinic()
        booking = services.book_slot(slot=diary.slot(WEDNESDAY, 10), by=diary.oh_admin, referral=diary.case())
        return booking

    def test_moving_into_another_slot_frees_the_first_and_sends_the_changed_invitation(self, diary):
        booking = self._booked(diary)
        target = diary.slot(date(2026, 12, 4), 11)
        moved = services.move_booking(booking=booking, slot=target, by=diary.oh_admin, reason="Clinician asked")
        assert (moved.slot, moved.start, moved.sequence) == (target, target.start, 1)
        assert Appointment.objects.get(pk=booking.appointment_id).start == target.start
        assert selectors.free_slots_of(diary.clinic).filter(pk=diary.slot(WEDNESDAY, 10).pk).exists()
        moved_email = OutboxMessage.objects.get(template="clinics_booking_moved", channel=Channel.EMAIL)
        assert "SEQUENCE:1" in moved_email.attachments[0]["content"]
        assert f"UID:booking-{booking.pk}@ohwb-portal" in moved_email.attachments[0]["content"]

    def test_moving_on_the_case_page_to_a_taken_time_is_refused(self, diary):
        booking = self._booked(diary)
        services.book_slot(slot=diary.slot(WEDNESDAY, 11), by=diary.oh_admin, referral=diary.case())
        with pytest.raises(SlotTaken):
            referral_services.reschedule_appointment(
                appointment=booking.appointment, by=diary.oh_admin, start=_at(WEDNESDAY, 11), reason="Swap"
            )
        assert Appointment.objects.get(pk=booking.appointment_id).start == _at(WEDNESDAY, 10)

    def test_cancelling_frees_the_slot_and_sends_a_cancellation(self, diary):
        booking = self._booked(diary)
        services.cancel_booking(booking=booking, by=diary.oh_admin, reason="Employee asked")
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CANCELLED
        assert Appointment.objects.get(pk=booking.appointment_id).status == AppointmentStatus.CANCELLED
        assert selectors.free_slots_of(diary.clinic).filter(pk=booking.slot_id).exists()
        cancel = OutboxMessage.objects.get(template="clinics_booking_cancelled", channel=Channel.EMAIL)
        assert "METHOD:CANCEL" in cancel.attachments[0]["content"]

    def test_withdrawing_the_referral_cancels_the_booking(self, diary):
        booking = self._booked(diary)
        referral_services.withdraw(referral=booking.referral, by=diary.manager, reason="Left the trust")
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CANCELLED

    def test_attendance_recorded_on_the_case_is_the_bookings(self, diary, frozen):
        booking = self._booked(diary)
        frozen.move_to(_at(WEDNESDAY, 10, 5))
        referral_services.record_attendance(appointment=booking.appointment, by=diary.clinician, attended=False)
        booking.refresh_from_db()
        assert booking.status == BookingStatus.DNA


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the exclusion constraint is PostgreSQL's")
class TestTheDatabaseRefusesDoubleBooking:
    def test_an_overlapping_booking_written_past_the_services_is_refused(self, diary):
        booking = services.book_slot(
            slot=diary.build_clinic().slots.order_by("start").first(), by=diary.oh_admin, referral=diary.case()
        )
        with pytest.raises(IntegrityError, match="booking_clinician_time_not_shared"), transaction.atomic():
            Booking.objects.create(
                oh_service_id=booking.oh_service_id,
                clinician_id=booking.clinician_id,
                start=booking.start + timedelta(minutes=10),
                end=booking.end + timedelta(minutes=10),
                referral=diary.case(),
                modality="video",
            )

    def test_a_cancelled_booking_holds_no_time(self, diary):
        booking = services.book_slot(
            slot=diary.build_clinic().slots.order_by("start").first(), by=diary.oh_admin, referral=diary.case()
        )
        Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.CANCELLED)
        Booking.objects.create(
            oh_service_id=booking.oh_service_id,
            clinician_id=booking.clinician_id,
            start=booking.start,
            end=booking.end,
            referral=diary.case(),
            modality="video",
        )

    def test_one_clinicians_slots_never_overlap(self, diary):
        slot = diary.build_clinic().slots.order_by("start").first()
        with pytest.raises(IntegrityError, match="slot_clinician_time_not_shared"), transaction.atomic():
            Slot.objects.create(
                clinic=slot.clinic, clinician=slot.clinician, start=slot.start + timedelta(minutes=5), end=slot.end
            )
