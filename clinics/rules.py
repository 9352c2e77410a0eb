"""The rules of the diary that several layers read: wait targets, what a clinic may be, and what the employee may
do through their own link. Services refuse with them; pages list what they allow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from ohwb_portal.refusals import ActionRefused
from ohwb_portal.working_days import add_working_days, is_working_day, working_days_between
from referrals.models import Priority

# Working days from acceptance to the first appointment (WAIT_TO_FIRST_APPT's target is 10 for all cases).
TARGET_WORKING_DAYS: dict[str, int] = {Priority.URGENT: 5, Priority.ROUTINE: 10}
DUE_SOON_WORKING_DAYS = 2  # a wait this close to its target is flagged before it is breached
SLOT_HORIZON = timedelta(weeks=12)  # how far ahead a clinic's slots are made (extended nightly)
SLOT_MINUTES = (10, 15, 20, 30, 45, 60, 90)
# The employee's own changes: not within a day of the appointment, and at most this many moves of one booking.
SELF_CHANGE_CUTOFF = timedelta(hours=24)
SELF_MOVES_ALLOWED = 2
SELF_BOOK_LINK_LIFETIME = timedelta(days=14)
SLOTS_OFFERED = 12  # how many slots a self-booking page offers at most
# Reminders before each booking: e-mail for cases with no referral reminder of their own, SMS to a mobile number.
REMINDERS = {"2d": timedelta(days=2), "2h": timedelta(hours=2)}


class BookingRefused(ActionRefused):
    """The diary does not allow this booking or change; the message says why."""


class SlotTaken(BookingRefused):
    """The clinician's time is already booked."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message or "That time has just been booked for someone else. Choose another slot.")


def target_for(priority: str, service_line: str = "") -> int:
    """Working days allowed from acceptance to the first appointment."""
    return TARGET_WORKING_DAYS.get(priority or Priority.ROUTINE, TARGET_WORKING_DAYS[Priority.ROUTINE])


def target_date(accepted: date, priority: str) -> date:
    return add_working_days(accepted, target_for(priority))


@dataclass(frozen=True)
class Wait:
    days: int
    target: int

    @property
    def state(self) -> str:
        if self.days > self.target:
            return "breached"
        if self.days >= self.target - DUE_SOON_WORKING_DAYS:
            return "due_soon"
        return "within"

    @property
    def label(self) -> str:
        return {"breached": "Target breached", "due_soon": "Target soon", "within": "Within target"}[self.state]


def wait_so_far(accepted: date, priority: str, today: date | None = None) -> Wait:
    return Wait(working_days_between(accepted, today or timezone.localdate()), target_for(priority))


def clinic_errors(
    *, weekdays: list[int], start_time: time, end_time: time, slot_minutes: int, starts_on: date, ends_on: date | None
) -> dict[str, str]:
    """What is wrong with a clinic's pattern, by field (empty when it can be made)."""
    errors: dict[str, str] = {}
    if not weekdays or any(d not in range(5) for d in weekdays):
        errors["weekdays"] = "Choose the weekdays the clinic runs on"
    if start_time >= end_time:
        errors["end_time"] = "The clinic must end after it starts"
    elif slot_minutes not in SLOT_MINUTES:
        errors["slot_minutes"] = "Choose a slot length from the list"
    else:
        length = datetime.combine(starts_on, end_time) - datetime.combine(starts_on, start_time)
        if length < timedelta(minutes=slot_minutes):
            errors["slot_minutes"] = "The clinic is shorter than one slot"
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = "The last day must be on or after the first day"
    return errors


def runs_on(weekdays: list[int], day: date) -> bool:
    """A clinic runs on its weekdays when they are working days: never on a bank holiday."""
    return day.weekday() in weekdays and is_working_day(day)


def self_change_refusal(start: datetime, employee_changes: int, *, moving: bool) -> str:
    """Why the employee may not move (or cancel) this booking through their link now, or ""."""
    if start - timezone.now() < SELF_CHANGE_CUTOFF:
        return (
            "Your appointment is less than 24 hours away, so it can no longer be changed here. "
            "Phone the occupational health service instead."
        )
    if moving and employee_changes >= SELF_MOVES_ALLOWED:
        return (
            f"This appointment has already been moved {SELF_MOVES_ALLOWED} times. "
            "Phone the occupational health service to change it again."
        )
    return ""
