"""Subject access export: everything the portal holds about one employee, for an IG lead to send on.

An IG lead of the employer gets the staff record, the cases and what the employer may see of them
(released reports); an IG lead of the OH service that holds the clinical record also gets the
clinical notes and measures. Every export writes an access-log row.
"""

from __future__ import annotations

from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.forms.models import model_to_dict

from organisations.models import Employee
from organisations.roles import OrganisationKind

from .models import AccessKind, AccessLogEntry
from .services import log_access

STAFF_FIELDS = [
    "esr_number",
    "first_name",
    "last_name",
    "date_of_birth",
    "staff_group",
    "job_role",
    "email",
    "phone",
    "sex",
    "ethnic_group",
    "disability",
    "age_band",
]
CASE_FIELDS = [
    "kind",
    "status",
    "service_line",
    "reason_category",
    "absent_at_referral",
    "absent_since",
    "manager_questions",
    "other_questions",
    "work_details",
    "description",
    "priority",
    "closure_outcome",
    "submitted_at",
    "accepted_at",
    "closed_at",
]
REPORT_FIELDS = [
    "fitness",
    "adjustments",
    "likely_return_date",
    "answers",
    "equality_act",
    "follow_up_plan",
    "sent_for_consent_at",
    "released_at",
    "withheld_at",
]


def export_for(*, user: Any, employee: Employee) -> dict[str, Any]:
    membership = user.active_membership
    holds_clinical_record = membership.organisation.kind == OrganisationKind.OH_SERVICE
    cases = []
    from referrals.models import Referral

    referrals = Referral.objects.filter(employee=employee)
    if holds_clinical_record:
        referrals = referrals.filter(oh_service=membership.organisation)
    for referral in referrals.prefetch_related("appointments", "events"):
        case: dict[str, Any] = {"reference": referral.reference, **model_to_dict(referral, fields=CASE_FIELDS)}
        case["appointments"] = [
            {"start": a.start, "modality": a.modality, "status": a.status} for a in referral.appointments.all()
        ]
        case["history"] = [{"at": e.at, "from": e.from_status, "to": e.to_status} for e in referral.events.all()]
        # Report versions: all of them for the OH service that wrote them, released ones only otherwise.
        reports = referral.reports.all() if holds_clinical_record else referral.reports.released_to_manager()
        case["outcome_reports"] = [
            {"version": report.version, **model_to_dict(report, fields=REPORT_FIELDS)} for report in reports
        ]
        if holds_clinical_record:
            case["clinical_notes"] = [
                {"at": n.created_at, "text": n.text, "addendum_to": n.addendum_to_id} for n in referral.notes.all()
            ]
            case["measures"] = [
                {"stage": m.stage, "work_ability": m.work_ability, "wellbeing": m.wellbeing}
                for m in referral.measures.all()
            ]
        cases.append(case)
    views = AccessLogEntry.objects.filter(employee=employee).select_related("user")
    log_access(
        user=user,
        kind=AccessKind.SUBJECT_ACCESS,
        obj=employee,
        reason="Subject access export",
        employee=employee,
        oh_service=membership.organisation if holds_clinical_record else None,
    )
    return {
        "staff_record": model_to_dict(employee, fields=STAFF_FIELDS) | {"organisation": employee.organisation.name},
        "cases": cases,
        "who_opened_the_record": [
            {
                "at": v.at,
                "who": v.user.get_full_name() if v.user else "",
                "role": v.role,
                "what": v.kind,
                "reason": v.reason,
            }
            for v in views
        ],
        "exported_by": user.get_full_name() or user.username,
        "note": "Clinical notes are included only in an export made by the OH service that holds them."
        if not holds_clinical_record
        else "",
    }


ENCODER = DjangoJSONEncoder
