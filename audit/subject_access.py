"""Subject access export (PRODUCT.md section 8): everything the portal holds about one employee, for an IG
lead to send on, as one document that the page (printable HTML) and the JSON download both show.

What goes in depends on who holds it:
- an IG lead of the employer gets what the employer holds: the staff record, its management referrals
  (never self-referrals), their history, appointments, documents, the report versions released to the
  manager with the manager's adjustment answers, and pre-employment check outcomes;
- an IG lead of the OH service gets what the OH service holds: its cases with every report version,
  consent decisions, measures, adjustment answers, surveys and questionnaire answers. Clinical note
  content is included only when the exporter is also a clinician of that OH service; otherwise the export
  says how many notes are held and who can release them.
Labels are in words. The export writes a subject-access row and a row per record it shows.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from organisations.models import Employee, Membership
from organisations.roles import OrganisationKind, Role

from .models import AccessKind, AccessLogEntry
from .services import log_access, log_shown

NOT_RECORDED = "Not recorded"
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


def _words(value: Any) -> str:
    if value is None or value == "":
        return NOT_RECORDED
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%-d %B %Y, %H:%M}"
    if isinstance(value, date):
        return f"{value:%-d %B %Y}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) if value else "None"
    return str(value)


def _field(obj: models.Model, name: str) -> tuple[str, str]:
    """(the field's label, its value in words): choices by their label, never their code."""
    model_field = obj._meta.get_field(name)
    value = getattr(obj, name)
    if getattr(model_field, "choices", None) and value not in (None, ""):
        value = dict(model_field.flatchoices).get(value, value)  # type: ignore[union-attr]
    label = str(getattr(model_field, "verbose_name", name))
    return label[:1].upper() + label[1:], _words(value)


def _fields(obj: models.Model, names: list[str]) -> dict[str, str]:
    return dict(_field(obj, name) for name in names)


def _person(user: Any) -> str:
    return (user.get_full_name() or user.username) if user else NOT_RECORDED


def _event_note(note: str) -> str:
    """A case event's note may hold codes ("routine, oh_nurse", an outcome): say them in words."""
    from referrals.models import ClosureOutcome, ConsentChoice, PractitionerType, Priority

    words = {
        code: label
        for choices in (ClosureOutcome, ConsentChoice, PractitionerType, Priority)
        for code, label in choices.choices
    }
    return _words(", ".join(str(words.get(part, part)) for part in note.split(", ")) if note else "")


def _may_read_notes(user: Any, oh_service: Any) -> bool:
    """Clinical note content: only for a clinician of the OH service that holds the notes."""
    return Membership.objects.filter(user=user, organisation=oh_service, role=Role.CLINICIAN).exists()


class _Export:
    def __init__(self, *, user: Any, employee: Employee) -> None:
        self.user, self.employee = user, employee
        self.membership = user.active_membership
        self.org = self.membership.organisation
        self.oh_side = self.org.kind == OrganisationKind.OH_SERVICE
        self.notes_allowed = self.oh_side and _may_read_notes(user, self.org)
        self.shown: list[Any] = []  # the records shown, for the access log

    # --- cases ---------------------------------------------------------------------------------------------------
    def cases(self) -> list[dict[str, Any]]:
        # Imported here: audit sits below the apps whose records it exports.
        from referrals.models import Kind, Referral

        cases = Referral.objects.filter(employee=self.employee).select_related("organisation", "oh_service")
        if self.oh_side:
            cases = cases.filter(oh_service=self.org)
        else:
            cases = cases.filter(organisation=self.org, kind=Kind.MANAGEMENT)  # a self-referral is not the employer's
        cases = cases.prefetch_related("events__by", "appointments__clinician", "attachments", "notes__author")
        return [self.case(referral) for referral in cases.order_by("created_at")]

    def case(self, referral: Any) -> dict[str, Any]:
        summary = {
            "Organisation": referral.organisation.name,
            "Occupational health service": referral.oh_service.name if referral.oh_service else NOT_RECORDED,
            **_fields(
                referral,
                [
                    "kind",
                    "status",
                    "service_line",
                    "reason_category",
                    "absent_at_referral",
                    "absent_since",
                    "work_details",
                    "description",
                    "urgent_requested",
                    "priority",
                    "practitioner_type",
                    "returned_reason",
                    "closure_outcome",
                    "created_at",
                    "submitted_at",
                    "accepted_at",
                    "closed_at",
                ],
            ),
            "Questions for occupational health": _words(referral.question_texts),
        }
        case: dict[str, Any] = {
            "title": f"{referral.reference}: {referral.get_kind_display()}",
            "summary": summary,
            "history": [
                {
                    "When": _words(e.at),
                    "From": e.get_from_status_display(),
                    "To": e.get_to_status_display(),
                    "By": _person(e.by),
                    "Note": _event_note(e.note),
                }
                for e in referral.events.all()
            ],
            "appointments": [self.appointment(a) for a in referral.appointments.all()],
            "documents": [
                {
                    "Name": a.original_name,
                    "Type": a.content_type,
                    "Size (bytes)": str(a.size),
                    "Uploaded": _words(a.uploaded_at),
                }
                for a in referral.attachments.all()
            ],
            "report_versions": self.report_versions(referral),
        }
        if self.oh_side:
            case["measures"] = [
                {
                    "Stage": m.get_stage_display(),
                    "Work ability (0 to 10)": _words(m.work_ability),
                    "Wellbeing (0 to 10)": _words(m.wellbeing),
                    "Recorded": _words(m.recorded_at),
                }
                for m in referral.measures.all()
            ]
            if case["measures"]:
                self.shown.append(referral)
            case["survey"] = self.survey(referral)
            case.update(self.notes(referral))
        return case

    def appointment(self, appointment: Any) -> dict[str, str]:
        row = {
            "Start": _words(appointment.start),
            "Length (minutes)": str(appointment.length_minutes),
            "Modality": appointment.get_modality_display(),
            "Status": appointment.get_status_display(),
            "Follow-up": _words(appointment.is_follow_up),
            "Clinician": _person(appointment.clinician),
        }
        if self.oh_side:  # where it was is the OH service's record; the employer's page does not show it
            row["Location or link"] = _words(appointment.location)
        return row

    def notes(self, referral: Any) -> dict[str, Any]:
        notes = list(referral.notes.all())
        if not notes:
            return {"clinical_notes": [], "clinical_notes_withheld": ""}
        if not self.notes_allowed:
            return {
                "clinical_notes": [],
                "clinical_notes_withheld": (
                    f"{len(notes)} clinical note{'s' if len(notes) != 1 else ''} held by {self.org.name}. "
                    "Their content is released only in an export made by a clinician of that service."
                ),
            }
        self.shown.append(referral)
        numbers = {n.pk: i + 1 for i, n in enumerate(notes)}
        return {
            "clinical_notes": [
                {
                    "Note": str(numbers[n.pk]),
                    "Written": _words(n.created_at),
                    "By": _person(n.author),
                    "Addendum to note": str(numbers[n.addendum_to_id]) if n.addendum_to_id in numbers else "",
                    "Text": n.text,
                }
                for n in notes
            ],
            "clinical_notes_withheld": "",
        }

    def survey(self, referral: Any) -> list[dict[str, str]]:
        survey = getattr(referral, "survey", None)
        if survey is None:
            return []
        return [
            {
                "Sent": _words(survey.sent_at),
                "Answered": _words(survey.answered_at),
                "Score": _words(survey.score),
                "Comment": _words(survey.comment),
            }
        ]

    # --- report versions -------------------------------------------------------------------------------------------
    def report_versions(self, referral: Any) -> list[dict[str, Any]]:
        """The OH service holds every version; the employer only those released to the manager."""
        versions = referral.reports.all() if self.oh_side else referral.reports.released_to_manager()
        shown = []
        for report in versions.prefetch_related("consent_decisions", "follow_ups").order_by("version"):
            self.shown.append(report)
            shown.append(self.report(report))
        return shown

    def report(self, report: Any) -> dict[str, Any]:
        from referrals.models import ReportState

        summary = {
            "State": dict(ReportState.choices).get(report.state, report.state),
            **_fields(report, ["fitness", "likely_return_date", "equality_act", "follow_up_plan"]),
            "Recommended adjustments": _words(report.adjustments),
        }
        if self.oh_side or report.diagnosis_consented:
            summary["Diagnosis"] = _words(report.diagnosis)
            summary["Employee agreed to the diagnosis being shared"] = _words(report.diagnosis_consented)
        summary.update(_fields(report, ["sent_for_consent_at", "released_at", "withheld_at"]))
        version: dict[str, Any] = {
            "title": f"Version {report.version}",
            "summary": summary,
            "answers": [{"Question": q, "Answer": _words(a)} for q, a in report.answers.items()],
            "adjustment_answers": [
                {
                    "Adjustment": f.adjustment,
                    "Answer": f.get_status_display(),
                    "Reason": _words(f.reason),
                    "Answered": _words(f.answered_at),
                }
                for f in report.follow_ups.all()
            ],
        }
        if self.oh_side:
            version["summary"]["Factual corrections asked for"] = _words(report.corrections_requested)
            version["consent_decisions"] = [
                {
                    "When": _words(d.decided_at),
                    "Decision": d.get_choice_display(),
                    "How": d.get_channel_display(),
                    "Comment": _words(d.comment),
                }
                for d in report.consent_decisions.all()
            ]
        return version

    # --- pre-employment checks -----------------------------------------------------------------------------------
    def checks(self) -> list[dict[str, Any]]:
        """Matched to the staff record by e-mail address: a check is made before the person is on the staff."""
        from assessments.models import Assessment
        from assessments.questionnaire import QuestionnaireForm

        if not self.employee.email:
            return []
        checks = Assessment.objects.filter(candidate_email__iexact=self.employee.email).select_related("organisation")
        checks = checks.filter(oh_service=self.org) if self.oh_side else checks.filter(organisation=self.org)
        found = []
        for check in checks.order_by("created_at"):
            entry: dict[str, Any] = {
                "title": f"{check.reference}: {check.job_role}",
                "summary": {
                    "Organisation": check.organisation.name,
                    **_fields(check, ["candidate_name", "status", "outcome", "adjustments", "start_date"]),
                    **_fields(check, ["created_at", "questionnaire_completed_at", "cleared_at"]),
                },
                "answers": [],
            }
            response = getattr(check, "response", None)
            if self.oh_side and response is not None and response.submitted_at:
                self.shown.append(response)
                labels = {q.name: q.label for q in QuestionnaireForm(exposure_prone=True, require_all=False).questions}
                entry["answers"] = [
                    {"Question": labels.get(name, name.replace("_", " ").capitalize()), "Answer": _words(value)}
                    for name, value in response.answers.items()
                ]
            found.append(entry)
        return found

    def not_included(self) -> list[str]:
        held_elsewhere = (
            [
                "What the employer holds (for example HR records outside this portal): ask the employer's IG lead.",
            ]
            if self.oh_side
            else [
                "Clinical notes, measures, consent decisions, report versions not released to the manager, "
                "questionnaire answers, surveys and self-referrals are held by the occupational health service: "
                "ask its IG lead.",
            ]
        )
        if not self.employee.email:
            held_elsewhere.append("Pre-employment checks are matched by e-mail address; this staff record has none.")
        return held_elsewhere

    # --- the document ----------------------------------------------------------------------------------------------
    def build(self) -> dict[str, Any]:
        employee = self.employee
        document: dict[str, Any] = {
            "title": f"Subject access export: {employee.full_name}",
            "export": {
                "Exported by": _person(self.user),
                "Acting as": f"{self.membership.get_role_display()}, {self.org.name}",
                "Exported at": _words(timezone.now()),
            },
            "staff_record": {"Organisation": employee.organisation.name, **_fields(employee, STAFF_FIELDS)},
            "cases": self.cases(),
            "pre_employment_checks": self.checks(),
            "not_included": self.not_included(),
        }
        log_access(
            user=self.user,
            kind=AccessKind.SUBJECT_ACCESS,
            obj=employee,
            reason="Subject access export",
            employee=employee,
            oh_service=self.org if self.oh_side else None,
        )
        log_shown(user=self.user, objects=self.shown, reason="Subject access export")
        # Who has read the record, this export included.
        views = AccessLogEntry.objects.filter(employee=employee).select_related("user", "organisation")
        document["access_log"] = [
            {
                "When": _words(v.at),
                "Who": _person(v.user),
                "Role": dict(Role.choices).get(v.role, v.role) or NOT_RECORDED,
                "Organisation": v.organisation.name if v.organisation else NOT_RECORDED,
                "What": v.get_kind_display(),
                "Reason": v.reason,
            }
            for v in views
        ]
        return document


@transaction.atomic
def export_for(*, user: Any, employee: Employee) -> dict[str, Any]:
    """The export document; its access-log rows are written in the same transaction."""
    return _Export(user=user, employee=employee).build()


ENCODER = DjangoJSONEncoder
