"""Display values for surveillance, and which fields each role is given: the one answer pages and the API share to
"a manager sees status and the outcome category, never the results"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from organisations.models import active_membership
from organisations.roles import Role

from .actions import allowed_actions
from .models import Enrolment, Invitation, Outcome, Programme, Result
from .programmes import category_label, questions_of, records_spirometry
from .status import Status, status_on

if TYPE_CHECKING:
    from accounts.models import User

# What each side sees of an enrolment (never a result: those are Result rows, for the service's clinicians).
MANAGER_FIELDS = ("id", "reference", "employee_name", "programme_name", "status", "due_on", "outcome")
OH_FIELDS = (
    *MANAGER_FIELDS,
    "employee",
    "programme",
    "basis",
    "enrolled_at",
    "last_checked_on",
    "awaiting_review",
    "ended_at",
    "allowed_actions",
)
STATUS_TAGS: dict[str, str] = {
    Status.UP_TO_DATE: "green",
    Status.DUE: "yellow",
    Status.OVERDUE: "red",
    Status.ENDED: "grey",
}
OUTCOME_TAGS: dict[str, str] = {
    Outcome.FIT: "green",
    Outcome.FIT_WITH_RESTRICTIONS: "yellow",
    Outcome.REFER: "orange",
    Outcome.UNFIT: "red",
}


def enrolment_fields(user: User | None) -> tuple[str, ...]:
    membership = active_membership(user)
    if membership is None:
        return ()
    if membership.role in (Role.OH_ADMIN, Role.CLINICIAN, Role.IG_LEAD):
        return OH_FIELDS
    if membership.role in (Role.MANAGER, Role.EMPLOYEE):
        return MANAGER_FIELDS
    return ()


def status_of(enrolment: Enrolment, today: date | None = None) -> str:
    return status_on(enrolment.due_on, today or timezone.localdate(), ended=enrolment.ended_at is not None)


@dataclass(frozen=True)
class Tag:
    text: str
    colour: str


def status_tag(enrolment: Enrolment) -> Tag:
    status = status_of(enrolment)
    return Tag(str(Status(status).label), STATUS_TAGS[status])


def outcome_tag(enrolment: Enrolment) -> Tag | None:
    if not enrolment.last_outcome:
        return None
    return Tag(enrolment.get_last_outcome_display(), OUTCOME_TAGS[enrolment.last_outcome])


def enrolment_values(user: User | None, enrolment: Enrolment) -> dict[str, Any]:
    """The enrolment as this user may see it: the fields of `enrolment_fields`, nothing else."""
    values: dict[str, Any] = {
        "id": enrolment.pk,
        "reference": enrolment.reference,
        "employee_name": enrolment.employee.full_name,
        "programme_name": enrolment.programme.name,
        "status": status_of(enrolment),
        "due_on": enrolment.due_on,
        "outcome": enrolment.last_outcome,
        "employee": enrolment.employee_id,
        "programme": enrolment.programme_id,
        "basis": enrolment.basis,
        "enrolled_at": enrolment.enrolled_at,
        "last_checked_on": enrolment.last_checked_on,
        "awaiting_review": bool(getattr(enrolment, "awaiting_review", False)),
        "ended_at": enrolment.ended_at,
        "allowed_actions": allowed_actions(user, enrolment),
    }
    return {name: values[name] for name in enrolment_fields(user)}


def compliance(programme: Programme) -> str:
    """Share of the programme's staff not overdue, from the counts selectors.programmes annotates."""
    enrolled = getattr(programme, "enrolled", 0)
    if not enrolled:
        return "No one enrolled"
    in_date = enrolled - getattr(programme, "overdue", 0)
    return f"{round(100 * in_date / enrolled)}%"


def result_rows(programme: Programme, result: Result) -> list[tuple[str, str]]:
    """A result as summary rows, in words."""
    rows = [("Checked on", f"{result.performed_on:%-d %B %Y}")]
    if records_spirometry(programme) and result.values:
        rows += [
            ("FEV1", f"{result.values.get('fev1')} litres"),
            ("FVC", f"{result.values.get('fvc')} litres"),
            ("FEV1/FVC", f"{result.values.get('fev1_fvc_percent')}%"),
        ]
    elif result.values.get("text"):
        rows.append(("Test values", result.values["text"]))
    if result.category:
        rows.append((category_label(programme), result.category))
    if result.findings:
        rows.append(("Findings", result.findings))
    rows.append(("Outcome", result.get_outcome_display()))
    if result.restrictions:
        rows.append(("Restrictions", result.restrictions))
    rows.append(("Next due", f"{result.next_due_on:%-d %B %Y}"))
    return rows


def answer_rows(programme: Programme, invitation: Invitation) -> list[tuple[str, str, str]]:
    """(question, answer, details) for screening answers sent back."""
    return [
        (
            q.label,
            {"yes": "Yes", "no": "No"}.get(str(invitation.answers.get(q.name, "")), ""),
            str(invitation.answers.get(f"{q.name}_details", "")),
        )
        for q in questions_of(programme)
    ]
