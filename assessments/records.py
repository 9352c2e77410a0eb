"""What the assessments domain tells audit (audit.registry): how a cleared pre-employment check is anonymised when
its retention period ends, and the pre-employment checks section of a subject access export. Registered from
AssessmentsConfig.ready.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from audit.registry import Exporting, ExportSection, Retention, register_export_section, register_retention
from audit.subject_access import fields_in_words, words

from .models import Assessment
from .questionnaire import QuestionnaireForm


def _due(cutoff: datetime) -> QuerySet[Assessment]:
    return Assessment.objects.filter(cleared_at__lt=cutoff, anonymised_at__isnull=True).order_by("pk")


def _anonymise(assessment: Assessment) -> None:
    if hasattr(assessment, "response"):
        assessment.response.delete()
    assessment.candidate_name, assessment.candidate_email = "(removed)", "removed@invalid"
    assessment.adjustments = ""
    assessment.anonymised_at = timezone.now()
    assessment.save()
    assessment.history.all().delete()


def _retire(assessment: Assessment, action: str) -> None:
    _anonymise(assessment)  # a check's outcome is kept for the employer's records; only the person goes


class _Checks:
    def __init__(self, exporting: Exporting) -> None:
        self.exporting = exporting

    def checks(self) -> list[dict[str, Any]]:
        """Matched to the staff record by e-mail address: a check is made before the person is on the staff."""
        if not self.exporting.employee.email:
            return []
        checks = Assessment.objects.filter(candidate_email__iexact=self.exporting.employee.email).select_related(
            "organisation"
        )
        checks = (
            checks.filter(oh_service=self.exporting.organisation)
            if self.exporting.oh_side
            else checks.filter(organisation=self.exporting.organisation)
        )
        found = []
        for check in checks.order_by("created_at"):
            entry: dict[str, Any] = {
                "title": f"{check.reference}: {check.job_role}",
                "summary": {
                    "Organisation": check.organisation.name,
                    **fields_in_words(check, ["candidate_name", "status", "outcome", "adjustments", "start_date"]),
                    **fields_in_words(check, ["created_at", "questionnaire_completed_at", "cleared_at"]),
                },
                "answers": [],
            }
            response = getattr(check, "response", None)
            if self.exporting.oh_side and response is not None and response.submitted_at:
                self.exporting.shown.append(response)
                labels = {q.name: q.label for q in QuestionnaireForm(exposure_prone=True, require_all=False).questions}
                entry["answers"] = [
                    {"Question": labels.get(name, name.replace("_", " ").capitalize()), "Answer": words(value)}
                    for name, value in response.answers.items()
                ]
            found.append(entry)
        return found


def _checks(exporting: Exporting) -> list[dict[str, Any]]:
    return _Checks(exporting).checks()


def _not_included(exporting: Exporting) -> list[str]:
    if exporting.employee.email:
        return []
    return ["Pre-employment checks are matched by e-mail address; this staff record has none."]


register_retention(Retention("pre_employment", due=_due, retire=_retire))
register_export_section(ExportSection("pre_employment_checks", position=20, build=_checks, not_included=_not_included))
