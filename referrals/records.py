"""What the referrals domain tells audit (audit.registry): how a closed case is retired when its retention period
ends, and the cases section of a subject access export. Registered from ReferralsConfig.ready.

Clinical notes are deleted, never updated (a saved note is immutable in the database), addenda before the notes
they correct.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from audit.registry import Exporting, ExportSection, Retention, register_export_section, register_retention
from audit.subject_access import NOT_RECORDED, fields_in_words, person, words
from organisations.models import Membership, Organisation
from organisations.roles import Role

from .models import ClosureOutcome, ConsentChoice, Kind, PractitionerType, Priority, Referral, ReportState

# --- retention ---------------------------------------------------------------------------------------------------


def _due(cutoff: datetime) -> QuerySet[Referral]:
    return Referral.objects.filter(closed_at__lt=cutoff, anonymised_at__isnull=True).order_by("pk")


def _delete_notes(referral: Referral) -> None:
    """An addendum PROTECTs the note it corrects: delete the notes nothing points at, then repeat.
    A note still pointed at from elsewhere is left for the final delete, which then refuses (ProtectedError)."""
    notes = referral.notes.all()
    while True:
        leaves = list(notes.filter(addenda__isnull=True).values_list("pk", flat=True))
        if not leaves:
            break
        notes.filter(pk__in=leaves).delete()
    notes.delete()


def _delete_files_after_commit(referral: Referral) -> None:
    """Files are not transactional: remove them only once the record's savepoint has committed."""
    for attachment in referral.attachments.all():
        transaction.on_commit(partial(attachment.file.storage.delete, attachment.file.name))
        attachment.delete()


def _anonymise(referral: Referral) -> None:
    """Keep what the aggregate measures need (dates, categories, outcome); remove everything personal."""
    _delete_notes(referral)
    _delete_files_after_commit(referral)
    referral.messages.all().delete()  # free text between the manager and OH: personal, not needed for figures
    # Every report version; sent versions are frozen, so this goes through the one documented path.
    referral.reports.all().anonymise()
    for report in referral.reports.all():
        report.follow_ups.update(adjustment="(removed)", reason="")
        report.consent_decisions.update(comment="")
        report.history.all().delete()
    referral.description = referral.work_details = referral.other_questions = referral.returned_reason = ""
    referral.anonymised_at = timezone.now()
    referral.save()
    referral.history.all().delete()


def _delete(referral: Referral) -> None:
    _delete_notes(referral)
    _delete_files_after_commit(referral)
    referral.delete()


def _retire(referral: Referral, action: str) -> None:
    (_delete if action == "delete" else _anonymise)(referral)


# --- subject access ----------------------------------------------------------------------------------------------


def _event_note(note: str) -> str:
    """A case event's note may hold codes ("routine, oh_nurse", an outcome): say them in words."""
    labels = {
        code: label
        for choices in (ClosureOutcome, ConsentChoice, PractitionerType, Priority)
        for code, label in choices.choices
    }
    return words(", ".join(str(labels.get(part, part)) for part in note.split(", ")) if note else "")


def _may_read_notes(user: User, oh_service: Organisation) -> bool:
    """Clinical note content: only for a clinician of the OH service that holds the notes."""
    return Membership.objects.filter(user=user, organisation=oh_service, role=Role.CLINICIAN).exists()


class _Cases:
    """The cases section: the employer's management referrals, or the OH service's cases, oldest first."""

    def __init__(self, exporting: Exporting) -> None:
        self.exporting = exporting
        self.notes_allowed = exporting.oh_side and _may_read_notes(exporting.user, exporting.organisation)

    def cases(self) -> list[dict[str, Any]]:
        cases = Referral.objects.filter(employee=self.exporting.employee).select_related("organisation", "oh_service")
        if self.exporting.oh_side:
            cases = cases.filter(oh_service=self.exporting.organisation)
        else:
            # a self-referral is not the employer's
            cases = cases.filter(organisation=self.exporting.organisation, kind=Kind.MANAGEMENT)
        cases = cases.prefetch_related("events__by", "appointments__clinician", "attachments", "notes__author")
        return [self.case(referral) for referral in cases.order_by("created_at")]

    def case(self, referral: Any) -> dict[str, Any]:
        summary = {
            "Organisation": referral.organisation.name,
            "Occupational health service": referral.oh_service.name if referral.oh_service else NOT_RECORDED,
            **fields_in_words(
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
            "Questions for occupational health": words(referral.question_texts),
        }
        case: dict[str, Any] = {
            "title": f"{referral.reference}: {referral.get_kind_display()}",
            "summary": summary,
            "history": [
                {
                    "When": words(e.at),
                    "From": e.get_from_status_display(),
                    "To": e.get_to_status_display(),
                    "By": person(e.by),
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
                    "Uploaded": words(a.uploaded_at),
                }
                for a in referral.attachments.all()
            ],
            "report_versions": self.report_versions(referral),
        }
        if self.exporting.oh_side:
            case["measures"] = [
                {
                    "Stage": m.get_stage_display(),
                    "Work ability (0 to 10)": words(m.work_ability),
                    "Wellbeing (0 to 10)": words(m.wellbeing),
                    "Recorded": words(m.recorded_at),
                }
                for m in referral.measures.all()
            ]
            if case["measures"]:
                self.exporting.shown.append(referral)
            case["survey"] = self.survey(referral)
            case.update(self.notes(referral))
        return case

    def appointment(self, appointment: Any) -> dict[str, str]:
        row = {
            "Start": words(appointment.start),
            "Length (minutes)": str(appointment.length_minutes),
            "Modality": appointment.get_modality_display(),
            "Status": appointment.get_status_display(),
            "Follow-up": words(appointment.is_follow_up),
            "Clinician": person(appointment.clinician),
        }
        if self.exporting.oh_side:  # where it was is the OH service's record; the employer's page does not show it
            row["Location or link"] = words(appointment.location)
        return row

    def notes(self, referral: Any) -> dict[str, Any]:
        notes = list(referral.notes.all())
        if not notes:
            return {"clinical_notes": [], "clinical_notes_withheld": ""}
        if not self.notes_allowed:
            return {
                "clinical_notes": [],
                "clinical_notes_withheld": (
                    f"{len(notes)} clinical note{'s' if len(notes) != 1 else ''} held by "
                    f"{self.exporting.organisation.name}. "
                    "Their content is released only in an export made by a clinician of that service."
                ),
            }
        self.exporting.shown.append(referral)
        numbers = {n.pk: i + 1 for i, n in enumerate(notes)}
        return {
            "clinical_notes": [
                {
                    "Note": str(numbers[n.pk]),
                    "Written": words(n.created_at),
                    "By": person(n.author),
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
                "Sent": words(survey.sent_at),
                "Answered": words(survey.answered_at),
                "Score": words(survey.score),
                "Comment": words(survey.comment),
            }
        ]

    # --- report versions -------------------------------------------------------------------------------------------
    def report_versions(self, referral: Any) -> list[dict[str, Any]]:
        """The OH service holds every version; the employer only those released to the manager."""
        versions = referral.reports.all() if self.exporting.oh_side else referral.reports.released_to_manager()
        shown = []
        for report in versions.prefetch_related("consent_decisions", "follow_ups").order_by("version"):
            self.exporting.shown.append(report)
            shown.append(self.report(report))
        return shown

    def report(self, report: Any) -> dict[str, Any]:
        summary = {
            "State": dict(ReportState.choices).get(report.state, report.state),
            **fields_in_words(report, ["fitness", "likely_return_date", "equality_act", "follow_up_plan"]),
            "Recommended adjustments": words(report.adjustments),
        }
        if self.exporting.oh_side or report.diagnosis_consented:
            summary["Diagnosis"] = words(report.diagnosis)
            summary["Employee agreed to the diagnosis being shared"] = words(report.diagnosis_consented)
        summary.update(fields_in_words(report, ["sent_for_consent_at", "released_at", "withheld_at"]))
        version: dict[str, Any] = {
            "title": f"Version {report.version}",
            "summary": summary,
            "answers": [{"Question": q, "Answer": words(a)} for q, a in report.answers.items()],
            "adjustment_answers": [
                {
                    "Adjustment": f.adjustment,
                    "Answer": f.get_status_display(),
                    "Reason": words(f.reason),
                    "Answered": words(f.answered_at),
                }
                for f in report.follow_ups.all()
            ],
        }
        if self.exporting.oh_side:
            version["summary"]["Factual corrections asked for"] = words(report.corrections_requested)
            version["consent_decisions"] = [
                {
                    "When": words(d.decided_at),
                    "Decision": d.get_choice_display(),
                    "How": d.get_channel_display(),
                    "Comment": words(d.comment),
                }
                for d in report.consent_decisions.all()
            ]
        return version


def _cases(exporting: Exporting) -> list[dict[str, Any]]:
    return _Cases(exporting).cases()


register_retention(Retention("referral", due=_due, retire=_retire))
register_export_section(ExportSection("cases", position=10, build=_cases))
