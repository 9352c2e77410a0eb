"""Which fields of a case's records each role is given, and which actions it is offered: one rule for the pages
and the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import dateformat, timezone

from organisations.models import active_membership
from organisations.roles import Role

from .actions import TRANSITIONS, allowed_actions, own_score_stage
from .models import Kind, Priority, ReasonCategory, Status

APPOINTMENT_FIELDS = (
    "id",
    "referral",
    "clinician",
    "start",
    "length_minutes",
    "modality",
    "location",
    "is_follow_up",
    "status",
)
# The manager learns when and how the employee is seen, not where: an address, room or link can say
# which clinic (and so what kind of care) it is.
APPOINTMENT_FIELDS_HIDDEN: dict[str, frozenset[str]] = {Role.MANAGER: frozenset({"location"})}


def appointment_fields(user: Any) -> tuple[str, ...]:
    membership = active_membership(user)
    hidden = (
        APPOINTMENT_FIELDS_HIDDEN.get(membership.role, frozenset()) if membership else frozenset(APPOINTMENT_FIELDS)
    )
    return tuple(name for name in APPOINTMENT_FIELDS if name not in hidden)


class AppointmentForViewer:
    """An appointment as one user may see it: a field they are not given reads as empty."""

    def __init__(self, appointment: Any, fields: tuple[str, ...]) -> None:
        self._appointment = appointment
        self._fields = fields

    def __getattr__(self, name: str) -> Any:
        if name in APPOINTMENT_FIELDS and name not in self._fields:
            return ""
        return getattr(self._appointment, name)


def appointments_for(user: Any, appointments: Any) -> list[AppointmentForViewer]:
    fields = appointment_fields(user)
    return [AppointmentForViewer(a, fields) for a in appointments]


@dataclass(frozen=True)
class ActionLink:
    """One action offered on a case page: a POST button (`post`) or a link to the action's own page."""

    name: str
    label: str
    url: str
    style: str  # "primary", "secondary" or "link"
    post: bool = False


@dataclass(frozen=True)
class CaseActions:
    """What the case page offers: `links` for the button group, `allowed` for the in-page forms
    (attendance, notes, measures). Both come from `actions.allowed_actions` and nothing else."""

    allowed: frozenset[str]
    links: tuple[ActionLink, ...]

    def __contains__(self, action: str) -> bool:
        return action in self.allowed


# Where a case page's "Book" leads: the clinics diary's booking page.
BOOKING_PAGE = "clinics:book_case"


def _link(name: str, case: Any) -> ActionLink | None:
    url = lambda route: reverse(f"referrals:{route}", args=[case.pk])  # noqa: E731
    if name == "submit":
        return ActionLink(name, "Send to occupational health", url("submit"), "primary", post=True)
    if name == "edit_draft":
        return ActionLink(name, "Continue the draft", url("edit_draft"), "secondary")
    if name == "resend":
        return ActionLink(name, "Change and send again", url("resend"), "primary")
    if name == "delete_draft":
        return ActionLink(name, "Delete the draft", url("delete_draft"), "link")
    if name == "accept":
        return ActionLink(name, "Triage", url("triage"), "primary")
    if name == "return":
        return ActionLink(name, "Return to the manager", url("triage"), "secondary")
    if name == "book":
        follow_up = case.status in TRANSITIONS["book_follow_up"]
        label = "Book a follow-up" if follow_up else "Book an appointment"
        # Booked through the clinics diary (its free slots, a link for the employee, or a time outside a clinic):
        # the app above registers that page by name, so referrals imports nothing of it.
        return ActionLink(name, label, reverse(BOOKING_PAGE, args=[case.pk]), "secondary")
    if name == "draft_report":
        return ActionLink(name, "Write the report", url("report"), "primary")
    if name == "close":
        return ActionLink(name, "Close the case", url("close"), "secondary")
    if name == "consent":
        return ActionLink(name, "Decide about your report", url("consent"), "primary")
    if name == "answer_adjustments":
        return ActionLink(name, "Record adjustments", url("adjustments"), "secondary")
    if name == "withdraw":
        return ActionLink(name, "Withdraw the referral", url("withdraw"), "link")
    return None  # taken inside the page (attendance, notes, measures) or through the API only


# The button group's order, as the page has always shown it.
PAGE_ORDER = (
    "submit",
    "edit_draft",
    "resend",
    "accept",
    "return",
    "book",
    "draft_report",
    "close",
    "consent",
    "answer_adjustments",
    "withdraw",
    "delete_draft",
)


def case_actions(user: Any, case: Any) -> CaseActions:
    allowed = allowed_actions(user, case)
    links = [_link(name, case) for name in PAGE_ORDER if name in allowed]
    # Triage covers returning too: while the case can be accepted, the one Triage button offers both.
    if "accept" in allowed:
        links = [link for link in links if link is None or link.name != "return"]
    return CaseActions(allowed=allowed, links=tuple(link for link in links if link is not None))


def own_score_question(user: Any, case: Any) -> str:
    """The stage ("intake" or "closure") whose work ability score the employee is asked for now, or ""."""
    return own_score_stage(case) if "own_score" in allowed_actions(user, case) else ""


# The status tag's colour: one place for every list and the case page's summary.
STATUS_COLOURS = {
    Status.CLOSED: "grey",
    Status.WITHDRAWN: "grey",
    Status.RETURNED_TO_MANAGER: "orange",
    Status.DNA: "orange",
    Status.WITHHELD: "orange",
    Status.RELEASED: "green",
    Status.AWAITING_CONSENT: "yellow",
}
STATUS_WORDS: dict[str, str] = dict(Status.choices)
REASON_WORDS: dict[str, str] = dict(ReasonCategory.choices)


def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, "blue")  # type: ignore[call-overload]


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One case as a list shows it, its values worked out once: a 20-row table then renders plain values, not an
    include, a URL lookup and a choices lookup per cell."""

    url: str
    reference: str
    self_referral: bool
    employee: str
    organisation: str
    reason: str
    status: str
    colour: str
    overdue: str  # "Triage overdue", "Booking overdue" or ""
    urgent: bool
    submitted: str  # "3 Dec 2026", or "" before it is sent


class _DetailUrl:
    """referrals:detail for any case, reversed once per list: the route with a placeholder where the id goes."""

    PLACEHOLDER = 918273645

    def __init__(self) -> None:
        self.head, self.tail = reverse("referrals:detail", args=[self.PLACEHOLDER]).split(str(self.PLACEHOLDER))

    def __call__(self, pk: int) -> str:
        return f"{self.head}{pk}{self.tail}"


def case_rows(cases: Any, *, organisation: bool = False) -> list[CaseRow]:
    """The rows of a case list; `organisation` for lists that show the employer (it is then selected with the case)."""
    url = _DetailUrl()
    rows = []
    for case in cases:
        submitted = case.submitted_at
        rows.append(
            CaseRow(
                url=url(case.pk),
                reference=case.reference,
                self_referral=case.kind == Kind.SELF,
                employee=case.employee.full_name,
                organisation=case.organisation.name if organisation else "",
                reason=REASON_WORDS.get(case.reason_category, case.reason_category),
                status=STATUS_WORDS.get(case.status, case.status),
                colour=status_colour(case.status),
                overdue=(
                    "Triage overdue"
                    if getattr(case, "triage_overdue", False)
                    else "Booking overdue"
                    if getattr(case, "booking_overdue", False)
                    else ""
                ),
                urgent=case.priority == Priority.URGENT or bool(case.urgent_requested and not case.priority),
                submitted=dateformat.format(timezone.localtime(submitted), "j M Y") if submitted else "",
            )
        )
    return rows
