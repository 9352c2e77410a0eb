"""A year of pre-employment checks for the demo (seed_demo); runs once."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from ohwb_portal.working_days import add_working_days

from .models import Assessment, AssessmentStatus, ClearanceOutcome, QuestionnaireResponse

JOBS = [
    ("Staff Nurse", False),
    ("Theatre Practitioner", True),
    ("Healthcare Assistant", False),
    ("Foundation Doctor", True),
    ("Porter", False),
    ("Physiotherapist", False),
    ("Midwife", True),
]
CHECKS_PER_TRUST = 70


def seed(world: Any) -> None:
    if Assessment.objects.filter(organisation__in=world.trusts).exists():
        return
    rng = world.rng
    today = timezone.localdate()
    plans = [
        (world.trusts[0], world.oh_service, world.users["recruiter"], world.users["clinician"]),
        (world.trusts[1], world.supplier_oh_service, world.users["recruiter2"], world.users["clinician2"]),
    ]
    for organisation, service, recruiter, clinician in plans:
        for n in range(CHECKS_PER_TRUST):
            age = rng.randint(0, 365) if n > 8 else rng.randint(0, 6)
            created = today - timedelta(days=age)
            job, epp = rng.choice(JOBS)
            assessment = Assessment.objects.create(
                organisation=organisation,
                oh_service=service,
                recruiter=recruiter,
                candidate_name=f"Candidate {organisation.ods_code}-{n:03d}",
                candidate_email=f"candidate{n}@example.com",
                job_role=job,
                exposure_prone=epp,
                start_date=created + timedelta(days=30),
            )
            Assessment.objects.filter(pk=assessment.pk).update(created_at=_at(created, 9))
            completed_day = created + timedelta(days=rng.randint(0, 4))
            if completed_day > today:
                continue
            declared = rng.random() < 0.3
            QuestionnaireResponse.objects.create(
                assessment=assessment,
                submitted_at=_at(completed_day, 20),
                answers={
                    "conditions": "yes" if declared else "no",
                    "conditions_details": "Asthma, well controlled" if declared else "",
                    "medication": "no",
                    "absence": "no",
                    "adjustments": "no",
                    "infections": "no",
                },
            )
            cleared_day = add_working_days(completed_day, rng.choices([0, 1, 2, 3, 4], weights=[20, 45, 25, 7, 3])[0])
            if cleared_day > today or n < 5:
                Assessment.objects.filter(pk=assessment.pk).update(
                    status=AssessmentStatus.AWAITING_REVIEW, questionnaire_completed_at=_at(completed_day, 20)
                )
                continue
            outcome = rng.choices(ClearanceOutcome.values, weights=[75, 18, 5, 2])[0]
            Assessment.objects.filter(pk=assessment.pk).update(
                status=AssessmentStatus.CLEARED,
                questionnaire_completed_at=_at(completed_day, 20),
                cleared_at=_at(cleared_day, 14),
                outcome=outcome,
                reviewed_by=clinician,
                adjustments="Avoid night shifts for the first 3 months" if outcome == "fit_with_adjustments" else "",
            )


def _at(day: Any, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))
