"""What the diary's pages show: display values made from the models and selectors' answers. No writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.utils import timezone

from organisations.models import active_membership
from organisations.roles import Role, ServiceLine
from referrals.models import Priority, Referral

from . import selectors
from .models import Booking, BookingLink, BookingStatus, LinkPurpose, Slot
from .rules import Wait, wait_so_far
from .rules import self_change_refusal as change_refusal

TAG_COLOURS = {"breached": "red", "due_soon": "orange", "within": "green"}
STATUS_COLOURS: dict[str, str] = {
    BookingStatus.BOOKED: "blue",
    BookingStatus.ATTENDED: "green",
    BookingStatus.DNA: "red",
    BookingStatus.CANCELLED: "grey",
}


def can_build(user: Any) -> bool:
    membership = active_membership(user)
    return bool(membership and membership.role == Role.OH_ADMIN)


def when(moment: Any) -> str:
    return f"{timezone.localtime(moment):%A %d %B %Y at %H:%M}"


def case_heading(referral: Referral) -> str:
    return f"{referral.reference}, {referral.employee.full_name}"


def booking_heading(booking: Booking) -> str:
    if booking.referral_id:
        return case_heading(booking.referral)  # type: ignore[arg-type]
    return f"{booking.assessment.reference}, {booking.assessment.candidate_name}"  # type: ignore[union-attr]


def wait_of(referral: Referral) -> Wait | None:
    if referral.accepted_at is None:
        return None
    return wait_so_far(timezone.localdate(referral.accepted_at), referral.priority)


def can_send_link(referral: Referral) -> bool:
    return bool(selectors.employee_email(referral) or selectors.mobile_number(referral))


def booked_message(booking: Booking) -> str:
    if selectors.letter_needed(booking):
        return "Appointment booked. This person has no e-mail address: print the letter below and send it."
    return "Appointment booked. The details and a calendar invitation have been sent."


@dataclass(frozen=True)
class SlotRow:
    slot: Slot
    time: str
    booked: str  # the case reference holding it, or ""
    booking_pk: int | None


def slot_rows(slots: list[Slot]) -> list[SlotRow]:
    rows = []
    for slot in slots:
        holding = getattr(slot, "holding", None)
        rows.append(
            SlotRow(
                slot,
                f"{timezone.localtime(slot.start):%a %d %b, %H:%M}",
                holding.case_reference if holding else "",
                holding.pk if holding else None,
            )
        )
    return rows


def booking_page(booking: Booking) -> dict[str, Any]:
    referral = booking.referral
    return {
        "booking": booking,
        "case": booking_heading(booking),
        "when": when(booking.start),
        "status_colour": STATUS_COLOURS.get(booking.status, "grey"),
        "letter_needed": selectors.letter_needed(booking),
        "changeable": booking.status == BookingStatus.BOOKED and booking.start > timezone.now(),
        "attendance_due": booking.assessment_id is not None
        and booking.status == BookingStatus.BOOKED
        and booking.start <= timezone.now(),
        "case_url_name": "referrals:detail" if referral is not None else "assessments:detail",
        "case_pk": referral.pk if referral is not None else booking.assessment_id,
        "sms": bool(selectors.booking_mobile(booking)),
        "email": selectors.booking_email(booking),
    }


def letter_context(booking: Booking) -> dict[str, Any]:
    if booking.referral_id:
        employee = booking.referral.employee  # type: ignore[union-attr]
        to = [employee.full_name, employee.job_role, employee.organisation.name]
    else:
        to = [booking.assessment.candidate_name]  # type: ignore[union-attr]
    return {
        "to": to,
        "when": when(booking.start),
        "service": booking.oh_service.name,
        "today": timezone.localdate(),
        "base_url": settings.OHWB_BASE_URL,
    }


def self_change_refusal(link: BookingLink) -> str:
    if link.purpose != LinkPurpose.CHANGE or link.booking is None:
        return ""
    return change_refusal(link.booking.start, link.booking.employee_changes, moving=True)


def waiting_filters(service_line: str, priority: str) -> dict[str, Any]:
    return {
        "service_line": service_line,
        "priority": priority,
        "service_lines": ServiceLine.choices,
        "priorities": Priority.choices,
        "tag_colours": TAG_COLOURS,
    }


@dataclass(frozen=True)
class DiaryEntry:
    time: str
    what: str  # "Free", or the case reference and name
    kind: str  # free, booked, outside
    booking_pk: int | None
    detail: str


def _entry_for_booking(booking: Booking, kind: str) -> DiaryEntry:
    start, end = timezone.localtime(booking.start), timezone.localtime(booking.end)
    return DiaryEntry(
        f"{start:%H:%M} to {end:%H:%M}",
        booking_heading(booking),
        kind,
        booking.pk,
        f"{booking.get_modality_display()}, {booking.get_status_display().lower()}",
    )


def week_view(week: selectors.Week) -> dict[str, Any]:
    days = []
    shown: set[int] = set()  # a booking across two slots (made outside a clinic) is listed once
    for day in week.days:
        entries = []
        for slot in day.slots:
            holding = getattr(slot, "holding", None)
            if holding is not None:
                if holding.pk not in shown:
                    shown.add(holding.pk)
                    entries.append(_entry_for_booking(holding, "booked"))
            else:
                start, end = timezone.localtime(slot.start), timezone.localtime(slot.end)
                entries.append(DiaryEntry(f"{start:%H:%M} to {end:%H:%M}", "Free", "free", None, slot.clinic.name))
        entries += [_entry_for_booking(b, "outside") for b in day.outside]
        entries.sort(key=lambda e: e.time)
        away = ", ".join(e.get_kind_display() for e in day.away)
        days.append({"day": day.day, "working": day.working, "entries": entries, "away": away})
    return {
        "days": days,
        "caseload": week.caseload,
        "offered": week.offered,
        "booked": week.booked,
        "clinician": week.clinician,
    }


@dataclass(frozen=True)
class CapacityRow:
    month: date
    figures: selectors.MonthFigures
    incomplete: bool
    ahead: bool


def capacity_rows(months: list[selectors.MonthFigures], today: date) -> list[CapacityRow]:
    this_month = today.replace(day=1)
    return [CapacityRow(m.month, m, m.month == this_month, m.month > this_month) for m in months]
