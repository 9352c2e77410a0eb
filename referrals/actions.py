"""What a user may do to a case now: the one rule that the services enforce and the pages and API list.

Each action has the statuses it may start from (`TRANSITIONS`), who may take it, and any further condition
of the case. The services call `check_who` / `check_state` (or `check`) to refuse; `allowed_actions` asks the
same questions without raising, so a case page never offers what a hand-made POST could not do, nor hides
what it could.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ohwb_portal.refusals import ActionRefused
from ohwb_portal.working_days import is_working_day
from organisations.models import active_membership
from organisations.roles import Role

from .models import OPEN_STATUSES, AppointmentStatus, Kind, MeasureStage, OutcomeReport, Referral, Status

S = Status
# transition -> statuses it may start from. The target status is decided by the service itself.
TRANSITIONS: dict[str, frozenset[str]] = {
    "submit": frozenset({S.DRAFT}),
    # A returned referral goes back edited and with the manager's reply to OH (PRODUCT.md section 3).
    "resend": frozenset({S.RETURNED_TO_MANAGER}),
    "edit_draft": frozenset({S.DRAFT}),
    "delete_draft": frozenset({S.DRAFT}),
    "accept": frozenset({S.SUBMITTED}),
    "return": frozenset({S.SUBMITTED, S.DNA}),
    # A draft is deleted rather than withdrawn: it was never a referral.
    "withdraw": frozenset({S.SUBMITTED, S.TRIAGED, S.APPOINTMENT_BOOKED, S.DNA, S.RETURNED_TO_MANAGER}),
    "book": frozenset({S.TRIAGED, S.DNA}),
    "book_follow_up": frozenset({S.RELEASED, S.WITHHELD, S.ASSESSED}),
    "attendance": frozenset({S.APPOINTMENT_BOOKED, S.FOLLOW_UP_BOOKED}),
    "correct_attendance": frozenset({S.ASSESSED, S.DNA, S.RETURNED_TO_MANAGER}),
    "reschedule": frozenset({S.APPOINTMENT_BOOKED, S.FOLLOW_UP_BOOKED}),
    "cancel_appointment": frozenset({S.APPOINTMENT_BOOKED, S.FOLLOW_UP_BOOKED}),
    "note": frozenset(
        {
            S.TRIAGED,
            S.APPOINTMENT_BOOKED,
            S.ASSESSED,
            S.REPORT_DRAFTED,
            S.AWAITING_CONSENT,
            S.RELEASED,
            S.WITHHELD,
            S.FOLLOW_UP_BOOKED,
            S.DNA,
        }
    ),
    "draft_report": frozenset({S.ASSESSED, S.REPORT_DRAFTED}),
    "send_for_consent": frozenset({S.REPORT_DRAFTED}),
    "consent": frozenset({S.AWAITING_CONSENT}),
    "close": frozenset({S.ASSESSED, S.RELEASED, S.WITHHELD, S.REPORT_DRAFTED}),
    # Messages while the case is open; a withdrawn or closed case keeps its thread, read only.
    "message": frozenset(OPEN_STATUSES),
}

ACTION_WORDS = {
    "submit": "submitted",
    "resend": "sent again",
    "edit_draft": "changed as a draft",
    "delete_draft": "deleted as a draft",
    "accept": "accepted",
    "return": "returned to the manager",
    "withdraw": "withdrawn",
    "book": "booked",
    "book_follow_up": "given a follow-up",
    "attendance": "marked as attended or not",
    "correct_attendance": "given an attendance correction",
    "reschedule": "given a new appointment time",
    "cancel_appointment": "given an appointment cancellation",
    "note": "given a clinical note",
    "draft_report": "given a report",
    "send_for_consent": "sent for consent",
    "consent": "given a consent decision",
    "close": "closed",
    "release": "released",
    "message": "given a new message",
    "addendum": "given an addendum",
}


class TransitionError(ActionRefused):
    """The case is not in a state that allows this change; the message says why in the user's words."""


def _referrer(user: Any, case: Referral) -> bool:
    """The person the referral belongs to: the manager who made it, or the employee who referred themselves."""
    if case.kind == Kind.MANAGEMENT:
        return bool(case.referred_by_id) and case.referred_by_id == user.pk
    return case.employee.user_id is not None and case.employee.user_id == user.pk


def _oh_staff(user: Any, case: Referral) -> bool:
    m = active_membership(user)
    return bool(m and m.role in (Role.OH_ADMIN, Role.CLINICIAN) and m.organisation_id == case.oh_service_id)


def _oh_admin(user: Any, case: Referral) -> bool:
    m = active_membership(user)
    return bool(m and m.role == Role.OH_ADMIN and m.organisation_id == case.oh_service_id)


def _clinician(user: Any, case: Referral) -> bool:
    m = active_membership(user)
    return bool(m and m.role == Role.CLINICIAN and m.organisation_id == case.oh_service_id)


def _employee(user: Any, case: Referral) -> bool:
    return case.employee.user_id is not None and case.employee.user_id == user.pk


def _manager_of_referral(user: Any, case: Referral) -> bool:
    """Drafts are management referrals only (a self-referral is sent as it is written)."""
    return case.kind == Kind.MANAGEMENT and _referrer(user, case)


def _message_party(user: Any, case: Referral) -> bool:
    """Case messages are between the manager who made a management referral and the OH service handling it."""
    return case.kind == Kind.MANAGEMENT and (_referrer(user, case) or _oh_staff(user, case))


def _open_for_messages(case: Referral) -> str:
    if case.status not in TRANSITIONS["message"]:
        return (
            f"This case is '{case.get_status_display()}', so no new messages can be sent on it. "
            "The messages already sent stay here to read."
        )
    return ""


def _has_notes(case: Referral) -> str:
    if not case.notes.exists():
        return "There is no clinical note on this case to add an addendum to."
    return ""


def _has_started_appointment(case: Referral) -> str:
    if not case.appointments.filter(status=AppointmentStatus.BOOKED, start__lte=timezone.now()).exists():
        return "Attendance can be recorded once the appointment has started."
    return ""


def _has_future_appointment(case: Referral) -> str:
    if not case.appointments.filter(status=AppointmentStatus.BOOKED, start__gt=timezone.now()).exists():
        return "Only an appointment that has not started yet can be moved or cancelled."
    return ""


def _attendance_correctable_today(case: Referral) -> str:
    today = timezone.localdate()
    latest = case.appointments.exclude(attendance_recorded_at=None).order_by("-attendance_recorded_at", "-pk").first()
    if latest is None or not is_working_day(today) or timezone.localdate(latest.attendance_recorded_at) != today:
        return "Attendance can only be corrected on the working day it was recorded."
    returned_by_triage = case.status == S.RETURNED_TO_MANAGER and case.dna_count < 2
    if case.status not in ATTENDANCE_RESULT[latest.status] or returned_by_triage:
        return "The case has moved on since attendance was recorded, so it can no longer be corrected here."
    return ""


# What recording each outcome leaves the case as: a correction starts only from there.
ATTENDANCE_RESULT: dict[str, frozenset[str]] = {
    AppointmentStatus.ATTENDED: frozenset({S.ASSESSED}),
    AppointmentStatus.DNA: frozenset({S.DNA, S.RETURNED_TO_MANAGER}),
    AppointmentStatus.BOOKED: frozenset(),
    AppointmentStatus.CANCELLED: frozenset(),
}


def _has_unsent_draft(case: Referral) -> str:
    latest = case.reports.order_by("-version").first()
    if latest is None or latest.sent_for_consent_at is not None:
        return "This version of the report was already sent. Write a new version to send it again."
    return ""


def _has_released_report(case: Referral) -> str:
    if not OutcomeReport.objects.released_to_manager().filter(referral=case).exists():
        return "Adjustments can be recorded once a report has been released to you."
    return ""


# The employee's own work ability score (PRODUCT.md section 3, End measures): at intake while the case is
# open and accepted, and at closure for four weeks after it (the request at closure, one chaser a week later
# and its two-week link all fall within them). After that the case counts as closed without end measures.
OWN_SCORE_AT_INTAKE = TRANSITIONS["note"]
OWN_SCORE_AFTER_CLOSURE = timedelta(weeks=4)


def own_score_stage(case: Referral) -> str:
    """The stage whose work ability score the employee is asked for now ("" when none is)."""
    if case.anonymised_at is not None:
        return ""
    if case.status in OWN_SCORE_AT_INTAKE:
        stage = MeasureStage.INTAKE
    elif (
        case.status == S.CLOSED
        and case.closed_at is not None
        and case.closed_at > timezone.now() - OWN_SCORE_AFTER_CLOSURE
    ):
        stage = MeasureStage.CLOSURE
    else:
        return ""
    return "" if case.measures.filter(stage=stage).exists() else stage


def _own_score_due(case: Referral) -> str:
    if own_score_stage(case):
        return ""
    if case.status == S.CLOSED and not case.measures.filter(stage=MeasureStage.CLOSURE).exists():
        return "This case closed more than four weeks ago, so a work ability score can no longer be added to it."
    if case.status in OWN_SCORE_AT_INTAKE or case.status == S.CLOSED:
        return "Your work ability score for this stage of the case is already recorded. Thank you."
    return "Your work ability score is asked for once the case is accepted, and again when it closes."


def _employee_acting_as_such(user: Any, case: Referral) -> bool:
    """The employee themselves, signed in as an employee (not in another role they also hold)."""
    m = active_membership(user)
    return bool(m and m.role == Role.EMPLOYEE) and _employee(user, case)


OH_SERVICE = "Only the OH service handling this case can do this."
CLINICIAN = "Only a clinician of the OH service handling this case can do this."


@dataclass(frozen=True)
class Rule:
    who: Callable[[Any, Referral], bool]
    refused: str  # PermissionDenied message when `who` says no
    statuses: frozenset[str] | None  # None: any status
    also: Callable[[Referral], str] | None = None  # a further condition; returns why not, or ""


# Listed in the order a case page shows them.
RULES: dict[str, Rule] = {
    "submit": Rule(_referrer, "Only the manager who made this referral can submit it.", TRANSITIONS["submit"]),
    "edit_draft": Rule(
        _manager_of_referral, "Only the manager who made this draft can change it.", TRANSITIONS["edit_draft"]
    ),
    "delete_draft": Rule(
        _manager_of_referral, "Only the manager who made this draft can delete it.", TRANSITIONS["delete_draft"]
    ),
    # Returned by triage or after two missed appointments alike: edited, with a reply, and sent again.
    "resend": Rule(_referrer, "Only the person who made this referral can send it again.", TRANSITIONS["resend"]),
    "accept": Rule(_oh_staff, OH_SERVICE, TRANSITIONS["accept"]),
    "return": Rule(_oh_staff, OH_SERVICE, TRANSITIONS["return"]),
    "book": Rule(_oh_staff, OH_SERVICE, TRANSITIONS["book"] | TRANSITIONS["book_follow_up"]),
    "attendance": Rule(_oh_staff, OH_SERVICE, TRANSITIONS["attendance"], _has_started_appointment),
    "correct_attendance": Rule(_oh_staff, OH_SERVICE, TRANSITIONS["correct_attendance"], _attendance_correctable_today),
    "reschedule": Rule(_oh_staff, OH_SERVICE, TRANSITIONS["reschedule"], _has_future_appointment),
    "cancel_appointment": Rule(_oh_staff, OH_SERVICE, TRANSITIONS["cancel_appointment"], _has_future_appointment),
    "note": Rule(_clinician, CLINICIAN, TRANSITIONS["note"]),
    # A correction to the record stays possible after the case is closed: a saved note is never edited.
    "addendum": Rule(_clinician, CLINICIAN, None, _has_notes),
    "measures": Rule(_clinician, CLINICIAN, None),
    "draft_report": Rule(_clinician, CLINICIAN, TRANSITIONS["draft_report"]),
    "send_for_consent": Rule(_clinician, CLINICIAN, TRANSITIONS["send_for_consent"], _has_unsent_draft),
    "close": Rule(_clinician, CLINICIAN, TRANSITIONS["close"]),
    "consent": Rule(_employee, "Only the employee can make this decision in the portal.", TRANSITIONS["consent"]),
    "own_score": Rule(
        _employee_acting_as_such, "Only the employee records their own work ability score.", None, _own_score_due
    ),
    "release": Rule(_clinician, CLINICIAN, TRANSITIONS["consent"]),
    "answer_adjustments": Rule(_referrer, "Only the referring manager answers this.", None, _has_released_report),
    "message": Rule(
        _message_party,
        "Case messages are between the manager who made the referral and the OH service handling it.",
        None,
        _open_for_messages,
    ),
    "withdraw": Rule(
        lambda user, case: _referrer(user, case) or _oh_admin(user, case),
        "You cannot withdraw this referral.",
        TRANSITIONS["withdraw"],
    ),
}
ACTIONS: tuple[str, ...] = tuple(RULES)


def check_who(user: Any, case: Referral, action: str) -> None:
    """Refuse (PermissionDenied) a user whose role or part in the case does not allow this action."""
    rule = RULES[action]
    if user is None or not getattr(user, "is_authenticated", False) or not rule.who(user, case):
        raise PermissionDenied(rule.refused)


def check_state(case: Referral, action: str) -> None:
    """Refuse (TransitionError) an action the case's state does not allow now."""
    rule = RULES[action]
    if rule.statuses is not None and case.status not in rule.statuses:
        raise TransitionError(
            f"This case is '{case.get_status_display()}', so it cannot be {ACTION_WORDS.get(action, action)} now."
        )
    reason = rule.also(case) if rule.also else ""
    if reason:
        raise TransitionError(reason)


def check(user: Any, case: Referral, action: str) -> None:
    check_who(user, case, action)
    check_state(case, action)


def allowed_actions(user: Any, case: Referral) -> frozenset[str]:
    """The actions this user may take on this case now, by the same checks the services refuse with."""
    allowed = set()
    for action in ACTIONS:
        try:
            check(user, case, action)
        except (PermissionDenied, TransitionError):
            continue
        allowed.add(action)
    return frozenset(allowed)
