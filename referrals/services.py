"""Every change to a case goes through here: the transition is checked, history written, messages queued.

Callers look the case up through `Referral.objects.visible_to(user)` first (another organisation's
case is a 404); these functions then check that the user's role may make this change.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.services import mark_read, queue_message
from ohwb_portal.single_use_links import LinkProblem, hash_token, new_token, usable
from organisations.models import Employee, Membership, ServiceAssignment, active_membership
from organisations.roles import Role, ServiceLine

from . import selectors
from .actions import ACTION_WORDS, TRANSITIONS, TransitionError, check, check_state, check_who, own_score_stage
from .attachment_rules import AttachmentRefused, check_limits
from .events import appointment_changed, case_closed
from .models import (
    CASE_MESSAGE_MAX_LENGTH,
    REPORT_FIELDS,
    AdjustmentFollowUp,
    AdjustmentStatus,
    Appointment,
    AppointmentStatus,
    Attachment,
    CaseEvent,
    CaseMessage,
    CaseMessagesRead,
    CaseReturn,
    ClinicalNote,
    ConsentChannel,
    ConsentChoice,
    ConsentDecision,
    Kind,
    Measures,
    MeasuresLink,
    MeasureStage,
    MessageSide,
    OutcomeReport,
    ReasonCategory,
    Referral,
    Status,
)
from .referral_rules import in_sentences, referral_errors
from .report_rules import answer_errors

S = Status

SELF_REFERRAL_REASONS: dict[str, str] = {
    ServiceLine.PHYSIOTHERAPY: ReasonCategory.MUSCULOSKELETAL,
    ServiceLine.MENTAL_HEALTH: ReasonCategory.MENTAL_HEALTH,
    ServiceLine.MENOPAUSE: ReasonCategory.MENOPAUSE,
    ServiceLine.GENERAL_OH: ReasonCategory.OTHER,
}


def _require_role(user: User, *roles: str) -> None:
    membership = active_membership(user)
    if membership is None or membership.role not in roles:
        raise PermissionDenied("Your role cannot make this change.")


def _lock(referral: Referral) -> Referral:
    """Lock the case row and reload it, so two changes at once cannot both start from the same state."""
    Referral.objects.select_for_update().filter(pk=referral.pk).first()
    referral.refresh_from_db()
    return referral


def _move(referral: Referral, *, action: str, to: str, by: User | None, note: str = "") -> None:
    if referral.status not in TRANSITIONS[action]:
        raise TransitionError(
            f"This case is '{referral.get_status_display()}', so it cannot be {ACTION_WORDS[action]} now."
        )
    CaseEvent.objects.create(referral=referral, by=by, from_status=referral.status, to_status=to, note=note[:500])
    referral.status = to


def _case_link(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.pk])


def _notify_oh_admins(referral: Referral, *, template: str, key: str) -> None:
    admins = Membership.objects.filter(organisation=referral.oh_service, role=Role.OH_ADMIN).select_related("user")
    for membership in admins:
        queue_message(
            template=template,
            idempotency_key=f"{key}-{membership.user_id}",
            to_user=membership.user,
            context={"reference": referral.reference},
            link=_case_link(referral),
        )


def _route(referral: Referral) -> None:
    assignment = (
        ServiceAssignment.objects.filter(client=referral.employee.organisation, service_line=referral.service_line)
        .select_related("oh_service")
        .first()
    )
    if assignment is None:
        raise TransitionError(
            f"No occupational health service is set up to serve {referral.employee.organisation} for "
            f"{ServiceLine(referral.service_line).label.lower()}. Ask your OH service or IG lead to set this up."
        )
    referral.oh_service = assignment.oh_service


def _check_referable(manager: User, employee: Employee) -> None:
    membership = active_membership(manager)
    if employee.organisation_id != membership.organisation_id:  # type: ignore[union-attr]
        raise PermissionDenied("You can only refer staff of your own organisation.")


@transaction.atomic
def create_management_referral(*, manager: User, employee: Employee, submit: bool, **fields: Any) -> Referral:
    """A draft keeps whatever was typed (only the employee is needed); sending checks the rest."""
    _require_role(manager, Role.MANAGER)
    _check_referable(manager, employee)
    unknown = set(fields) - set(REFERRAL_FIELDS)
    if unknown:
        raise TransitionError(f"Unknown referral fields: {sorted(unknown)}")
    referral = Referral.objects.create(
        kind=Kind.MANAGEMENT, organisation=employee.organisation, employee=employee, referred_by=manager, **fields
    )
    if submit:
        submit_referral(referral=referral, by=manager)
    return referral


# What the manager writes in a referral, and so what a draft or a returned referral lets them change.
REFERRAL_FIELDS = (
    "reason_category",
    "absent_at_referral",
    "absent_since",
    "manager_questions",
    "other_questions",
    "work_details",
    "urgent_requested",
    "employee_agreed",
)


def _write(referral: Referral, by: User, employee: Employee | None, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(REFERRAL_FIELDS)
    if unknown:
        raise TransitionError(f"Unknown referral fields: {sorted(unknown)}")
    if employee is not None and employee.pk != referral.employee_id:
        _check_referable(by, employee)
        referral.employee = employee
        referral.organisation = employee.organisation
    for name, value in fields.items():
        setattr(referral, name, value)


def _require_complete(referral: Referral) -> None:
    if referral.kind != Kind.MANAGEMENT:
        return
    errors = referral_errors({name: getattr(referral, name) for name in REFERRAL_FIELDS})
    if errors:
        raise TransitionError(in_sentences(errors))


@transaction.atomic
def update_draft(*, referral: Referral, by: User, employee: Employee | None = None, **fields: Any) -> Referral:
    """Keep what the manager typed into their draft, complete or not."""
    _lock(referral)
    check(by, referral, "edit_draft")
    _write(referral, by, employee, fields)
    referral.save()
    return referral


@transaction.atomic
def delete_draft(*, referral: Referral, by: User) -> None:
    """A draft is not yet a referral: its manager may delete it, with its documents."""
    _lock(referral)
    check(by, referral, "delete_draft")
    files = [a.file for a in referral.attachments.all()]
    referral.delete()
    transaction.on_commit(lambda: [f.delete(save=False) for f in files])


@transaction.atomic
def resend_referral(
    *,
    referral: Referral,
    by: User,
    reply: str,
    employee: Employee | None = None,
    uploads: list[tuple[Any, str]] | None = None,
    **fields: Any,
) -> Referral:
    """A returned referral (by triage, or after two missed appointments), changed as needed, sent again with the
    manager's reply to OH's question and any further documents. The reply stays on the case with its return."""
    _lock(referral)
    check(by, referral, "resend")
    if not reply.strip():
        raise TransitionError("Reply to occupational health's question before sending the referral again.")
    if referral.kind == Kind.MANAGEMENT:
        _write(referral, by, employee, fields)
    elif fields or employee is not None or uploads:
        raise TransitionError("A self-referral is sent again with your reply only.")
    _require_complete(referral)
    referral.save()  # before the documents: adding them reloads the case under its lock
    if uploads:
        add_attachments(referral=referral, by=by, uploads=uploads)
    open_return = referral.returns.filter(replied_at=None).order_by("-pk").first()
    if open_return is None:  # returned before returns were kept one by one
        open_return = CaseReturn(referral=referral, reason=referral.returned_reason or "Returned to the manager.")
    open_return.reply, open_return.replied_at, open_return.replied_by = reply, timezone.now(), by
    open_return.save()
    _route(referral)
    _move(referral, action="resend", to=S.SUBMITTED, by=by, note=f"Sent again: {reply}")
    referral.submitted_at = timezone.now()
    referral.returned_reason = ""
    referral.dna_count = 0  # attendance starts again with the new triage
    referral.save()
    _notify_oh_admins(referral, template="referrals_new_for_triage", key=f"new-{referral.pk}-{referral.events.count()}")
    return referral


@transaction.atomic
def submit_referral(*, referral: Referral, by: User) -> Referral:
    _lock(referral)
    check(by, referral, "submit")
    _require_complete(referral)
    _route(referral)
    _move(referral, action="submit", to=S.SUBMITTED, by=by)
    referral.submitted_at = timezone.now()
    referral.returned_reason = ""
    referral.save()
    _notify_oh_admins(referral, template="referrals_new_for_triage", key=f"new-{referral.pk}-{referral.events.count()}")
    return referral


ATTACHABLE_STATUSES = frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED_TO_MANAGER})


@transaction.atomic
def add_attachments(*, referral: Referral, by: User, uploads: list[tuple[Any, str]]) -> list[Attachment]:
    """The referring manager adds documents (already type-checked: (file, real type) pairs) before triage,
    or when the referral is returned. The count and total size include what the referral already has."""
    _lock(referral)
    if referral.kind != Kind.MANAGEMENT or referral.referred_by_id != by.pk:
        raise PermissionDenied("Only the manager who made this referral can add documents to it.")
    if referral.status not in ATTACHABLE_STATUSES:
        raise TransitionError("Documents can be added until the referral is triaged, or when it is returned to you.")
    count, size = selectors.stored_attachments(referral)
    try:
        check_limits(existing_count=count, existing_bytes=size, new_sizes=[u.size for u, _ in uploads])
    except AttachmentRefused as exc:
        raise TransitionError(str(exc)) from exc
    return [
        Attachment.objects.create(
            referral=referral,
            file=upload,
            original_name=upload.name[:200],
            content_type=mime,
            size=upload.size,
            uploaded_by=by,
        )
        for upload, mime in uploads
    ]


@transaction.atomic
def self_refer(*, user: User, service_line: str, description: str) -> Referral:
    _require_role(user, Role.EMPLOYEE)
    membership = active_membership(user)
    employee = Employee.objects.filter(user=user, organisation=membership.organisation).first()  # type: ignore[union-attr]
    if employee is None:
        raise TransitionError("Your staff record is not linked to your account yet. Ask your IG lead to link it.")
    referral = Referral.objects.create(
        kind=Kind.SELF,
        organisation=employee.organisation,
        employee=employee,
        service_line=service_line,
        reason_category=SELF_REFERRAL_REASONS.get(service_line, ReasonCategory.OTHER),
        description=description,
        employee_agreed=True,
    )
    submit_referral(referral=referral, by=user)  # no manager is told about a self-referral
    return referral


@transaction.atomic
def accept(*, referral: Referral, by: User, priority: str, practitioner_type: str) -> Referral:
    _lock(referral)
    check(by, referral, "accept")
    _move(referral, action="accept", to=S.TRIAGED, by=by, note=f"{priority}, {practitioner_type}")
    referral.priority = priority
    referral.practitioner_type = practitioner_type
    referral.accepted_at = timezone.now()
    referral.save()
    return referral


@transaction.atomic
def return_to_manager(*, referral: Referral, by: User, reason: str) -> Referral:
    _lock(referral)
    check(by, referral, "return")
    if not reason.strip():
        raise TransitionError("Say what information the manager needs to add.")
    _move(referral, action="return", to=S.RETURNED_TO_MANAGER, by=by, note=reason)
    referral.returned_reason = reason
    CaseReturn.objects.create(referral=referral, returned_by=by, reason=reason)
    referral.save()
    _tell_referrer(referral, template="referrals_returned", key=f"returned-{referral.pk}-{referral.events.count()}")
    return referral


def _tell_referrer(referral: Referral, *, template: str, key: str) -> None:
    if referral.kind == Kind.MANAGEMENT and referral.referred_by:
        queue_message(
            template=template,
            idempotency_key=key,
            to_user=referral.referred_by,
            context={"reference": referral.reference},
            link=_case_link(referral),
        )


@transaction.atomic
def withdraw(*, referral: Referral, by: User, reason: str) -> Referral:
    _lock(referral)
    check(by, referral, "withdraw")
    _move(referral, action="withdraw", to=S.WITHDRAWN, by=by, note=reason)
    referral.closed_at = timezone.now()
    referral.save()
    for appointment in Appointment.objects.filter(referral=referral, status=AppointmentStatus.BOOKED):
        appointment.status = AppointmentStatus.CANCELLED
        appointment.save(update_fields=["status"])
        _appointment_changed(appointment, "cancelled", by)
    return referral


def _appointment_changed(appointment: Appointment, change: str, by: User | None) -> bool:
    """Tell the apps above (the clinics diary) of a change, in its transaction; True when one told the employee."""
    return any(
        told is True for _, told in appointment_changed.send(Appointment, appointment=appointment, change=change, by=by)
    )


@transaction.atomic
def book_appointment(
    *,
    referral: Referral,
    by: User | None,
    clinician: User,
    start: datetime,
    length_minutes: int,
    modality: str,
    location: str = "",
    by_employee_link: bool = False,
) -> Appointment:
    """Book the case's appointment. `by_employee_link`: the employee books through their single-use booking link
    (the caller has resolved it for this case), so only the case's state is checked, not who `by` is."""
    _lock(referral)
    if by_employee_link:
        check_state(referral, "book")
    else:
        check(by, referral, "book")
    if not Membership.objects.filter(user=clinician, organisation=referral.oh_service, role=Role.CLINICIAN).exists():
        raise TransitionError("Choose a clinician of this OH service.")
    if start <= timezone.now():
        raise TransitionError("The appointment must be in the future.")
    follow_up = referral.status in TRANSITIONS["book_follow_up"]
    _move(
        referral,
        action="book_follow_up" if follow_up else "book",
        to=S.FOLLOW_UP_BOOKED if follow_up else S.APPOINTMENT_BOOKED,
        by=by,
        note=f"{start:%d %b %Y %H:%M}" + (", booked by the employee" if by_employee_link else ""),
    )
    referral.save()
    appointment = Appointment.objects.create(
        referral=referral,
        clinician=clinician,
        start=start,
        length_minutes=length_minutes,
        modality=modality,
        location=location,
        is_follow_up=follow_up,
        booked_by=by,
    )
    told = _appointment_changed(appointment, "booked", by)
    if referral.employee.user and not told:
        queue_message(
            template="referrals_appointment_booked",
            idempotency_key=f"appt-booked-{appointment.pk}",
            to_user=referral.employee.user,
            to_address=referral.employee.email or referral.employee.user.email,
            context={
                "when": f"{timezone.localtime(start):%A %d %B %Y at %H:%M}",
                "how": appointment.get_modality_display(),
                "where": location,
            },
            link=_case_link(referral),
        )
    return appointment


def _when(start: datetime) -> str:
    return f"{timezone.localtime(start):%A %d %B %Y at %H:%M}"


def _check_started(appointment: Appointment) -> None:
    if appointment.start > timezone.now():
        raise TransitionError(
            f"This appointment starts on {_when(appointment.start)}. Attendance can be recorded once it has started."
        )


def _apply_attendance(referral: Referral, *, attended: bool, by: User, action: str, note: str) -> None:
    """Move the case on from what happened at the appointment: assessed, to rebook, or back to the manager."""
    if attended:
        _move(referral, action=action, to=S.ASSESSED, by=by, note=note or "attended")
        return
    referral.dna_count += 1
    if referral.dna_count >= 2:
        _move(referral, action=action, to=S.RETURNED_TO_MANAGER, by=by, note=note or "second DNA")
        referral.returned_reason = "The employee did not attend two appointments."
        CaseReturn.objects.create(referral=referral, returned_by=by, reason=referral.returned_reason, after_dnas=True)
        # The manager is told the same day: queued now, sent by the next worker run.
        _tell_referrer(
            referral, template="referrals_second_dna", key=f"second-dna-{referral.pk}-{referral.events.count()}"
        )
    else:
        _move(referral, action=action, to=S.DNA, by=by, note=note or "did not attend")


@transaction.atomic
def record_attendance(*, appointment: Appointment, by: User, attended: bool) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=appointment.referral_id)
    check_who(by, referral, "attendance")
    appointment.refresh_from_db()
    if appointment.status != AppointmentStatus.BOOKED:
        raise TransitionError("Attendance for this appointment is already recorded.")
    _check_started(appointment)
    check_state(referral, "attendance")
    appointment.status = AppointmentStatus.ATTENDED if attended else AppointmentStatus.DNA
    appointment.attendance_recorded_at = timezone.now()
    appointment.save()
    _apply_attendance(referral, attended=attended, by=by, action="attendance", note="")
    referral.save()
    _appointment_changed(appointment, "attendance", by)
    return referral


@transaction.atomic
def correct_attendance(*, appointment: Appointment, by: User, attended: bool, reason: str) -> Referral:
    """Attended <-> did not attend, on the working day it was recorded, while nothing else has happened since."""
    referral = _lock(appointment.referral)
    check_who(by, referral, "correct_attendance")
    appointment.refresh_from_db()
    latest = (
        referral.appointments.exclude(attendance_recorded_at=None).order_by("-attendance_recorded_at", "-pk").first()
    )
    if latest is None or latest.pk != appointment.pk:
        raise TransitionError("Only the attendance recorded last on this case can be corrected.")
    check_state(referral, "correct_attendance")
    wanted = AppointmentStatus.ATTENDED if attended else AppointmentStatus.DNA
    if appointment.status == wanted:
        raise TransitionError(f"This appointment is already recorded as '{wanted.label}'.")
    if not reason.strip():
        raise TransitionError("Say why the attendance record is being corrected.")
    was_returned = referral.status == S.RETURNED_TO_MANAGER
    if appointment.status == AppointmentStatus.DNA:
        referral.dna_count -= 1
        referral.returned_reason = ""
        # The return that second DNA made did not happen: the correction stays in the case history.
        referral.returns.filter(after_dnas=True, replied_at=None).delete()
    appointment.status = wanted
    appointment.save()
    _appointment_changed(appointment, "attendance", by)
    _apply_attendance(
        referral,
        attended=attended,
        by=by,
        action="correct_attendance",
        note=f"Attendance corrected to '{wanted.label}': {reason}",
    )
    referral.save()
    if was_returned:  # the manager was told of two missed appointments: tell them it was a mistake
        _tell_referrer(
            referral, template="referrals_attendance_corrected", key=f"dna-corrected-{referral.pk}-{appointment.pk}"
        )
    return referral


def _tell_employee(referral: Referral, *, template: str, key: str, context: dict[str, Any]) -> None:
    """A notice about an appointment: when, how and where only, never why (the reason stays in the history)."""
    if referral.employee.user:
        queue_message(
            template=template,
            idempotency_key=key,
            to_user=referral.employee.user,
            to_address=referral.employee.email or referral.employee.user.email,
            context=context,
            link=_case_link(referral),
        )


def _bookable(appointment: Appointment, by: User | None, action: str, reason: str, by_employee_link: bool) -> Referral:
    referral = _lock(appointment.referral)
    if by_employee_link:
        check_state(referral, action)
    else:
        check(by, referral, action)
    appointment.refresh_from_db()
    if appointment.status != AppointmentStatus.BOOKED:
        raise TransitionError(f"This appointment is '{appointment.get_status_display()}', so it cannot be changed.")
    if appointment.start <= timezone.now():
        raise TransitionError("This appointment has started, so it cannot be moved or cancelled. Record attendance.")
    if not reason.strip():
        raise TransitionError("Say why the appointment is changing.")
    return referral


@transaction.atomic
def reschedule_appointment(
    *,
    appointment: Appointment,
    by: User | None,
    start: datetime,
    reason: str,
    length_minutes: int | None = None,
    modality: str | None = None,
    location: str | None = None,
    by_employee_link: bool = False,
) -> Appointment:
    """Move an appointment that has not started (to another clinic's slot: with its length, how and where).
    `by_employee_link`: the employee moves it through their single-use link (see book_appointment)."""
    referral = _bookable(appointment, by, "reschedule", reason, by_employee_link)
    if start <= timezone.now():
        raise TransitionError("The new time must be in the future.")
    before = appointment.start
    appointment.start = start
    appointment.length_minutes = length_minutes or appointment.length_minutes
    appointment.modality = modality or appointment.modality
    appointment.location = appointment.location if location is None else location
    appointment.save()
    _move(
        referral,
        action="reschedule",
        to=referral.status,
        by=by,
        note=f"Appointment moved from {before:%d %b %Y %H:%M} to {start:%d %b %Y %H:%M}: {reason}",
    )
    if not _appointment_changed(appointment, "moved", by):
        _tell_employee(
            referral,
            template="referrals_appointment_moved",
            key=f"appt-moved-{appointment.pk}-{start.isoformat()}",
            context={
                "when": _when(start),
                "was": _when(before),
                "how": appointment.get_modality_display(),
                "where": appointment.location,
            },
        )
    return appointment


@transaction.atomic
def cancel_appointment(
    *, appointment: Appointment, by: User | None, reason: str, by_employee_link: bool = False
) -> Referral:
    """The case goes back to where it was before this appointment was booked (to book again)."""
    referral = _bookable(appointment, by, "cancel_appointment", reason, by_employee_link)
    booking = (
        referral.events.filter(to_status=referral.status).exclude(from_status=referral.status).order_by("-pk").first()
    )
    back_to = booking.from_status if booking else S.TRIAGED
    appointment.status = AppointmentStatus.CANCELLED
    appointment.save()
    _move(
        referral,
        action="cancel_appointment",
        to=back_to,
        by=by,
        note=f"Appointment of {appointment.start:%d %b %Y %H:%M} cancelled: {reason}",
    )
    referral.save()
    if not _appointment_changed(appointment, "cancelled", by):
        _tell_employee(
            referral,
            template="referrals_appointment_cancelled",
            key=f"appt-cancelled-{appointment.pk}",
            context={"when": _when(appointment.start)},
        )
    return referral


@transaction.atomic
def add_clinical_note(
    *, referral: Referral, author: User, text: str, addendum_to: ClinicalNote | None = None
) -> ClinicalNote:
    """A new note, or an addendum to a saved one (a note is never edited: an addendum corrects or adds to it,
    and may be written after the case has closed)."""
    _lock(referral)
    if addendum_to is None:
        check_who(author, referral, "note")
        if referral.status not in TRANSITIONS["note"]:
            raise TransitionError("Clinical notes can be added once the case is accepted.")
    else:
        check(author, referral, "addendum")
        if addendum_to.referral_id != referral.pk:
            raise TransitionError("An addendum must belong to the same case.")
    if not text.strip():
        raise TransitionError(f"Write the {'addendum' if addendum_to else 'note'} before saving it.")
    return ClinicalNote.objects.create(referral=referral, author=author, text=text, addendum_to=addendum_to)


def case_messages_link(referral: Referral) -> str:
    return f"{_case_link(referral)}#case-messages"


def _message_recipients(referral: Referral, side: str) -> list[User]:
    """The other side: the referring manager; or the OH service's admins and the clinicians already on this case
    (booked for it or writing on its thread), not every clinician of the service."""
    if side == MessageSide.OH_SERVICE:
        return [referral.referred_by] if referral.referred_by else []
    on_case = set(referral.appointments.values_list("clinician_id", flat=True))
    on_case |= set(referral.messages.filter(side=MessageSide.OH_SERVICE).values_list("author_id", flat=True))
    memberships = Membership.objects.filter(organisation=referral.oh_service).select_related("user")
    return [
        m.user
        for m in memberships.order_by("user_id")
        if m.role == Role.OH_ADMIN or (m.role == Role.CLINICIAN and m.user_id in on_case)
    ]


@transaction.atomic
def send_case_message(*, referral: Referral, by: User, text: str) -> CaseMessage:
    """A short message from one side of a management referral to the other. The other side is told through the
    outbox that there is a new message on the case, never what it says."""
    _lock(referral)
    check(by, referral, "message")
    text = text.strip()
    if not text:
        raise TransitionError("Write your message before sending it.")
    if len(text) > CASE_MESSAGE_MAX_LENGTH:
        raise TransitionError(f"Keep the message to {CASE_MESSAGE_MAX_LENGTH} characters or fewer.")
    side = MessageSide.MANAGER if active_membership(by).role == Role.MANAGER else MessageSide.OH_SERVICE  # type: ignore[union-attr]
    message = CaseMessage.objects.create(referral=referral, author=by, side=side, text=text)
    for recipient in _message_recipients(referral, side):
        if recipient.pk == by.pk:
            continue
        queue_message(
            template="referrals_case_message",
            idempotency_key=f"case-message-{message.pk}-{recipient.pk}",
            to_user=recipient,
            context={"reference": referral.reference},
            link=case_messages_link(referral),
        )
    mark_case_messages_read(referral=referral, by=by)
    return message


def mark_case_messages_read(*, referral: Referral, by: User) -> None:
    """The reader has seen the thread as it is now: its messages are no longer new to them, nor their notices."""
    CaseMessagesRead.objects.update_or_create(referral=referral, user=by, defaults={"read_at": timezone.now()})
    mark_read(user=by, link=case_messages_link(referral))


@transaction.atomic
def record_measures(
    *, referral: Referral, by: User, stage: str, work_ability: int, wellbeing: int | None = None
) -> Measures:
    check(by, referral, "measures")
    if not 0 <= work_ability <= 10:
        raise TransitionError("The work ability score is a whole number from 0 to 10.")
    measures, _ = Measures.objects.update_or_create(
        referral=referral,
        stage=stage,
        defaults={"work_ability": work_ability, "wellbeing": wellbeing, "recorded_by": by},
    )
    return measures


MEASURES_LINK_LIFETIME = timedelta(days=14)


def _save_own_score(referral: Referral, *, by: User | None, work_ability: int) -> Measures:
    """The employee's own score for the stage they are asked about now (the caller has checked there is one)."""
    stage = own_score_stage(referral)
    if not stage:
        raise TransitionError("There is no work ability score to record on this case now.")
    if not 0 <= work_ability <= 10:
        raise TransitionError("Choose a score from 0 to 10.")
    measures = Measures.objects.create(referral=referral, stage=stage, work_ability=work_ability, recorded_by=by)
    # Answered: a link still out for this stage now says so, and the request is no longer new.
    referral.measures_links.filter(stage=stage, used_at=None, revoked_at=None).update(used_at=timezone.now())
    if referral.employee.user:
        mark_read(user=referral.employee.user, link=_case_link(referral))
    return measures


@transaction.atomic
def record_own_score(*, referral: Referral, by: User, work_ability: int) -> Measures:
    """The employee records their own work ability score on their case page (end measures)."""
    _lock(referral)
    check(by, referral, "own_score")
    return _save_own_score(referral, by=by, work_ability=work_ability)


def issue_measures_link(referral: Referral, *, stage: str) -> tuple[str, MeasuresLink]:
    """A new single-use link to the work ability question (an older unused one stops working)."""
    now = timezone.now()
    referral.measures_links.filter(used_at=None, revoked_at=None).update(revoked_at=now)
    raw, token_hash = new_token()
    link = MeasuresLink.objects.create(
        referral=referral, stage=stage, token_hash=token_hash, expires_at=now + MEASURES_LINK_LIFETIME
    )
    return reverse("referrals:score_link", args=[raw]), link


def resolve_measures_link(raw_token: str) -> MeasuresLink:
    """The link behind a token, if it can still be answered (LinkProblem: unknown, used or expired)."""
    link = usable(
        MeasuresLink.objects.select_related("referral__employee").filter(token_hash=hash_token(raw_token)).first()
    )
    if own_score_stage(link.referral) != link.stage:
        # Answered another way (the case page, or the clinician), or the time for it has passed.
        raise LinkProblem("used" if link.referral.measures.filter(stage=link.stage).exists() else "expired")
    return link


@transaction.atomic
def record_score_by_link(*, raw_token: str, work_ability: int) -> Measures:
    """The employee answers through the single-use link: the token stands for them, no sign-in."""
    link = resolve_measures_link(raw_token)
    MeasuresLink.objects.select_for_update().filter(pk=link.pk).first()
    _lock(link.referral)
    link = resolve_measures_link(raw_token)  # again under the locks: two answers at once record one
    return _save_own_score(link.referral, by=link.referral.employee.user, work_ability=work_ability)


def current_draft(referral: Referral) -> OutcomeReport | None:
    """The version being written: the latest one, if it has not been sent to the employee yet."""
    latest = referral.reports.order_by("-version").first()
    return latest if latest is not None and latest.sent_for_consent_at is None else None


def latest_version(referral: Referral) -> OutcomeReport | None:
    return referral.reports.order_by("-version").first()


def _require_complete_answers(referral: Referral, answers: dict[str, Any]) -> None:
    errors = answer_errors(referral.question_texts, answers)
    if errors:
        raise TransitionError(" ".join(m if m[-1] in ".?!" else f"{m}." for m in errors.values()))


@transaction.atomic
def save_report_draft(*, referral: Referral, author: User, **fields: Any) -> OutcomeReport:
    """Write the draft version. Once a version has gone to the employee it is frozen, so the next report
    (after a follow-up, or with factual corrections) is a new version."""
    _lock(referral)
    check(author, referral, "draft_report")
    unknown = set(fields) - set(REPORT_FIELDS)
    if unknown:
        raise TransitionError(f"Unknown report fields: {sorted(unknown)}")
    if fields.get("diagnosis") and not fields.get("diagnosis_consented"):
        raise TransitionError("Leave the diagnosis out unless the employee agreed to include it.")
    _require_complete_answers(referral, fields.get("answers") or {})
    if referral.status == S.ASSESSED:
        _move(referral, action="draft_report", to=S.REPORT_DRAFTED, by=author)
        referral.save()
    elif referral.status != S.REPORT_DRAFTED:
        raise TransitionError("A report can be written once the employee has been assessed.")
    report = current_draft(referral)
    if report is None:
        previous = latest_version(referral)
        return OutcomeReport.objects.create(
            referral=referral, version=previous.version + 1 if previous else 1, author=author, **fields
        )
    for name, value in fields.items():
        setattr(report, name, value)
    report.save()
    return report


@transaction.atomic
def send_for_consent(*, report: OutcomeReport, by: User) -> OutcomeReport:
    _lock(report.referral)
    referral = report.referral
    check(by, referral, "send_for_consent")
    _move(referral, action="send_for_consent", to=S.AWAITING_CONSENT, by=by, note=f"version {report.version}")
    _require_complete_answers(referral, report.answers)
    if report.sent_for_consent_at is not None or report.pk != getattr(current_draft(referral), "pk", None):
        # Rolled back with the event _move wrote: the atomic block ends in this error.
        raise TransitionError("This version of the report was already sent. Write a new version to send it again.")
    referral.save()
    report.sent_for_consent_at = timezone.now()
    report.save()
    if referral.employee.user:
        queue_message(
            template="referrals_consent_request",
            idempotency_key=f"consent-request-{report.pk}",
            to_user=referral.employee.user,
            context={"reference": referral.reference},
            link=reverse("referrals:consent", args=[referral.pk]),
        )
    return report


@transaction.atomic
def record_consent(
    *, report: OutcomeReport, by: User, choice: str, channel: str = ConsentChannel.PORTAL, comment: str = ""
) -> ConsentDecision:
    """The employee's confidentiality decision about releasing this version (not the lawful basis)."""
    _lock(report.referral)
    referral = report.referral
    check_who(by, referral, "consent" if channel == ConsentChannel.PORTAL else "release")
    if referral.status != S.AWAITING_CONSENT or not OutcomeReport.objects.awaiting_decision().filter(pk=report.pk):
        raise TransitionError("This report is not waiting for a consent decision.")
    report.refresh_from_db()
    if (
        choice == ConsentChoice.APPROVE
        and not report.consent_decisions.filter(choice=ConsentChoice.SHOW_ME_FIRST).exists()
    ):
        raise TransitionError("Choose 'release now' or 'show me first'.")
    if choice == ConsentChoice.CORRECTIONS and not comment.strip():
        raise TransitionError("Say which facts are wrong, so the clinician can correct them.")
    decision = ConsentDecision.objects.create(
        report=report, choice=choice, channel=channel, decided_by=by, comment=comment
    )
    if choice != ConsentChoice.SHOW_ME_FIRST and referral.employee.user:
        # The request (and any chaser) asked for this decision: it is no longer new to the employee.
        mark_read(user=referral.employee.user, link=reverse("referrals:consent", args=[referral.pk]))
    note = f"{choice}, version {report.version}"
    if choice in (ConsentChoice.RELEASE_NOW, ConsentChoice.APPROVE):
        _move(referral, action="consent", to=S.RELEASED, by=by, note=note)
        report.released_at = timezone.now()
        # Adjustments belong to the version they were recommended in.
        AdjustmentFollowUp.objects.bulk_create(
            AdjustmentFollowUp(report=report, adjustment=a[:500]) for a in report.adjustments
        )
        _tell_referrer(referral, template="referrals_report_released", key=f"released-{report.pk}")
    elif choice == ConsentChoice.WITHHOLD:
        _move(referral, action="consent", to=S.WITHHELD, by=by, note=note)
        report.withheld_at = timezone.now()
        _tell_referrer(referral, template="referrals_consent_withheld", key=f"withheld-{report.pk}")
    elif choice == ConsentChoice.CORRECTIONS:
        # This version stays as sent; the corrected report is the next version.
        _move(referral, action="consent", to=S.REPORT_DRAFTED, by=by, note=f"factual corrections requested, {note}")
        report.corrections_requested = comment
        queue_message(
            template="referrals_corrections_requested",
            idempotency_key=f"corrections-{decision.pk}",
            to_user=report.author,
            context={"reference": referral.reference},
            link=_case_link(referral),
        )
    report.save()
    referral.save()
    return decision


@transaction.atomic
def answer_adjustment(*, follow_up: AdjustmentFollowUp, by: User, status: str, reason: str = "") -> AdjustmentFollowUp:
    referral = follow_up.report.referral
    check(by, referral, "answer_adjustments")
    if status == AdjustmentStatus.PENDING:
        raise TransitionError("Choose whether the adjustment was put in place.")
    if status in (AdjustmentStatus.PARTLY, AdjustmentStatus.NOT_POSSIBLE) and not reason.strip():
        raise TransitionError("Say why the adjustment was only partly put in place or was not possible.")
    follow_up.status = status
    follow_up.reason = reason
    follow_up.answered_at = timezone.now()
    follow_up.answered_by = by
    follow_up.save()
    return follow_up


@transaction.atomic
def answer_adjustments(*, answers: list[tuple[AdjustmentFollowUp, str, str]], by: User) -> None:
    """Several answers (follow-up, status, reason) saved together: all of them, or none if one is refused."""
    for follow_up, status, reason in answers:
        answer_adjustment(follow_up=follow_up, by=by, status=status, reason=reason)


@transaction.atomic
def close_case(*, referral: Referral, by: User, outcome: str, work_ability: int | None = None) -> Referral:
    _lock(referral)
    check(by, referral, "close")
    _move(referral, action="close", to=S.CLOSED, by=by, note=outcome)
    referral.closure_outcome = outcome
    referral.closed_at = timezone.now()
    referral.save()
    if work_ability is not None:
        record_measures(referral=referral, by=by, stage=MeasureStage.CLOSURE, work_ability=work_ability)
    if referral.employee.user and work_ability is None:
        # End measures, if the clinician recorded none, with one chaser later (metrics sends the survey).
        queue_message(
            template="referrals_end_measures_request",
            idempotency_key=f"end-measures-{referral.pk}",
            to_user=referral.employee.user,
            context={"reference": referral.reference},
            link=_case_link(referral),
        )
    case_closed.send(sender=Referral, referral=referral)
    return referral
