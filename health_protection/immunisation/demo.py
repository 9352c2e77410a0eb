"""A year of staff immunisation for the demo (seed_demo); runs once.

- Last season's flu campaign (September to February) for each trust and the practice, finished, and this season's
  running, each with clinics on the wards, named vaccinators (the OH service's and a peer vaccinator at trust 1),
  batches (one of them expired) and outcomes that rise week by week as real campaigns do: quickly in the first
  weeks, then more slowly, frontline staff well ahead of the rest, some declines, some vaccinated elsewhere.
- Immunisation records for part of the staff, some with hepatitis B courses under way or overdue (so the due list
  and the recall messages have something in them), and new starters whose pre-employment check's immunisations
  show on their record without being typed again.

Every outcome and entry is made by the service a user's click calls, at its moment (`world.when`).
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from assessments.models import Assessment, AssessmentStatus
from organisations.models import Employee, Organisation

from . import services
from .frontline import is_frontline
from .models import (
    Antigen,
    Campaign,
    CampaignKind,
    DeclineReason,
    Elsewhere,
    EntryKind,
    Outcome,
    VaccineBatch,
)
from .products import first_product
from .services import EntryDetails, VaccinationDetails

if TYPE_CHECKING:
    from accounts.models import User
    from organisations.demo import DemoWorld

WARDS = ["Ward 3", "Ward 7", "Ward 12", "Emergency department", "Outpatients", "Staff room, Block B"]
FINAL_UPTAKE = {"frontline": 0.78, "other": 0.45}
DECLINE_SHARE = 0.1
ELSEWHERE_SHARE = 0.08
RECORDS_PER_ORGANISATION = 20


def season_start(today: date) -> date:
    """1 September of the season running (or about to start) on `today`."""
    year = today.year if today.month >= 9 else today.year - 1
    return date(year, 9, 1)


def seed(world: DemoWorld) -> None:
    if Campaign.objects.exists():
        return
    from organisations.demo import at

    rng = random.Random(19)  # its own draws: the apps seeded after this one draw as they did before it
    this_season = season_start(world.today)
    services_for = {
        world.trusts[0]: (world.users["clinician"], [world.users["vaccinator"], world.users["vaccinator_peer"]]),
        world.gp_practice: (world.users["clinician"], [world.users["vaccinator"]]),
        world.trusts[1]: (world.users["clinician2"], [world.users["vaccinator2"]]),
    }
    clinicians = {clinician.pk: clinician for clinician, _ in services_for.values()}
    batches = {pk: _batches(world, clinician, this_season) for pk, clinician in clinicians.items()}
    for organisation, (clinician, vaccinators) in services_for.items():
        for start in (date(this_season.year - 1, 9, 1), this_season):
            world.when(at(start - timedelta(days=14), 10))
            campaign = services.create_campaign(
                by=clinician,
                organisation=organisation,
                kind=CampaignKind.FLU,
                starts_on=start,
                ends_on=date(start.year + 1, 2, 28),
                target_percent=80,
            )
            for vaccinator in vaccinators:
                services.name_vaccinator(by=clinician, campaign=campaign, user=vaccinator)
            _outcomes(world, rng, campaign, clinician, vaccinators, batches[clinician.pk][start.year])
        _records(world, rng, organisation, clinician)
    world.when(world.now)


def _batches(world: DemoWorld, clinician: User, this_season: date) -> dict[int, list[VaccineBatch]]:
    """Per season: two batches in date for it, and for this season also one that has since expired."""
    from organisations.demo import at

    product = first_product(CampaignKind.FLU)
    found: dict[int, list[VaccineBatch]] = {}
    service = clinician.active_membership.organisation if clinician.active_membership else None
    for year in (this_season.year - 1, this_season.year):
        world.when(at(date(year, 8, 20), 11))
        found[year] = [
            services.add_batch(
                by=clinician,
                product=product,
                batch_number=f"{service.ods_code if service else 'X'}{year % 100}{n}",
                expires_on=date(year + 1, 6, 30),
            )
            for n in ("A", "B")
        ]
    if world.when(at(date(this_season.year, 8, 21), 11)):
        services.add_batch(
            by=clinician,
            product=product,
            batch_number=f"{service.ods_code if service else 'X'}{this_season.year % 100}OLD",
            expires_on=date(this_season.year, 10, 31),
        )
    return found


def _day_vaccinated(rng: random.Random, campaign: Campaign, final: float) -> int | None:
    """The campaign day someone is vaccinated on, or None: most in the first weeks (an exponential approach to the
    season's final uptake, four weeks' time constant), fewer later."""
    if rng.random() >= final:
        return None
    length = (campaign.ends_on - campaign.starts_on).days
    day = int(-28 * math.log(1 - rng.random() * (1 - math.exp(-length / 28))))
    return min(day, length)


def _outcomes(
    world: DemoWorld,
    rng: random.Random,
    campaign: Campaign,
    clinician: User,
    vaccinators: list[User],
    batches: list[VaccineBatch],
) -> None:
    from organisations.demo import at

    clinics: dict[date, object] = {}
    staff = Employee.objects.filter(organisation=campaign.organisation).order_by("pk")
    plans = []
    for person in staff:
        final = FINAL_UPTAKE["frontline" if is_frontline(person.staff_group) else "other"]
        day = _day_vaccinated(rng, campaign, final)
        if day is None:
            if rng.random() < DECLINE_SHARE / (1 - final):
                plans.append((rng.randint(0, 60), person, Outcome.DECLINED))
            continue
        elsewhere = rng.random() < ELSEWHERE_SHARE
        plans.append((day, person, Outcome.VACCINATED_ELSEWHERE if elsewhere else Outcome.VACCINATED))
    for day, person, outcome in sorted(plans, key=lambda plan: (plan[0], plan[1].pk)):
        on = campaign.starts_on + timedelta(days=day)
        if not world.when(at(on, 10 + day % 6, rng.randint(0, 59))):
            continue  # not happened yet
        if on not in clinics and outcome == Outcome.VACCINATED:
            clinics[on] = services.add_clinic(
                by=clinician, campaign=campaign, place=WARDS[len(clinics) % len(WARDS)], on=on, batch=batches[0]
            )
        vaccinator = vaccinators[day % len(vaccinators)]
        details = {
            Outcome.VACCINATED: VaccinationDetails(
                outcome, consent_given=True, batch=batches[day % 2], site=rng.choice(["left_arm", "right_arm"])
            ),
            Outcome.VACCINATED_ELSEWHERE: VaccinationDetails(
                outcome, elsewhere=rng.choice(Elsewhere.values), given_on=on - timedelta(days=rng.randint(0, 5))
            ),
            Outcome.DECLINED: VaccinationDetails(outcome, decline_reason=rng.choice(DeclineReason.values)),
        }[outcome]
        services.record_vaccination(
            by=vaccinator,
            campaign=campaign,
            employee=person,
            details=details,
            clinic=clinics.get(on) if outcome == Outcome.VACCINATED else None,  # type: ignore[arg-type]
        )


def _records(world: DemoWorld, rng: random.Random, organisation: Organisation, clinician: User) -> None:
    """Records for part of the staff: hepatitis B courses at every stage, MMR and TB evidence, a few overdue; the
    demo employee's own; and new starters whose pre-employment check shows through."""
    from organisations.demo import at

    people = list(Employee.objects.filter(organisation=organisation).order_by("pk")[:RECORDS_PER_ORGANISATION])
    for employee_user in ("employee", "employee2"):
        own = Employee.objects.filter(user=world.users[employee_user], organisation=organisation).first()
        if own is not None:
            people.append(own)
    for n, person in enumerate(people):
        first = world.today - timedelta(days=rng.randint(20, 400))
        world.when(at(first, 14))
        services.open_record(by=clinician, employee=person)
        doses = n % 5  # 0: nothing yet; 1, 2: a course under way; 3: tested; 4: tested and a low responder
        for k in range(min(doses, 3)):
            on = first + timedelta(days=(0, 30, 180)[k])
            if world.when(at(on, 14)):
                services.add_entry(
                    by=clinician, employee=person, details=EntryDetails(Antigen.HEPATITIS_B, EntryKind.DOSE, on)
                )
        tested = first + timedelta(days=240)
        if doses >= 3 and world.when(at(tested, 15)):
            level = Decimal(250 if doses == 3 else 40)
            services.add_entry(
                by=clinician,
                employee=person,
                details=EntryDetails(Antigen.HEPATITIS_B, EntryKind.ANTIBODY, tested, antibody_level=level),
            )
        if world.when(at(first, 15)):
            services.add_entry(
                by=clinician, employee=person, details=EntryDetails(Antigen.MMR, EntryKind.IMMUNITY, first)
            )
            if n % 3 == 0:
                services.add_entry(
                    by=clinician,
                    employee=person,
                    details=EntryDetails(Antigen.TB, EntryKind.SCREENING, first, screening_result="negative"),
                )
    _new_starters(world, organisation, clinician)


def _new_starters(world: DemoWorld, organisation: Organisation, clinician: User) -> None:
    """Candidates cleared at this organisation who have since joined (on ESR with the same e-mail address): their
    records open on what the check recorded."""
    from organisations.demo import at

    cleared = Assessment.objects.filter(
        organisation=organisation, status=AssessmentStatus.CLEARED, immunisations__isnull=False
    ).order_by("cleared_at")[:5]
    for n, check in enumerate(cleared):
        assert check.cleared_at is not None
        joined = check.cleared_at.date() + timedelta(days=30)
        if not world.when(at(joined, 9)):
            continue
        first, _, last = check.candidate_name.partition(" ")
        person, _ = Employee.objects.get_or_create(
            organisation=organisation,
            esr_number=f"{organisation.pk % 10}8{n:06d}",
            defaults={
                "first_name": "New",
                "last_name": f"Starter {last or first}",
                "date_of_birth": date(1995, 4, 1 + n),
                "staff_group": "nursing_midwifery",
                "job_role": check.job_role,
                "email": check.candidate_email,
            },
        )
        services.open_record(by=clinician, employee=person)
