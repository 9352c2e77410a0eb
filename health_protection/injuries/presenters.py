"""Which fields of an injury each role is given, in words, and which actions it is offered: one rule for the pages
and the API.

  manager      the incident and the follow-up plan (dates and whether each test is booked or done), the RIDDOR flag;
               never the risk assessment, the source patient or any result
  oh_admin     as the manager, plus first aid, whether the source is known and the request for its status: what the
               administrator books and chases; no results
  employee     their own: the incident, the advice they were given and their own blood test results; not the source
               patient's status (the source patient's information) nor the clinician's notes
  clinician    everything
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from audit.clinical import CLINICAL_MODELS
from audit.subject_access import fields_in_words, words
from organisations.models import active_membership
from organisations.roles import Role

from .actions import ACTIONS, allowed_actions, may_act_on_test
from .models import PEP_WITHIN, FollowUpTest, InjuryStatus, InoculationInjury

INCIDENT = (
    "reference",
    "employee",
    "organisation",
    "status",
    "kind",
    "occurred_at",
    "reported_at",
    "reported_via",
    "location",
    "how_it_happened",
    "riddor_reportable",
    "closed_at",
)
INCIDENT_DETAIL = ("first_aid_given", "source_known")
SOURCE_REQUEST = ("source_requested_at", "source_requested_from", "source_recorded_at")
ADVICE = ("assessed_at", "risk", "hep_b_immunity", "hep_b_booster_given", "pep_advice", "pep_advised_at")
CLINICIAN_ONLY = ("assessment_notes", "source_details", "source_hbv", "source_hcv", "source_hiv")
PLAN = ("week", "due_on", "status", "booked_for")
RESULTS = ("hbv_result", "hcv_result", "hiv_result", "result_notes", "results_recorded_at")

INJURY_FIELDS: dict[str, tuple[str, ...]] = {
    Role.MANAGER: INCIDENT,
    Role.OH_ADMIN: INCIDENT + INCIDENT_DETAIL + SOURCE_REQUEST + ("assessed_at",),
    Role.EMPLOYEE: INCIDENT + INCIDENT_DETAIL + ADVICE,
    Role.CLINICIAN: INCIDENT + INCIDENT_DETAIL + SOURCE_REQUEST + ADVICE + CLINICIAN_ONLY,
}
PLAN_FIELDS: dict[str, tuple[str, ...]] = {
    Role.MANAGER: PLAN,
    Role.OH_ADMIN: PLAN,
    Role.EMPLOYEE: PLAN + RESULTS,
    Role.CLINICIAN: PLAN + RESULTS,
}
CLINICAL = CLINICAL_MODELS["injuries.inoculationinjury"].fields | CLINICAL_MODELS["injuries.followuptest"].fields


def _role(user: Any) -> str:
    membership = active_membership(user)
    return membership.role if membership else ""


def injury_fields(user: Any) -> tuple[str, ...]:
    return INJURY_FIELDS.get(_role(user), ())


def plan_fields(user: Any) -> tuple[str, ...]:
    return PLAN_FIELDS.get(_role(user), ())


def shows_clinical(user: Any) -> bool:
    """Whether this user is given any of the clinical fields (so reading the injury is logged)."""
    return bool(CLINICAL & set(injury_fields(user) + plan_fields(user)))


def has_clinical_content(injury: InoculationInjury) -> bool:
    """Whether there is anything clinical to show yet: an assessment, the source's status or a result."""
    return bool(
        injury.assessed_at
        or injury.source_details
        or injury.source_recorded_at
        or any(t.results_recorded_at for t in injury.tests.all())
    )


@dataclass(frozen=True)
class Section:
    title: str
    rows: dict[str, str]


SECTIONS = (
    ("The incident", INCIDENT + INCIDENT_DETAIL),
    ("The source patient", ("source_requested_at", "source_requested_from", "source_recorded_at", *CLINICIAN_ONLY[1:])),
    ("Risk assessment", ADVICE + ("assessment_notes",)),
)
NAMED = {"reference": "Reference", "employee": "Member of staff", "organisation": "Organisation"}


def _value(injury: InoculationInjury, name: str) -> dict[str, str]:
    if name == "reference":
        return {"Reference": injury.reference}
    if name == "employee":
        return {"Member of staff": f"{injury.employee.full_name}, {injury.employee.job_role}"}
    if name == "organisation":
        return {"Organisation": injury.organisation.name}
    return fields_in_words(injury, [name])


def sections(user: Any, injury: InoculationInjury) -> list[Section]:
    """The injury's summary lists as this user may see them: only the fields their role is given."""
    given = set(injury_fields(user))
    found = []
    for title, names in SECTIONS:
        rows: dict[str, str] = {}
        for name in names:
            if name == "closed_at" and injury.closed_at is None:
                continue  # an open injury: no "Closed at: Not recorded"
            if name in given:
                rows.update(_value(injury, name))
        if rows:
            found.append(Section(title, rows))
    return found


@dataclass(frozen=True)
class PlanRow:
    test: FollowUpTest
    cells: dict[str, str]
    may_book: bool
    may_record: bool
    overdue: bool


def _results(test: FollowUpTest) -> str:
    """The three results and the notes in one cell, in words: "Hepatitis B: Negative. ..."."""
    if not test.results_recorded_at:
        return "Not yet"
    found = fields_in_words(test, ["hbv_result", "hcv_result", "hiv_result"])
    text = ". ".join(f"{label}: {value}" for label, value in found.items()) + "."
    return f"{text} {test.result_notes}" if test.result_notes else text


def plan(user: Any, injury: InoculationInjury) -> list[PlanRow]:
    """The follow-up plan as this user may see it: the dates for everyone who sees the injury, results only for the
    clinician and the member of staff."""
    given = plan_fields(user)
    today = timezone.localdate()
    rows = []
    for test in injury.tests.all():
        cells = {
            "Test": f"{test.week} weeks",
            "Due": words(test.due_on),
            "Status": test.get_status_display(),
            "Booked for": words(test.booked_for),
        }
        if "hbv_result" in given:
            cells["Results"] = _results(test)
        outstanding = test.status in ("to_book", "booked")
        rows.append(
            PlanRow(
                test,
                cells,
                may_book=may_act_on_test(user, test, "book_test"),
                may_record=may_act_on_test(user, test, "record_result"),
                overdue=outstanding and test.due_on < today,
            )
        )
    return rows


def injury_actions(user: Any, injury: InoculationInjury) -> list[str]:
    """The actions offered on an injury, in the order its page shows them: exactly those the services accept."""
    allowed = allowed_actions(user, injury)
    return [name for name in ACTIONS if name in allowed]


@dataclass(frozen=True)
class Clock:
    """How long since the injury was reported, against the hour in which PEP should be advised."""

    text: str
    late: bool


def pep_clock(injury: InoculationInjury) -> Clock | None:
    """For an injury waiting for its assessment: minutes since it was reported, late after the hour."""
    if injury.status != InjuryStatus.REPORTED:
        return None
    waited = timezone.now() - injury.reported_at
    minutes = int(waited.total_seconds() // 60)
    if waited < timedelta(hours=1):
        return Clock(f"Reported {minutes} minute{'s' if minutes != 1 else ''} ago", late=False)
    hours = minutes // 60
    return Clock(
        f"Reported {hours} hour{'s' if hours != 1 else ''} {minutes % 60} minutes ago", late=waited > PEP_WITHIN
    )


def reported_late(injury: InoculationInjury) -> bool:
    """Reported on a later day than it happened: the page asks for the same day."""
    return timezone.localdate(injury.reported_at) > timezone.localdate(injury.occurred_at)
