"""A year of pre-employment checks for the demo (seed_demo); runs once.

Each check is started by the recruiter, answered by the candidate through their link and cleared by the
clinician, each step by its service at its moment (`world.when`), so the history matches the dates.
"""

from __future__ import annotations

from datetime import timedelta

from ohwb_portal.working_days import add_working_days
from organisations.demo import DemoWorld, at

from . import services
from .models import Assessment, ClearanceOutcome, ImmunisationState

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
IMMUNISED = {
    "mmr": ImmunisationState.COMPLETE,
    "varicella": ImmunisationState.COMPLETE,
    "hepatitis_b": ImmunisationState.COMPLETE,
    "tb_screening": ImmunisationState.COMPLETE,
    "bbv_clearance": ImmunisationState.COMPLETE,
}


def seed(world: DemoWorld) -> None:
    if Assessment.objects.filter(organisation__in=world.trusts).exists():
        return
    rng = world.rng
    today = world.today
    plans = [
        (world.trusts[0], world.users["recruiter"], world.users["clinician"]),
        (world.trusts[1], world.users["recruiter2"], world.users["clinician2"]),
    ]
    for organisation, recruiter, clinician in plans:
        for n in range(CHECKS_PER_TRUST):
            age = rng.randint(0, 365) if n > 8 else rng.randint(0, 6)
            created = today - timedelta(days=age)
            job, epp = rng.choice(JOBS)
            world.when(at(created, 9))
            started = services.start_check(
                recruiter=recruiter,
                candidate_name=f"Candidate {organisation.ods_code}-{n:03d}",
                candidate_email=f"candidate{n}@example.com",
                job_role=job,
                exposure_prone=epp,
                start_date=created + timedelta(days=30),
            )
            completed_day = created + timedelta(days=rng.randint(0, 4))
            if not world.when(at(completed_day, 20)):
                continue
            declared = rng.random() < 0.3
            services.save_answers(
                raw_token=started.link_url.rstrip("/").rsplit("/", 1)[-1],
                submit=True,
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
            # The first few stay in the clinician's review queue.
            if n < 5 or not world.when(at(cleared_day, 14) if cleared_day > completed_day else at(cleared_day, 21)):
                continue
            outcome = rng.choices(ClearanceOutcome.values, weights=[75, 18, 5, 2])[0]
            if epp:
                services.record_immunisations(assessment=started.assessment, by=clinician, **IMMUNISED)
            services.clear(
                assessment=started.assessment,
                by=clinician,
                outcome=outcome,
                adjustments="Avoid night shifts for the first 3 months"
                if outcome == ClearanceOutcome.FIT_WITH_ADJUSTMENTS
                else "",
            )
