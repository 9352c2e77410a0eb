"""What the surveillance domain tells audit (audit.registry): how a surveillance record is retired when its
retention period ends, and the health surveillance section of a subject access export. Registered from
SurveillanceConfig.ready.

Retention: health surveillance records are kept 40 years from the last entry (COSHH regulation 11, PRODUCT.md
section 8). An enrolment is due once it has ended and neither it nor any result was written within the period;
an open enrolment is never due. The rule's action deletes it (results, links, history) or anonymises it (the
clinical content goes, the dates and outcome categories stay for the figures).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from audit.registry import Exporting, ExportSection, Retention, register_export_section, register_retention
from audit.subject_access import fields_in_words, person, words
from organisations.models import Membership
from organisations.roles import Role

from .models import Enrolment, Result
from .programmes import category_label, questions_of

# --- retention ---------------------------------------------------------------------------------------------------


def _due(cutoff: datetime) -> QuerySet[Enrolment]:
    # No aggregate: the sweep locks each due row (SELECT ... FOR UPDATE), which a GROUP BY would not allow.
    later = Result.objects.filter(enrolment=OuterRef("pk"), recorded_at__gte=cutoff)
    return (
        Enrolment.objects.filter(ended_at__lt=cutoff, anonymised_at__isnull=True).exclude(Exists(later)).order_by("pk")
    )


def _anonymise(enrolment: Enrolment) -> None:
    enrolment.results.update(values={}, category="", findings="", restrictions="")
    enrolment.invitations.update(answers={})
    enrolment.end_reason, enrolment.anonymised_at = "", timezone.now()
    enrolment.save(update_fields=["end_reason", "anonymised_at"])
    enrolment.history.all().delete()


def _delete(enrolment: Enrolment) -> None:
    enrolment.results.all().delete()
    enrolment.invitations.all().delete()
    enrolment.history.all().delete()
    enrolment.delete()


def _retire(enrolment: Enrolment, action: str) -> None:
    if action == "delete":
        _delete(enrolment)
    else:
        _anonymise(enrolment)


# --- subject access ----------------------------------------------------------------------------------------------


def _may_read_results(exporting: Exporting) -> bool:
    """Results and answers: only in an export made by a clinician of the OH service that holds them."""
    return (
        exporting.oh_side
        and Membership.objects.filter(
            user=exporting.user, organisation=exporting.organisation, role=Role.CLINICIAN
        ).exists()
    )


def _programmes(exporting: Exporting) -> list[dict[str, Any]]:
    enrolments = Enrolment.objects.filter(employee=exporting.employee).select_related("programme__organisation")
    if exporting.oh_side:
        enrolments = enrolments.filter(programme__oh_service=exporting.organisation)
    else:
        enrolments = enrolments.filter(programme__organisation=exporting.organisation)
    with_results = _may_read_results(exporting)
    found = []
    for enrolment in enrolments.prefetch_related("results__recorded_by", "invitations").order_by("enrolled_at"):
        programme = enrolment.programme
        entry: dict[str, Any] = {
            "title": f"{enrolment.reference}: {programme.name}",
            "summary": {
                "Employer": programme.organisation.name,
                **fields_in_words(enrolment, ["basis", "enrolled_at", "due_on", "last_checked_on", "last_outcome"]),
                **fields_in_words(enrolment, ["ended_at", "end_reason"]),
            },
            "results": [],
            "answers": [],
            "withheld": "",
        }
        results = list(enrolment.results.all())
        answered = [i for i in enrolment.invitations.all() if i.submitted_at]
        if (results or answered) and not with_results:
            entry["withheld"] = (
                f"{len(results)} result{'s' if len(results) != 1 else ''} and {len(answered)} questionnaire "
                f"answer{'s' if len(answered) != 1 else ''} held by {programme.oh_service.name}. Outcomes are shown "
                "above; results are released only in an export made by a clinician of that service."
            )
        elif results or answered:
            exporting.shown.append(enrolment)
            entry["results"] = [
                {
                    "Checked on": words(r.performed_on),
                    "Recorded by": person(r.recorded_by),
                    category_label(programme): r.category or "",
                    "Test values": ", ".join(f"{k}: {v}" for k, v in r.values.items()),
                    "Findings": r.findings,
                    "Outcome": r.get_outcome_display(),
                    "Restrictions": r.restrictions,
                    "Next due": words(r.next_due_on),
                }
                for r in results
            ]
            labels = {q.name: q.label for q in questions_of(programme)}
            entry["answers"] = [
                {
                    "Sent": words(i.submitted_at),
                    "Question": labels.get(name, name),
                    "Answer": " ".join(filter(None, [words(value), i.answers.get(f"{name}_details", "")])),
                }
                for i in answered
                for name, value in i.answers.items()
                if not name.endswith("_details")
            ]
        found.append(entry)
    return found


register_retention(Retention("surveillance", due=_due, retire=_retire))
register_export_section(ExportSection("health_surveillance", position=30, build=_programmes))
