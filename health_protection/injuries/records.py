"""What the injuries domain tells audit (audit.registry): how an injury is retired when its retention period ends,
and the inoculation injuries section of a subject access export. Registered from InjuriesConfig.ready.

Retention (settings.OHWB_RETENTION["inoculation_injury"], 40 years from the injury by default; ADR 11): an exposure
to blood-borne viruses is an exposure to biological agents that cause persistent or latent infection, whose records
COSHH 2002 (Schedule 3, paragraph 4) keeps for 40 years after the last known exposure. Anonymising keeps what the
figures need (organisation, service, kind, dates, status) and removes the rest.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from audit.registry import Exporting, ExportSection, Retention, register_export_section, register_retention
from audit.subject_access import fields_in_words, person, words
from organisations.models import Membership
from organisations.roles import Role

from .models import FollowUpTest, InoculationInjury

REMOVED = "(removed)"

# --- retention ---------------------------------------------------------------------------------------------------


def _due(cutoff: datetime) -> QuerySet[InoculationInjury]:
    """Injuries that happened before the cutoff (40 years after the exposure by default), not yet anonymised."""
    return InoculationInjury.objects.filter(occurred_at__lt=cutoff, anonymised_at__isnull=True).order_by("pk")


def _anonymise(injury: InoculationInjury) -> None:
    FollowUpTest.objects.filter(injury=injury).update(
        hbv_result="", hcv_result="", hiv_result="", result_notes="", booked_for=None
    )
    for test in FollowUpTest.objects.filter(injury=injury):
        test.history.all().delete()
    injury.location = injury.how_it_happened = REMOVED
    injury.source_details = injury.source_requested_from = injury.assessment_notes = ""
    injury.source_hbv = injury.source_hcv = injury.source_hiv = ""
    injury.hep_b_immunity = ""
    injury.anonymised_at = timezone.now()
    injury.save()
    injury.history.all().delete()


def _retire(injury: InoculationInjury, action: str) -> None:
    if action == "delete":
        injury.delete()  # its tests go with it (CASCADE)
    else:
        _anonymise(injury)


# --- subject access ----------------------------------------------------------------------------------------------

INCIDENT_FIELDS = ["kind", "occurred_at", "reported_at", "reported_via", "location", "how_it_happened"]
INCIDENT_FIELDS_OH = ["first_aid_given", "source_known"]
ASSESSMENT_FIELDS = ["assessed_at", "risk", "hep_b_immunity", "hep_b_booster_given", "pep_advice", "pep_advised_at"]


def _is_clinician_of(exporting: Exporting, injury: InoculationInjury) -> bool:
    return Membership.objects.filter(
        user=exporting.user, organisation_id=injury.oh_service_id, role=Role.CLINICIAN
    ).exists()


def _test_row(test: FollowUpTest, *, results: bool) -> dict[str, str]:
    row = {
        "Week": str(test.week),
        "Due": words(test.due_on),
        "Status": test.get_status_display(),
        "Booked for": words(test.booked_for),
    }
    if results:
        row.update(fields_in_words(test, ["hbv_result", "hcv_result", "hiv_result", "result_notes"]))
        row["Recorded"] = words(test.results_recorded_at)
    return row


def _injury(exporting: Exporting, injury: InoculationInjury) -> dict[str, Any]:
    oh_side = exporting.oh_side
    summary = {
        "Organisation": injury.organisation.name,
        "Occupational health service": injury.oh_service.name,
        **fields_in_words(injury, ["status", *INCIDENT_FIELDS, *(INCIDENT_FIELDS_OH if oh_side else [])]),
        "Reported by": person(injury.reported_by),
        **fields_in_words(injury, ["riddor_reportable", "closed_at"]),
    }
    entry: dict[str, Any] = {"title": f"{injury.reference}: {injury.get_kind_display()}", "summary": summary}
    tests = list(injury.tests.all())
    entry["follow_up"] = [_test_row(t, results=oh_side) for t in tests]
    if oh_side:
        assessment = fields_in_words(injury, ASSESSMENT_FIELDS)
        assessment["Assessed by"] = person(injury.assessed_by)
        assessment["Source patient's status asked for"] = words(injury.source_requested_at)
        if _is_clinician_of(exporting, injury):
            assessment["Assessment notes"] = words(injury.assessment_notes)
        entry["assessment"] = assessment
        exporting.shown.append(injury)
    return entry


def _injuries(exporting: Exporting) -> list[dict[str, Any]]:
    found = InoculationInjury.objects.filter(employee=exporting.employee).select_related(
        "organisation", "oh_service", "reported_by", "assessed_by"
    )
    if exporting.oh_side:
        found = found.filter(oh_service=exporting.organisation)
    else:
        found = found.filter(organisation=exporting.organisation)
    return [_injury(exporting, injury) for injury in found.prefetch_related("tests").order_by("reported_at")]


def _not_included(exporting: Exporting) -> list[str]:
    lines = [
        "Inoculation injuries: the source patient's details and blood-borne virus status are the source patient's "
        "information, not the employee's, and are left out."
    ]
    if exporting.oh_side:
        lines.append(
            "Inoculation injuries: the clinician's assessment notes are included only in an export made by a "
            "clinician of the occupational health service."
        )
    else:
        lines.append(
            "Inoculation injuries: the risk assessment and blood test results are held by the occupational health "
            "service: ask its IG lead."
        )
    return lines


register_retention(Retention("inoculation_injury", due=_due, retire=_retire))
register_export_section(ExportSection("inoculation_injuries", position=30, build=_injuries, not_included=_not_included))
