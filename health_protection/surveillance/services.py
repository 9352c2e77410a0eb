"""Writes for health surveillance: programmes and their rules, enrolment, recall links and chasers, answers sent
back through a link, and results. Every write checks the rule (actions.py), and every message goes through the
outbox with no health detail in it (ADR 4)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.services import queue_message
from ohwb_portal.single_use_links import LinkProblem as LinkProblem  # raised by resolve_link
from ohwb_portal.single_use_links import hash_token, new_token, usable
from organisations.models import Employee, Organisation, ServiceAssignment, active_membership
from organisations.roles import OH_SERVICE_ROLES

from . import selectors
from .actions import SurveillanceError, check, check_state, check_who
from .models import (
    Basis,
    Enrolment,
    EnrolmentRule,
    Invitation,
    Outcome,
    Programme,
    ProgrammeKind,
    RecallPurpose,
    Recording,
    Result,
)
from .programmes import (
    KINDS,
    categories_of,
    questions_of,
    records_category,
    records_spirometry,
    records_test_values_text,
)
from .status import RECALL_WINDOW, add_months

LINK_LIFETIME = timedelta(days=28)
# Reminders while overdue: the first the day after the date due, then every two weeks, three in all; after that
# the OH service's overdue list is where the person is followed up.
CHASE_EVERY = timedelta(days=14)
CHASERS = 3


# --- programmes -------------------------------------------------------------------------------------------------


@transaction.atomic
def create_programme(
    *,
    by: User,
    organisation: Organisation,
    kind: str,
    name: str = "",
    interval_months: int | None = None,
    recording: str = "",
    categories: str = "",
    description: str = "",
) -> Programme:
    """An OH service starts a programme for an employer it serves. The standard kinds record what their kind
    records; a programme the OH service defines names itself, its recording and, for categories, the list."""
    membership = active_membership(by)
    if membership is None or membership.role not in OH_SERVICE_ROLES:
        raise PermissionDenied("Only an occupational health service can start a surveillance programme.")
    oh_service = membership.organisation
    if not ServiceAssignment.objects.filter(oh_service=oh_service, client=organisation).exists():
        raise SurveillanceError(f"{oh_service} does not serve {organisation}.")
    spec = KINDS[kind]
    if kind == ProgrammeKind.CUSTOM:
        if not name.strip():
            raise SurveillanceError("Give the programme a name.")
        if recording not in Recording.values:
            raise SurveillanceError("Say what a result of the programme records.")
        if recording == Recording.CATEGORY and not [c for c in categories.splitlines() if c.strip()]:
            raise SurveillanceError("List the categories a result can take, one a line.")
    else:
        recording, categories = spec.recording, ""
    return Programme.objects.create(
        oh_service=oh_service,
        organisation=organisation,
        kind=kind,
        name=name.strip() or str(ProgrammeKind(kind).label),
        recording=recording,
        interval_months=interval_months or spec.interval_months,
        categories=categories,
        description=description,
        created_by=by,
    )


@transaction.atomic
def add_rule(*, programme: Programme, by: User, basis: str, value: str) -> EnrolmentRule:
    check(by, programme, "add_rule")
    if basis not in (Basis.JOB_ROLE, Basis.DEPARTMENT):
        raise SurveillanceError("A rule enrols staff by job role or by department.")
    value = value.strip()
    if not value:
        raise SurveillanceError(f"Enter the {Basis(basis).label.lower()} as it is in the ESR staff data.")
    if programme.rules.filter(basis=basis, value__iexact=value).exists():
        raise SurveillanceError(f"The programme already enrols staff by this {Basis(basis).label.lower()}.")
    return EnrolmentRule.objects.create(programme=programme, basis=basis, value=value, created_by=by)


def _default_first_due(today: date) -> date:
    """A new member of the programme is due within the recall window: the first invitation goes out at once."""
    return today + RECALL_WINDOW


def _open_enrolment(
    *, programme: Programme, employee: Employee, by: User, basis: str, first_due_on: date
) -> Enrolment | None:
    if Enrolment.objects.filter(programme=programme, employee=employee, ended_at__isnull=True).exists():
        return None
    return Enrolment.objects.create(
        programme=programme,
        employee=employee,
        basis=basis,
        enrolled_at=timezone.now(),
        enrolled_by=by,
        first_due_on=first_due_on,
        due_on=first_due_on,
    )


def _locked_programme(programme: Programme) -> Programme:
    return Programme.objects.select_for_update().get(pk=programme.pk)


@transaction.atomic
def apply_rules(*, programme: Programme, by: User, first_due_on: date | None = None) -> int:
    """Enrol every member of the employer's staff that the programme's rules match and who is not under it now.
    Safe to run again: staff already enrolled are left as they are. Returns how many were enrolled."""
    check_who(by, programme, "apply_rules")
    programme = _locked_programme(programme)
    check_state(programme, "apply_rules")
    due = first_due_on or _default_first_due(timezone.localdate())
    job_roles = {r.value.lower() for r in programme.rules.all() if r.basis == Basis.JOB_ROLE}
    enrolled = 0
    for employee in selectors.staff_matching_rules(programme):
        basis = Basis.JOB_ROLE if employee.job_role.lower() in job_roles else Basis.DEPARTMENT
        made = _open_enrolment(programme=programme, employee=employee, by=by, basis=basis, first_due_on=due)
        enrolled += made is not None
    return enrolled


@transaction.atomic
def enrol(*, programme: Programme, by: User, employee: Employee, first_due_on: date | None = None) -> Enrolment:
    """Enrol a named member of the employer's staff."""
    check_who(by, programme, "enrol")
    programme = _locked_programme(programme)
    check_state(programme, "enrol")
    if employee.organisation_id != programme.organisation_id:
        raise SurveillanceError(f"{employee} is not on the staff of {programme.organisation}.")
    due = first_due_on or _default_first_due(timezone.localdate())
    enrolment = _open_enrolment(programme=programme, employee=employee, by=by, basis=Basis.NAMED, first_due_on=due)
    if enrolment is None:
        raise SurveillanceError(f"{employee} is already under this programme.")
    return enrolment


def _locked(enrolment: Enrolment) -> Enrolment:
    """The enrolment's row, locked and as it is now: two changes (or two task runs) at once cannot both start
    from the same state."""
    return Enrolment.objects.select_for_update().select_related("programme", "employee").get(pk=enrolment.pk)


@transaction.atomic
def end_enrolment(*, enrolment: Enrolment, by: User, reason: str) -> Enrolment:
    """The member of staff leaves the programme (moved role, left the employer): no more recalls or chasers.
    Their results are kept (retention: 40 years from the last entry)."""
    check_who(by, enrolment, "end")
    enrolment = _locked(enrolment)
    check_state(enrolment, "end")
    if not reason.strip():
        raise SurveillanceError("Say why the member of staff leaves the programme.")
    enrolment.ended_at, enrolment.ended_by, enrolment.end_reason = timezone.now(), by, reason.strip()
    enrolment.save(update_fields=["ended_at", "ended_by", "end_reason"])
    enrolment.invitations.filter(used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return enrolment


# --- recall links -----------------------------------------------------------------------------------------------

MESSAGES: dict[str, str] = {
    RecallPurpose.RECALL: "surveillance_recall",
    RecallPurpose.SENT_BY_OH: "surveillance_recall",
    RecallPurpose.CHASER: "surveillance_chaser",
}


def can_be_sent_to(employee: Employee) -> bool:
    return bool(employee.email or (employee.user and employee.user.email))


def _issue(enrolment: Enrolment, purpose: str, round: int = 0) -> Invitation:
    """A new single-use link (any older unused one stops working) and the message that carries it."""
    now = timezone.now()
    enrolment.invitations.filter(used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    raw, token_hash = new_token()
    invitation = Invitation.objects.create(
        enrolment=enrolment,
        purpose=purpose,
        for_due_on=enrolment.due_on,
        round=round,
        token_hash=token_hash,
        expires_at=now + LINK_LIFETIME,
    )
    employee = enrolment.employee
    queue_message(
        template=MESSAGES[purpose],
        idempotency_key=f"surveillance-link-{invitation.pk}",
        to_user=employee.user,
        to_address=employee.email,
        context={
            "organisation": enrolment.programme.organisation.name,
            "programme": enrolment.programme.name,
            "due": f"{enrolment.due_on:%-d %B %Y}",
            "expires": f"{timezone.localtime(invitation.expires_at):%-d %B %Y}",
        },
        link=reverse("surveillance:recall", args=[raw]),
        in_portal=False,
    )
    return invitation


@transaction.atomic
def invite(*, enrolment: Enrolment, by: User) -> Invitation:
    """OH sends the member of staff a recall link now (for example, they could not find the e-mail)."""
    check_who(by, enrolment, "invite")
    enrolment = _locked(enrolment)
    check_state(enrolment, "invite")
    if not can_be_sent_to(enrolment.employee):
        raise SurveillanceError("The staff record has no e-mail address to send the link to. Update it from ESR.")
    return _issue(enrolment, RecallPurpose.SENT_BY_OH)


def _answered_for(enrolment: Enrolment) -> bool:
    return enrolment.invitations.filter(for_due_on=enrolment.due_on, submitted_at__isnull=False).exists()


@transaction.atomic
def send_recall(*, enrolment: Enrolment) -> Invitation | None:
    """The recall for the date due, once: nothing if it went already, the answers are back, or the person has left
    the programme. Run by the recall task with no user."""
    enrolment = _locked(enrolment)
    if enrolment.ended_at or not enrolment.programme.active or not can_be_sent_to(enrolment.employee):
        return None
    if _answered_for(enrolment):
        return None
    if enrolment.invitations.filter(purpose=RecallPurpose.RECALL, for_due_on=enrolment.due_on).exists():
        return None
    return _issue(enrolment, RecallPurpose.RECALL)


def chaser_round(due_on: date, today: date) -> int:
    """Which reminder is due: 1 the day after the date due, 2 two weeks later, 3 two weeks after that; 0 if the
    person is not overdue."""
    if today <= due_on:
        return 0
    return min(1 + (today - due_on - timedelta(days=1)) // CHASE_EVERY, CHASERS)


@transaction.atomic
def chase(*, enrolment: Enrolment, today: date | None = None) -> Invitation | None:
    """The overdue reminder this round, once, with a new link; the first also tells the line manager that one of
    their staff is overdue (no programme named, no health detail). Run by the chaser task with no user."""
    today = today or timezone.localdate()
    enrolment = _locked(enrolment)
    if enrolment.ended_at or not enrolment.programme.active:
        return None
    round = chaser_round(enrolment.due_on, today)
    if round == 0 or _answered_for(enrolment):
        return None
    chased = enrolment.invitations.filter(purpose=RecallPurpose.CHASER, for_due_on=enrolment.due_on, round=round)
    if chased.exists():
        return None
    invitation = _issue(enrolment, RecallPurpose.CHASER, round) if can_be_sent_to(enrolment.employee) else None
    manager = enrolment.employee.line_manager
    if manager is not None:
        queue_message(
            template="surveillance_staff_overdue",
            idempotency_key=f"surveillance-overdue-{enrolment.pk}-{enrolment.due_on:%Y%m%d}",
            to_user=manager,
            context={"organisation": enrolment.programme.organisation.name},
            link=reverse("surveillance:team"),
        )
    return invitation


def resolve_link(raw_token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("enrolment__programme__organisation", "enrolment__employee")
        .filter(token_hash=hash_token(raw_token))
        .first()
    )
    return usable(invitation)


@transaction.atomic
def submit_answers(*, raw_token: str, answers: dict[str, Any]) -> Invitation:
    """The member of staff's screening answers, sent once through the link; the link stops working."""
    invitation = resolve_link(raw_token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    usable(invitation)  # as it is now, under the lock: a second send of the same form is refused
    names = {q.name for q in questions_of(invitation.enrolment.programme)}
    kept = {key: value for key, value in answers.items() if key in names or key.removesuffix("_details") in names}
    now = timezone.now()
    invitation.answers, invitation.submitted_at, invitation.used_at = kept, now, now
    invitation.save(update_fields=["answers", "submitted_at", "used_at"])
    return invitation


# --- results ----------------------------------------------------------------------------------------------------


def _spirometry(values: dict[str, Any]) -> dict[str, Any]:
    try:
        fev1, fvc = Decimal(str(values.get("fev1", ""))), Decimal(str(values.get("fvc", "")))
    except ArithmeticError:
        raise SurveillanceError("Enter FEV1 and FVC in litres, for example 3.25.") from None
    if not (Decimal("0.2") <= fev1 <= Decimal("10") and Decimal("0.2") <= fvc <= Decimal("10")):
        raise SurveillanceError("FEV1 and FVC are between 0.2 and 10 litres.")
    if fev1 > fvc:
        raise SurveillanceError("FEV1 cannot be more than FVC: check the values.")
    return {"fev1": str(fev1), "fvc": str(fvc), "fev1_fvc_percent": str(round(100 * fev1 / fvc, 1))}


def _checked_values(programme: Programme, category: str, values: dict[str, Any] | None) -> tuple[str, dict]:
    values = values or {}
    if records_spirometry(programme):
        return "", _spirometry(values)
    kept: dict[str, Any] = {}
    if records_test_values_text(programme):
        text = str(values.get("text", "")).strip()
        if not text:
            raise SurveillanceError("Enter the test values.")
        kept = {"text": text}
    if records_category(programme):
        if category not in categories_of(programme):
            raise SurveillanceError("Choose the result's category.")
        return category, kept
    return "", kept


@transaction.atomic
def record_result(
    *,
    enrolment: Enrolment,
    by: User,
    performed_on: date,
    outcome: str,
    category: str = "",
    values: dict[str, Any] | None = None,
    findings: str = "",
    restrictions: str = "",
    next_due_on: date | None = None,
) -> Result:
    """A clinician or OH nurse records a check: what the programme records, the outcome and the next date due
    (by default the programme's interval after the check). The enrolment moves on to that date; its line manager
    is told that a check was recorded, and sees the outcome category in the portal."""
    check_who(by, enrolment, "record_result")
    enrolment = _locked(enrolment)
    check_state(enrolment, "record_result")
    programme = enrolment.programme
    today = timezone.localdate()
    if performed_on > today:
        raise SurveillanceError("The check cannot be dated in the future.")
    if performed_on < timezone.localdate(enrolment.enrolled_at) - timedelta(days=366):
        raise SurveillanceError("The check is more than a year older than the enrolment: check the date.")
    if outcome not in Outcome.values:
        raise SurveillanceError("Choose the outcome.")
    if outcome == Outcome.FIT_WITH_RESTRICTIONS and not restrictions.strip():
        raise SurveillanceError("Describe the restrictions.")
    category, kept_values = _checked_values(programme, category, values)
    next_due = next_due_on or add_months(performed_on, programme.interval_months)
    if next_due <= performed_on:
        raise SurveillanceError("The next date due must be after the check.")
    if next_due > add_months(performed_on, 60):
        raise SurveillanceError("The next date due cannot be more than 5 years after the check.")
    result = Result.objects.create(
        enrolment=enrolment,
        performed_on=performed_on,
        recorded_by=by,
        invitation=selectors.unreviewed_answers(enrolment),
        values=kept_values,
        category=category,
        findings=findings.strip(),
        outcome=outcome,
        restrictions=restrictions.strip() if outcome == Outcome.FIT_WITH_RESTRICTIONS else "",
        next_due_on=next_due,
    )
    latest = enrolment.last_checked_on is None or performed_on >= enrolment.last_checked_on
    if latest:
        enrolment.due_on, enrolment.last_checked_on, enrolment.last_outcome = next_due, performed_on, outcome
        enrolment.save(update_fields=["due_on", "last_checked_on", "last_outcome"])
        enrolment.invitations.filter(used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=timezone.now())
    manager = enrolment.employee.line_manager
    if manager is not None:
        queue_message(
            template="surveillance_check_recorded",
            idempotency_key=f"surveillance-recorded-{result.pk}",
            to_user=manager,
            context={"organisation": programme.organisation.name},
            link=reverse("surveillance:team"),
        )
    return result
