"""Every write of the diary: clinics and their slots, exceptions, bookings (by OH staff or by the employee's own
link), and what each booking tells the employee.

No double booking: a booking is written only after the same check PostgreSQL's exclusion constraint makes
(`_hold`), and on PostgreSQL the constraint decides a race between two requests (the loser's insert waits for the
winner's commit, then fails, and is refused as SlotTaken). Referral appointments are booked, moved and cancelled by
referrals' services, which tell the diary in their transaction (`follow_appointment`, connected in apps.py): so the
case's history, state and the diary never disagree, however the change was made.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from assessments.models import Assessment, AssessmentStatus, ClearanceOutcome
from notifications.models import Channel
from notifications.services import queue_message
from ohwb_portal.single_use_links import LinkProblem, hash_token, new_token, usable
from organisations.models import Membership, Organisation, active_membership
from organisations.roles import Role
from referrals import services as referral_services
from referrals.actions import TRANSITIONS
from referrals.models import Appointment, AppointmentStatus, Referral

from . import selectors
from .invitations import invitation
from .models import (
    HOLDING_STATUSES,
    Booking,
    BookingLink,
    BookingStatus,
    Clinic,
    DiaryException,
    LinkPurpose,
    Slot,
)
from .rules import (
    SELF_BOOK_LINK_LIFETIME,
    SLOT_HORIZON,
    BookingRefused,
    SlotTaken,
    clinic_errors,
    runs_on,
    self_change_refusal,
)

BOOKABLE = TRANSITIONS["book"] | TRANSITIONS["book_follow_up"]


# --- who -------------------------------------------------------------------------------------------------------


def _service_of(user: User | None, *roles: str) -> Organisation:
    membership = active_membership(user)
    if membership is None or membership.role not in roles:
        raise PermissionDenied(
            "Only the OH service's administrators can do this."
            if roles == (Role.OH_ADMIN,)
            else "Only the OH service's staff can do this."
        )
    return membership.organisation


def _require_staff_of(user: User | None, service_id: int | None) -> None:
    membership = active_membership(user)
    if membership is None or membership.role not in (Role.OH_ADMIN, Role.CLINICIAN):
        raise PermissionDenied("Only the OH service's staff can do this.")
    if membership.organisation_id != service_id:
        raise PermissionDenied("Only the OH service handling this case can do this.")


def _require_clinician_of(clinician: User, service: Organisation) -> None:
    if not Membership.objects.filter(user=clinician, organisation=service, role=Role.CLINICIAN).exists():
        raise BookingRefused("Choose a clinician of this OH service.")


# --- clinics and slots ---------------------------------------------------------------------------------------


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _slot_times(clinic: Clinic, day: date) -> list[tuple[datetime, datetime]]:
    step = timedelta(minutes=clinic.slot_minutes)
    start, close = _aware(day, clinic.start_time), _aware(day, clinic.end_time)
    times = []
    while start + step <= close:
        times.append((start, start + step))
        start += step
    return times


def _excepted_days(clinic: Clinic, first: date, last: date) -> set[date]:
    days: set[date] = set()
    exceptions = DiaryException.objects.filter(
        Q(clinic=clinic) | Q(clinic__isnull=True, clinician=clinic.clinician),
        first_day__lte=last,
        last_day__gte=first,
    )
    for exception in exceptions:
        day = max(first, exception.first_day)
        while day <= min(last, exception.last_day):
            days.add(day)
            day += timedelta(days=1)
    return days


def generate_slots(clinic: Clinic, *, until: date | None = None) -> int:
    """Make the clinic's slots from today (or its first day) up to `until` (the horizon by default): on its weekdays
    that are working days, less exception days. Safe to run again: existing slots are kept as they are."""
    first = max(clinic.starts_on, timezone.localdate())
    last = until or timezone.localdate() + SLOT_HORIZON
    if clinic.ends_on is not None:
        last = min(last, clinic.ends_on)
    if last < first:
        return 0
    excepted = _excepted_days(clinic, first, last)
    rows: list[Slot] = []
    day = first
    while day <= last:
        if runs_on(clinic.weekdays, day) and day not in excepted:
            rows.extend(
                Slot(clinic=clinic, clinician_id=clinic.clinician_id, start=start, end=end)
                for start, end in _slot_times(clinic, day)
            )
        day += timedelta(days=1)
    before = Slot.objects.filter(clinic=clinic).count()
    # ignore_conflicts: a slot already made (same clinic and start) stays as it is, withdrawn or not.
    Slot.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return Slot.objects.filter(clinic=clinic).count() - before


def _overlapping_clinic(clinician: User, weekdays: list[int], start: time, end: time, first: date, last: date | None):
    others = Clinic.objects.filter(clinician=clinician, start_time__lt=end, end_time__gt=start)
    others = others.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first))
    if last is not None:
        others = others.filter(starts_on__lte=last)
    return next((c for c in others if set(c.weekdays) & set(weekdays)), None)


@transaction.atomic
def create_clinic(
    *,
    by: User,
    name: str,
    clinician: User,
    practitioner_type: str,
    modality: str,
    location: str,
    weekdays: list[int],
    start_time: time,
    end_time: time,
    slot_minutes: int,
    starts_on: date,
    ends_on: date | None = None,
) -> Clinic:
    """An OH administrator sets up a clinic; its slots for the weeks ahead are made at once, and the clinician's
    appointments already booked from now on take their time in the diary."""
    service = _service_of(by, Role.OH_ADMIN)
    _require_clinician_of(clinician, service)
    errors = clinic_errors(
        weekdays=weekdays,
        start_time=start_time,
        end_time=end_time,
        slot_minutes=slot_minutes,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    if errors:
        raise BookingRefused(" ".join(f"{message}." for message in errors.values()))
    clash = _overlapping_clinic(clinician, weekdays, start_time, end_time, starts_on, ends_on)
    if clash is not None:
        raise BookingRefused(
            f"{clinician.display_name} already holds {clash.name} at that time ({clash.days_display}, "
            f"{clash.start_time:%H:%M} to {clash.end_time:%H:%M})."
        )
    clinic = Clinic.objects.create(
        oh_service=service,
        name=name.strip(),
        clinician=clinician,
        practitioner_type=practitioner_type,
        modality=modality,
        location=location.strip(),
        weekdays=sorted(set(weekdays)),
        start_time=start_time,
        end_time=end_time,
        slot_minutes=slot_minutes,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=by,
    )
    hold_existing_appointments(clinician=clinician, service=service)
    generate_slots(clinic)
    return clinic


def hold_existing_appointments(*, clinician: User, service: Organisation) -> int:
    """A clinician starting to work from a diary: their booked appointments from now on take their time in it.
    Two already overlapping each other (booked before the diary) keep the first; the other is left as booked."""
    held = 0
    appointments = Appointment.objects.filter(
        clinician=clinician,
        referral__oh_service=service,
        status=AppointmentStatus.BOOKED,
        start__gt=timezone.now(),
        booking__isnull=True,
    ).select_related("referral")
    for appointment in appointments.order_by("start"):
        try:
            _hold_appointment(appointment, by=appointment.booked_by)
        except SlotTaken:
            continue
        held += 1
    return held


@transaction.atomic
def end_clinic(*, clinic: Clinic, by: User, last_day: date) -> int:
    """The clinic runs until `last_day`: its free slots after it are withdrawn (booked ones stay, to be moved)."""
    service = _service_of(by, Role.OH_ADMIN)
    if clinic.oh_service_id != service.pk:
        raise PermissionDenied("Only the OH service running this clinic can change it.")
    clinic.ends_on = last_day
    clinic.save(update_fields=["ends_on"])
    after = _aware(last_day + timedelta(days=1), time.min)
    return Slot.objects.filter(pk__in=selectors.free_slots_of(clinic).filter(start__gte=after)).update(
        withdrawn_at=timezone.now()
    )


@transaction.atomic
def add_exception(
    *, by: User, clinician: User, kind: str, first_day: date, last_day: date, clinic: Clinic | None = None
) -> DiaryException:
    """Leave, training or a closure: no slots are offered on those days (free ones already made are withdrawn;
    bookings on them stay, listed on the clinic's page to be moved)."""
    service = _service_of(by, Role.OH_ADMIN)
    _require_clinician_of(clinician, service)
    if clinic is not None and (clinic.oh_service_id != service.pk or clinic.clinician_id != clinician.pk):
        raise BookingRefused("Choose one of this clinician's clinics.")
    if last_day < first_day:
        raise BookingRefused("The last day must be on or after the first day.")
    exception = DiaryException.objects.create(
        oh_service=service,
        clinician=clinician,
        clinic=clinic,
        kind=kind,
        first_day=first_day,
        last_day=last_day,
        created_by=by,
    )
    slots = Slot.objects.filter(clinician=clinician, clinic__oh_service=service)
    if clinic is not None:
        slots = slots.filter(clinic=clinic)
    slots = slots.filter(
        start__gte=_aware(first_day, time.min), start__lt=_aware(last_day + timedelta(days=1), time.min)
    )
    Slot.objects.filter(pk__in=slots.free()).update(withdrawn_at=timezone.now(), withdrawn_by=exception)
    return exception


def extend_slots() -> int:
    """Nightly: every running clinic's slots made up to the horizon (the task calls this)."""
    made = 0
    for clinic in Clinic.objects.running_on(timezone.localdate()).select_related("clinician"):
        made += generate_slots(clinic)
    return made


# --- holding the clinician's time ------------------------------------------------------------------------------


def _clash(clinician_id: int, start: datetime, end: datetime, *, but: Booking | None = None) -> bool:
    taken = Booking.objects.holding().filter(clinician_id=clinician_id, start__lt=end, end__gt=start)
    if but is not None and but.pk is not None:
        taken = taken.exclude(pk=but.pk)
    return taken.exists()


def _save_holding(booking: Booking) -> Booking:
    """Write a booking that holds time: the service's check first (the only one on SQLite), then the database's
    exclusion constraint (PostgreSQL), whose refusal in a savepoint becomes the same SlotTaken."""
    if booking.status in HOLDING_STATUSES and _clash(booking.clinician_id, booking.start, booking.end, but=booking):
        raise SlotTaken()
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as exc:
        if "booking_clinician_time_not_shared" in str(exc):
            raise SlotTaken() from exc
        raise
    return booking


def _slot_at(clinician_id: int, start: datetime, end: datetime) -> Slot | None:
    """The clinic slot an appointment at exactly this time fills, if there is one."""
    return Slot.objects.offered().filter(clinician_id=clinician_id, start=start, end=end).first()


def _end(appointment: Appointment) -> datetime:
    return appointment.start + timedelta(minutes=appointment.length_minutes)


def _works_from_diary(clinician_id: int, service_id: int | None) -> bool:
    return Clinic.objects.filter(clinician_id=clinician_id, oh_service_id=service_id).exists()


def _hold_appointment(appointment: Appointment, *, by: User | None) -> Booking:
    referral = appointment.referral
    end = _end(appointment)
    return _save_holding(
        Booking(
            oh_service=referral.oh_service,
            clinician_id=appointment.clinician_id,
            start=appointment.start,
            end=end,
            slot=_slot_at(appointment.clinician_id, appointment.start, end),
            appointment=appointment,
            referral=referral,
            modality=appointment.modality,
            location=appointment.location,
            booked_by=by,
        )
    )


def follow_appointment(sender: Any, *, appointment: Appointment, change: str, by: User | None, **kwargs: Any) -> bool:
    """referrals' appointment_changed: the diary follows each change of a referral's appointment, in the same
    transaction; a time already taken refuses the change (SlotTaken). Returns True when the diary told the employee
    (with the calendar invitation), so referrals sends no notice of its own."""
    if change == "booked":
        if not _works_from_diary(appointment.clinician_id, appointment.referral.oh_service_id):
            return False  # a clinician with no clinic books as before
        booking = _hold_appointment(appointment, by=by)
        _tell(booking, "booked")
        return True
    found = Booking.objects.select_for_update().filter(appointment=appointment).first()
    if found is None:
        return False
    booking = found
    if change == "moved":
        booking.start, booking.end = appointment.start, _end(appointment)
        booking.modality, booking.location = appointment.modality, appointment.location
        booking.slot = _slot_at(booking.clinician_id, booking.start, booking.end)
        booking.sequence += 1
        _save_holding(booking)
        _tell(booking, "moved")
        return True
    if change == "cancelled":
        booking.status = BookingStatus.CANCELLED
        booking.sequence += 1
        booking.save()
        _tell(booking, "cancelled")
        return True
    if change == "attendance":
        attendance: dict[str, str] = {
            AppointmentStatus.ATTENDED: BookingStatus.ATTENDED,
            AppointmentStatus.DNA: BookingStatus.DNA,
        }
        booking.status = attendance.get(appointment.status, BookingStatus.BOOKED)
        booking.attendance_recorded_at = appointment.attendance_recorded_at
        booking.save()
    return False


# --- booking by OH staff ---------------------------------------------------------------------------------------


def _free_slot(slot: Slot) -> Slot:
    slot = Slot.objects.select_related("clinic").get(pk=slot.pk)
    if slot.withdrawn_at is not None:
        raise BookingRefused("This slot is no longer offered. Choose another one.")
    if slot.start <= timezone.now():
        raise BookingRefused("This slot has already started. Choose a later one.")
    return slot


@transaction.atomic
def book_slot(
    *, slot: Slot, by: User, referral: Referral | None = None, assessment: Assessment | None = None
) -> Booking:
    """Book a referral (its first appointment or a follow-up) or a pre-employment further assessment into a free
    slot. A slot someone else has just taken is refused (SlotTaken)."""
    slot = _free_slot(slot)
    if (referral is None) == (assessment is None):
        raise BookingRefused("Book one case: a referral or a pre-employment check.")
    service_id = referral.oh_service_id if referral is not None else assessment.oh_service_id  # type: ignore[union-attr]
    _require_staff_of(by, service_id)
    if slot.clinic.oh_service_id != service_id:
        raise BookingRefused("Choose a slot of this OH service's clinics.")
    if _clash(slot.clinician_id, slot.start, slot.end):
        raise SlotTaken()
    if referral is not None:
        appointment = referral_services.book_appointment(
            referral=referral,
            by=by,
            clinician=slot.clinician,
            start=slot.start,
            length_minutes=slot.length_minutes,
            modality=slot.clinic.modality,
            location=slot.clinic.location,
        )
        return Booking.objects.get(appointment=appointment)
    return _book_check(slot=slot, by=by, assessment=assessment)  # type: ignore[arg-type]


def _book_check(*, slot: Slot, by: User, assessment: Assessment) -> Booking:
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != AssessmentStatus.CLEARED or assessment.outcome != ClearanceOutcome.FURTHER_ASSESSMENT:
        raise BookingRefused("Only a check whose outcome is 'further assessment needed' is booked into a clinic.")
    if assessment.bookings.filter(status=BookingStatus.BOOKED).exists():
        raise BookingRefused("This check already has a further assessment booked. Move that one instead.")
    booking = _save_holding(
        Booking(
            oh_service_id=assessment.oh_service_id,
            clinician_id=slot.clinician_id,
            start=slot.start,
            end=slot.end,
            slot=slot,
            assessment=assessment,
            modality=slot.clinic.modality,
            location=slot.clinic.location,
            booked_by=by,
        )
    )
    _tell(booking, "booked")
    return booking


def _locked_booking(booking: Booking) -> Booking:
    return Booking.objects.select_for_update(of=("self",)).get(pk=booking.pk)


def _check_changeable(booking: Booking) -> None:
    if booking.status != BookingStatus.BOOKED:
        raise BookingRefused(f"This booking is '{booking.get_status_display()}', so it cannot be changed.")
    if booking.start <= timezone.now():
        raise BookingRefused("This appointment has started, so it cannot be moved or cancelled.")


@transaction.atomic
def move_booking(*, booking: Booking, slot: Slot, by: User, reason: str) -> Booking:
    """Move a booking into another free slot (of any of the service's clinics: its length, how and where follow)."""
    booking = _locked_booking(booking)
    _require_staff_of(by, booking.oh_service_id)
    _check_changeable(booking)
    slot = _free_slot(slot)
    if slot.clinic.oh_service_id != booking.oh_service_id:
        raise BookingRefused("Choose a slot of this OH service's clinics.")
    if not reason.strip():
        raise BookingRefused("Say why the appointment is moving.")
    return _move_to(booking, slot, by=by, reason=reason, by_employee_link=False)


def _move_to(booking: Booking, slot: Slot, *, by: User | None, reason: str, by_employee_link: bool) -> Booking:
    if _clash(slot.clinician_id, slot.start, slot.end, but=booking):
        raise SlotTaken()
    if booking.appointment_id:
        appointment = Appointment.objects.get(pk=booking.appointment_id)
        if appointment.clinician_id != slot.clinician_id:
            # Another clinician's clinic: the appointment changes hands, the case history says so.
            Appointment.objects.filter(pk=appointment.pk).update(clinician_id=slot.clinician_id)
            Booking.objects.filter(pk=booking.pk).update(clinician_id=slot.clinician_id)
            appointment.refresh_from_db()
        referral_services.reschedule_appointment(
            appointment=appointment,
            by=by,
            start=slot.start,
            reason=reason,
            length_minutes=slot.length_minutes,
            modality=slot.clinic.modality,
            location=slot.clinic.location,
            by_employee_link=by_employee_link,
        )
        booking.refresh_from_db()
        return booking
    booking.clinician_id, booking.start, booking.end, booking.slot = slot.clinician_id, slot.start, slot.end, slot
    booking.modality, booking.location = slot.clinic.modality, slot.clinic.location
    booking.sequence += 1
    _save_holding(booking)
    _tell(booking, "moved")
    return booking


@transaction.atomic
def cancel_booking(*, booking: Booking, by: User, reason: str) -> Booking:
    booking = _locked_booking(booking)
    _require_staff_of(by, booking.oh_service_id)
    _check_changeable(booking)
    if not reason.strip():
        raise BookingRefused("Say why the appointment is cancelled.")
    if booking.appointment_id:
        referral_services.cancel_appointment(
            appointment=booking.appointment,  # type: ignore[arg-type]  # a referral's booking has one
            by=by,
            reason=reason,
        )
        booking.refresh_from_db()
        return booking
    booking.status = BookingStatus.CANCELLED
    booking.sequence += 1
    booking.save()
    _tell(booking, "cancelled")
    return booking


@transaction.atomic
def record_check_attendance(*, booking: Booking, by: User, attended: bool) -> Booking:
    """Attendance at a pre-employment further assessment (a referral's is recorded on its case)."""
    booking = _locked_booking(booking)
    _require_staff_of(by, booking.oh_service_id)
    if booking.assessment_id is None:
        raise BookingRefused("Record attendance for a referral's appointment on its case page.")
    if booking.status != BookingStatus.BOOKED:
        raise BookingRefused("Attendance for this appointment is already recorded.")
    if booking.start > timezone.now():
        raise BookingRefused("Attendance can be recorded once the appointment has started.")
    booking.status = BookingStatus.ATTENDED if attended else BookingStatus.DNA
    booking.attendance_recorded_at = timezone.now()
    booking.save()
    return booking


# --- the employee's own link -----------------------------------------------------------------------------------


def _link_url(raw: str) -> str:
    return settings.OHWB_BASE_URL.rstrip("/") + reverse("clinics:self_service", args=[raw])


def _issue_link(referral: Referral, *, purpose: str, booking: Booking | None, expires: datetime) -> str:
    now = timezone.now()
    referral.booking_links.filter(used_at=None, revoked_at=None).update(revoked_at=now)
    raw, token_hash = new_token()
    BookingLink.objects.create(
        referral=referral, booking=booking, purpose=purpose, token_hash=token_hash, expires_at=expires
    )
    return raw


@transaction.atomic
def send_booking_link(*, referral: Referral, by: User) -> str:
    """OH staff send the employee a single-use link to choose their own slot (by e-mail, and SMS to a mobile)."""
    referral = Referral.objects.select_for_update(of=("self",)).select_related("employee__user").get(pk=referral.pk)
    _require_staff_of(by, referral.oh_service_id)
    if referral.status not in BOOKABLE:
        raise BookingRefused("This case is not waiting to be booked.")
    if not selectors.employee_email(referral) and not selectors.mobile_number(referral):
        raise BookingRefused("The employee has no e-mail address or mobile number: book a slot for them instead.")
    raw = _issue_link(
        referral, purpose=LinkPurpose.BOOK, booking=None, expires=timezone.now() + SELF_BOOK_LINK_LIFETIME
    )
    _tell_link(referral, raw)
    return raw


def _tell_link(referral: Referral, raw: str) -> None:
    employee = referral.employee
    context: dict[str, object] = {"reference": referral.reference, "link": _link_url(raw)}
    key = f"booking-link-{hash_token(raw)[:16]}"
    email = selectors.employee_email(referral)
    if email:
        queue_message(
            template="clinics_choose_appointment",
            idempotency_key=f"{key}-email",
            to_user=employee.user,
            to_address=email,
            context=context,
            link=_link_url(raw),
            in_portal=False,
        )
    mobile = selectors.mobile_number(referral)
    if mobile:
        queue_message(
            template="clinics_choose_appointment_sms",
            idempotency_key=f"{key}-sms",
            to_address=mobile,
            channel=Channel.SMS,
            context=context,
            in_portal=False,
        )


def resolve_link(raw: str) -> BookingLink:
    """The link behind a token, if it can still be used (LinkProblem: unknown, used or expired)."""
    link = usable(
        BookingLink.objects.select_related("referral__employee", "booking").filter(token_hash=hash_token(raw)).first()
    )
    if link.purpose == LinkPurpose.BOOK and link.referral.status not in BOOKABLE:
        raise LinkProblem("used")  # booked another way meanwhile
    if link.purpose == LinkPurpose.CHANGE and (link.booking is None or link.booking.status != BookingStatus.BOOKED):
        raise LinkProblem("used")
    return link


def _locked_link(raw: str) -> BookingLink:
    link = resolve_link(raw)
    BookingLink.objects.select_for_update().filter(pk=link.pk).first()
    return resolve_link(raw)  # again under the lock: two uses at once make one change


def _notify_oh_admins(referral: Referral, *, what: str, key: str) -> None:
    for membership in Membership.objects.filter(organisation=referral.oh_service, role=Role.OH_ADMIN):
        queue_message(
            template="clinics_changed_by_employee",
            idempotency_key=f"{key}-{membership.user_id}",
            to_user=membership.user,
            context={"reference": referral.reference, "what": what},
            link=reverse("referrals:detail", args=[referral.pk]),
        )


def _suitable(link: BookingLink, slot: Slot) -> Slot:
    slots, _ = selectors.suitable_slots(link.referral, exclude=link.booking)
    chosen = next((s for s in slots if s.pk == slot.pk), None)
    if chosen is None:
        raise BookingRefused("That slot is no longer free. Choose another one.")
    return chosen


@transaction.atomic
def book_by_link(*, raw: str, slot: Slot) -> Booking:
    """The employee books their case into one of the slots their link offers; no sign-in, the token stands for them."""
    link = _locked_link(raw)
    if link.purpose != LinkPurpose.BOOK:
        raise BookingRefused("This link is for changing your appointment.")
    slot = _suitable(link, slot)
    referral = link.referral
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    appointment = referral_services.book_appointment(
        referral=referral,
        by=referral.employee.user,
        clinician=slot.clinician,
        start=slot.start,
        length_minutes=slot.length_minutes,
        modality=slot.clinic.modality,
        location=slot.clinic.location,
        by_employee_link=True,
    )
    booking = Booking.objects.get(appointment=appointment)
    Booking.objects.filter(pk=booking.pk).update(by_employee=True)
    _notify_oh_admins(referral, what="booked", key=f"self-booked-{booking.pk}")
    return booking


@transaction.atomic
def move_by_link(*, raw: str, slot: Slot) -> Booking:
    """The employee moves their booking to another offered slot, within the rules (rules.self_change_refusal)."""
    link = _locked_link(raw)
    booking = _locked_booking(link.booking)  # type: ignore[arg-type]
    refusal = self_change_refusal(booking.start, booking.employee_changes, moving=True)
    if refusal:
        raise BookingRefused(refusal)
    slot = _suitable(link, slot)
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    booking = _move_to(
        booking, slot, by=link.referral.employee.user, reason="Moved by the employee", by_employee_link=True
    )
    Booking.objects.filter(pk=booking.pk).update(by_employee=True, employee_changes=booking.employee_changes + 1)
    booking.refresh_from_db()
    _notify_oh_admins(link.referral, what="moved", key=f"self-moved-{booking.pk}-{booking.sequence}")
    return booking


@transaction.atomic
def cancel_by_link(*, raw: str) -> Referral:
    """The employee cancels their booking; the case waits to be booked again, and a new link to choose a slot is
    sent with the cancellation."""
    link = _locked_link(raw)
    booking = _locked_booking(link.booking)  # type: ignore[arg-type]
    refusal = self_change_refusal(booking.start, booking.employee_changes, moving=False)
    if refusal:
        raise BookingRefused(refusal)
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    referral = referral_services.cancel_appointment(
        appointment=booking.appointment,  # type: ignore[arg-type]  # a referral's booking has one
        by=link.referral.employee.user,
        reason="Cancelled by the employee",
        by_employee_link=True,
    )
    Booking.objects.filter(pk=booking.pk).update(by_employee=True)
    _notify_oh_admins(referral, what="cancelled", key=f"self-cancelled-{booking.pk}")
    return referral


# --- what the employee is told ---------------------------------------------------------------------------------

TEMPLATES = {
    "booked": "clinics_booking_confirmed",
    "moved": "clinics_booking_moved",
    "cancelled": "clinics_booking_cancelled",
}


def _tell(booking: Booking, change: str) -> None:
    """E-mail with the calendar invitation and (for a referral) a new single-use link to move or cancel it; an SMS
    to a mobile number; nothing by e-mail for staff without an address (their letter is printed: selectors.
    letter_needed). When, how, where and the reference only: never why."""
    change_link = ""
    referral = booking.referral
    if referral is not None and change != "cancelled":
        change_link = _link_url(
            _issue_link(referral, purpose=LinkPurpose.CHANGE, booking=booking, expires=booking.start)
        )
    elif referral is not None and change == "cancelled" and referral.status in BOOKABLE:
        expires = timezone.now() + SELF_BOOK_LINK_LIFETIME
        change_link = _link_url(_issue_link(referral, purpose=LinkPurpose.BOOK, booking=None, expires=expires))
    context: dict[str, object] = {
        "when": f"{timezone.localtime(booking.start):%A %d %B %Y at %H:%M}",
        "how": booking.get_modality_display(),
        "where": booking.location,
        "reference": booking.case_reference,
        "change_link": change_link,
    }
    key = f"booking-{booking.pk}-{booking.sequence}-{change}"
    email = selectors.booking_email(booking)
    if email:
        queue_message(
            template=TEMPLATES[change],
            idempotency_key=f"{key}-email",
            to_user=referral.employee.user if referral is not None else None,
            to_address=email,
            context=context,
            link=reverse("referrals:detail", args=[referral.pk]) if referral is not None else "",
            attachments=[invitation(booking, change_link=change_link)],
        )
    mobile = selectors.booking_mobile(booking)
    if mobile:
        queue_message(
            template=f"{TEMPLATES[change]}_sms",
            idempotency_key=f"{key}-sms",
            to_address=mobile,
            channel=Channel.SMS,
            context=context,
            in_portal=False,
        )


def send_reminders(*, now: datetime, label: str, ahead: timedelta) -> int:
    """Reminders of bookings starting within `ahead`: an SMS to a mobile number, and an e-mail for a further
    assessment (a referral's appointment has its e-mail reminder from referrals). Idempotent by key."""
    queued = 0
    due = Booking.objects.filter(status=BookingStatus.BOOKED, start__gt=now, start__lte=now + ahead).select_related(
        "referral__employee__user", "assessment"
    )
    for booking in due:
        context: dict[str, object] = {
            "when": f"{timezone.localtime(booking.start):%A %d %B %Y at %H:%M}",
            "how": booking.get_modality_display(),
            "where": booking.location,
            "reference": booking.case_reference,
        }
        mobile = selectors.booking_mobile(booking)
        if mobile:
            queued += (
                queue_message(
                    template="clinics_booking_reminder_sms",
                    idempotency_key=f"booking-reminder-{label}-{booking.pk}-{booking.sequence}-sms",
                    to_address=mobile,
                    channel=Channel.SMS,
                    context=context,
                    in_portal=False,
                )
                is not None
            )
        email = selectors.booking_email(booking)
        if booking.assessment_id and email:
            queued += (
                queue_message(
                    template="clinics_booking_reminder",
                    idempotency_key=f"booking-reminder-{label}-{booking.pk}-{booking.sequence}-email",
                    to_address=email,
                    context=context,
                    in_portal=False,
                )
                is not None
            )
    return queued
