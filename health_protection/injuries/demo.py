"""A year of inoculation injuries for the demo (seed_demo); runs once.

Each injury is reported (most phoned in and recorded by OH, the demo employee's own through the portal), risk
assessed (usually the same day, sometimes not, so the KPI has a trend), its source's status asked for and recorded,
its blood tests at 6, 12 and 24 weeks booked and done, and closed: each step by its service at its moment
(`world.when`). A step dated after now has not happened, so the recent ones are mid-pathway: one waiting for its
risk assessment now (urgent on the OH home page), some with tests to book, booked or overdue.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from organisations.demo import DemoWorld, at
from organisations.models import Employee

from . import services
from .models import BbvStatus, FollowUpTest, HepBImmunity, InjuryKind, InoculationInjury, PepAdvice, Risk

INJURIES_PER_ORGANISATION = 36  # about three a month in a trust
WHERE = ["Ward 7 treatment room", "Emergency department, cubicle 4", "Theatre 2", "Phlebotomy clinic", "Ward 12"]
HOW = {
    InjuryKind.SHARPS: [
        "Needle slipped while resheathing after an injection",
        "Scratched by a needle left on a tray",
        "Lancet went through the glove while taking a sample",
    ],
    InjuryKind.SPLASH: ["Splash to the eye while emptying a drain", "Splash to the mouth during suctioning"],
    InjuryKind.BITE: ["Bitten on the hand by a confused patient"],
}
ASSESSED_AFTER_MINUTES = [20, 35, 45, 50, 60, 90, 150, 240, 60 * 20]  # the last: the next morning


def _moment(rng: Any, day_offset: int, now: datetime) -> datetime:
    day = (now - timedelta(days=day_offset)).date()
    return at(day, rng.randint(7, 21), rng.choice([0, 10, 25, 40, 55]))


def _pathway(world: DemoWorld, injury: InoculationInjury, oh_admin: Any, clinician: Any) -> None:
    rng = world.rng
    reported = injury.reported_at
    if not world.when(reported + timedelta(minutes=rng.choice(ASSESSED_AFTER_MINUTES))):
        return
    significant = rng.random() < 0.7
    known = injury.source_known
    services.assess(
        injury=injury,
        by=clinician,
        risk=(Risk.HIGH if rng.random() < 0.25 else Risk.LOW) if significant else Risk.NOT_SIGNIFICANT,
        hep_b_immunity=rng.choice([HepBImmunity.IMMUNE] * 6 + [HepBImmunity.NON_RESPONDER, HepBImmunity.NOT_KNOWN]),
        pep_advice=(PepAdvice.STARTED if rng.random() < 0.3 else PepAdvice.NOT_INDICATED)
        if significant
        else PepAdvice.NOT_INDICATED,
        hep_b_booster_given=significant and rng.random() < 0.3,
        riddor_reportable=significant and rng.random() < 0.1,
        notes="Wound bled freely and was washed at once."
        if significant
        else "Intact skin: not a significant exposure.",
    )
    if not significant:
        return
    if known and world.when(reported + timedelta(hours=2)):
        services.request_source_status(injury=injury, by=oh_admin, asked="The consultant caring for the patient")
    if known and world.when(reported + timedelta(days=2)):
        services.record_source_status(
            injury=injury, by=clinician, hbv=BbvStatus.NEGATIVE, hcv=BbvStatus.NEGATIVE, hiv=BbvStatus.NEGATIVE
        )
    for test in FollowUpTest.objects.filter(injury=injury).order_by("week"):
        if not world.when(at(test.due_on - timedelta(days=rng.randint(5, 12)), 11)):
            return  # not booked yet: the chaser will ask for it
        slot = at(test.due_on + timedelta(days=rng.choice([0, 1, 2])), 10, rng.choice([0, 30]))
        services.book_test(test=test, by=oh_admin, at=slot)
        if rng.random() < 0.05 or not world.when(slot + timedelta(days=rng.randint(2, 6))):
            return  # booked, result not in yet (or missed, and chased)
        services.record_result(
            test=test, by=clinician, hbv=BbvStatus.NEGATIVE, hcv=BbvStatus.NEGATIVE, hiv=BbvStatus.NEGATIVE
        )
    if world.when(injury.reported_at + timedelta(weeks=25)):
        services.close(injury=injury, by=clinician)


def seed(world: DemoWorld) -> None:
    organisations = [*world.trusts, world.gp_practice]
    if InoculationInjury.objects.filter(organisation__in=organisations).exists():
        return
    rng = world.rng
    now = world.now
    teams = {
        world.trusts[0]: (world.users["oh_admin"], world.users["clinician"]),
        world.trusts[1]: (world.users["oh_admin2"], world.users["clinician2"]),
        world.gp_practice: (world.users["oh_admin"], world.users["clinician"]),
    }
    stories: list[tuple[datetime, Employee, Any, Any, Any]] = []
    for organisation, (oh_admin, clinician) in teams.items():
        staff = list(Employee.objects.filter(organisation=organisation, user__isnull=True).order_by("esr_number"))
        count = INJURIES_PER_ORGANISATION if organisation in world.trusts else 8
        for n in range(count):
            age = rng.randint(1, 365) if n > 3 else [0, 9, 30, 75][n]  # the first few are recent, mid-pathway
            stories.append((_moment(rng, age, now), rng.choice(staff), oh_admin, clinician, oh_admin))
    # The demo employee reported their own, a few weeks ago: in follow-up, with a test booked.
    own = Employee.objects.filter(user=world.users["employee"]).first()
    if own is not None:
        stories.append(
            (_moment(rng, 40, now), own, world.users["oh_admin"], world.users["clinician"], world.users["employee"])
        )
    for occurred, employee, oh_admin, clinician, reporter in sorted(stories, key=lambda story: story[0]):
        if occurred > now - timedelta(minutes=30):
            occurred = now - timedelta(minutes=30)
        reported = occurred + timedelta(minutes=rng.choice([10, 20, 30]))
        if not world.when(reported):
            continue
        kind = rng.choices(list(HOW), weights=[75, 18, 7])[0]
        known = rng.random() < 0.8
        injury = services.report_injury(
            by=reporter,
            employee=employee,
            kind=kind,
            occurred_at=occurred,
            location=rng.choice(WHERE),
            how_it_happened=rng.choice(HOW[kind]),
            first_aid_given=True,
            source_known=known,
            source_details=f"Hospital number {rng.randint(1000000, 9999999)}" if known else "",
        )
        if (now - reported) < timedelta(hours=1):
            continue  # the newest waits for its risk assessment: urgent on the OH home page
        _pathway(world, injury, oh_admin, clinician)
