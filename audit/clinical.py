"""Which fields are clinical, and which record a read of them is logged against (PRODUCT.md section 8).

One table for the whole project: the access-log writer (services.log_shown), the DRF base
(serializers.ClinicalSerializer) and the tests that walk every route and serializer all read it.
Models are named by label, not imported: audit sits below the apps whose records it logs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .models import AccessKind


@dataclass(frozen=True)
class ClinicalModel:
    kind: str
    # The fields whose content is clinical (what a serializer or page must not show without a row).
    fields: frozenset[str]
    # From an object to the record its reading is logged against ("" = the object itself): a note is
    # part of its case's clinical record, an adjustment answer part of its report.
    record: str = ""


CLINICAL_MODELS: dict[str, ClinicalModel] = {
    "referrals.referral": ClinicalModel(AccessKind.CLINICAL_RECORD, frozenset()),
    "referrals.clinicalnote": ClinicalModel(AccessKind.CLINICAL_RECORD, frozenset({"text"}), "referral"),
    "referrals.measures": ClinicalModel(
        AccessKind.CLINICAL_RECORD, frozenset({"work_ability", "wellbeing"}), "referral"
    ),
    "referrals.attachment": ClinicalModel(AccessKind.CLINICAL_RECORD, frozenset({"file"})),
    "referrals.outcomereport": ClinicalModel(
        AccessKind.OUTCOME_REPORT,
        frozenset(
            {
                "fitness",
                "adjustments",
                "likely_return_date",
                "answers",
                "equality_act",
                "follow_up_plan",
                "diagnosis",
                "corrections_requested",
            }
        ),
    ),
    "referrals.adjustmentfollowup": ClinicalModel(
        AccessKind.OUTCOME_REPORT, frozenset({"adjustment", "status", "reason"}), "report"
    ),
    "assessments.questionnaireresponse": ClinicalModel(AccessKind.QUESTIONNAIRE, frozenset({"answers"})),
    # An assessment's answers are its response's (ClinicalAssessmentOutput shows them).
    "assessments.assessment": ClinicalModel(AccessKind.QUESTIONNAIRE, frozenset({"answers"}), "response"),
    # Health surveillance: results and screening answers are part of the member of staff's record under the
    # programme (the enrolment), as a case's notes are part of its clinical record.
    "surveillance.enrolment": ClinicalModel(AccessKind.SURVEILLANCE, frozenset()),
    "surveillance.result": ClinicalModel(
        AccessKind.SURVEILLANCE, frozenset({"values", "category", "findings", "restrictions"}), "enrolment"
    ),
    "surveillance.invitation": ClinicalModel(AccessKind.SURVEILLANCE, frozenset({"answers"}), "enrolment"),
    # Inoculation injuries: the risk assessment, the source patient's status and the blood test results.
    "injuries.inoculationinjury": ClinicalModel(
        AccessKind.CLINICAL_RECORD,
        frozenset(
            {
                "risk",
                "hep_b_immunity",
                "hep_b_booster_given",
                "pep_advice",
                "pep_advised_at",
                "assessment_notes",
                "source_details",
                "source_hbv",
                "source_hcv",
                "source_hiv",
            }
        ),
    ),
    "injuries.followuptest": ClinicalModel(
        AccessKind.CLINICAL_RECORD, frozenset({"hbv_result", "hcv_result", "hiv_result", "result_notes"}), "injury"
    ),
    # Staff immunisation: entries and statuses are part of the member of staff's record; a campaign's outcome
    # (vaccinated, declined and why) is a record of its own.
    "immunisation.immunisationrecord": ClinicalModel(AccessKind.IMMUNISATION, frozenset()),
    "immunisation.immunisationentry": ClinicalModel(
        AccessKind.IMMUNISATION, frozenset({"antibody_level", "screening_result"}), "record"
    ),
    "immunisation.antigenstatus": ClinicalModel(AccessKind.IMMUNISATION, frozenset({"state", "next_step"}), "record"),
    "immunisation.vaccination": ClinicalModel(
        AccessKind.IMMUNISATION, frozenset({"outcome", "decline_reason", "consent_given"})
    ),
}

# Field names that are clinical wherever they appear, for serializers that are not model serializers.
CLINICAL_NAMES = frozenset({"answers", "diagnosis", "follow_up_plan", "work_ability", "wellbeing", "clinical_notes"})

# Whose record a logged record is (employee) and which OH service holds it, as paths to ids.
RECORD_SUBJECT: dict[str, tuple[str, str]] = {
    "referrals.referral": ("employee_id", "oh_service_id"),
    "referrals.attachment": ("referral.employee_id", "referral.oh_service_id"),
    "referrals.outcomereport": ("referral.employee_id", "referral.oh_service_id"),
    "assessments.questionnaireresponse": ("", "assessment.oh_service_id"),
    "organisations.employee": ("pk", ""),
    "surveillance.enrolment": ("employee_id", "programme.oh_service_id"),
    "injuries.inoculationinjury": ("employee_id", "oh_service_id"),
    "immunisation.immunisationrecord": ("employee_id", "oh_service_id"),
    "immunisation.vaccination": ("employee_id", "campaign.oh_service_id"),
}

# The case a logged record belongs to, as a path to its reference (PRODUCT.md section 8: the IG lead finds a case's
# reads by its reference). Records of no one case (a staff record, an organisation's export) have none.
RECORD_CASE: dict[str, str] = {
    "referrals.referral": "reference",
    "referrals.attachment": "referral.reference",
    "referrals.outcomereport": "referral.reference",
    "assessments.questionnaireresponse": "assessment.reference",
    "surveillance.enrolment": "reference",
    "injuries.inoculationinjury": "reference",
    "immunisation.immunisationrecord": "reference",
}


def _follow(obj: Any, path: str) -> Any:
    for step in path.split("."):
        obj = getattr(obj, step, None)
        if obj is None:
            return None
    return obj


def record_of(obj: Any) -> Any:
    """The record a read of `obj` is logged against, or None when there is nothing to show (no answers yet)."""
    spec = CLINICAL_MODELS.get(obj._meta.label_lower)
    return _follow(obj, spec.record) if spec and spec.record else obj


def kind_of(obj: Any) -> str | None:
    spec = CLINICAL_MODELS.get(obj._meta.label_lower)
    return spec.kind if spec else None


def subject_ids(record: Any) -> tuple[Any, Any]:
    employee_path, oh_service_path = RECORD_SUBJECT.get(record._meta.label_lower, ("", ""))
    return (
        _follow(record, employee_path) if employee_path else None,
        _follow(record, oh_service_path) if oh_service_path else None,
    )


def case_reference(record: Any) -> str:
    path = RECORD_CASE.get(record._meta.label_lower)
    return str(_follow(record, path) or "") if path else ""
