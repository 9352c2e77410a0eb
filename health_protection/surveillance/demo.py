"""A year of health surveillance for the demo (seed_demo); runs once.

The in-house OH service runs three programmes for the first trust (noise for Estates and Facilities, skin for
healthcare assistants and staff nurses, respiratory for pathology), started a year ago. Each step goes through its
service at its moment (`world.when`): staff enrolled from the ESR data by the rules, recall links four weeks before
the date due, answers sent back, checks recorded around the date due (some late, some never, so a few people are
overdue now and compliance moves month by month), overdue reminders, and a few new starters enrolled by name.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from notifications.models import OutboxMessage
from organisations.demo import at

from . import services
from .models import Basis, Enrolment, Outcome, Programme, ProgrammeKind
from .programmes import categories_of, questions_of, records_spirometry
from .status import RECALL_WINDOW

if TYPE_CHECKING:
    from organisations.demo import DemoWorld

PROGRAMMES = [
    (ProgrammeKind.NOISE, [(Basis.DEPARTMENT, "Estates and Facilities")]),
    (ProgrammeKind.SKIN, [(Basis.JOB_ROLE, "Healthcare Assistant"), (Basis.JOB_ROLE, "Staff Nurse")]),
    (ProgrammeKind.RESPIRATORY, [(Basis.DEPARTMENT, "Pathology")]),
]
OUTCOMES = [Outcome.FIT, Outcome.FIT_WITH_RESTRICTIONS, Outcome.REFER, Outcome.UNFIT]


def _token(invitation_pk: int) -> str:
    link = OutboxMessage.objects.get(idempotency_key=f"surveillance-link-{invitation_pk}").context["link"]
    return str(link).rstrip("/").rsplit("/", 1)[-1]


class _Story:
    def __init__(self, world: DemoWorld) -> None:
        self.world, self.rng = world, world.rng
        self.oh_admin, self.clinician = world.users["oh_admin"], world.users["clinician"]

    def answer(self, enrolment: Enrolment, day: date) -> None:
        """The recall goes out four weeks before the date due; most people answer within a week."""
        if not self.world.when(at(max(enrolment.due_on - RECALL_WINDOW, day, enrolment.enrolled_at.date()), 7)):
            return
        invitation = services.send_recall(enrolment=enrolment)
        if invitation is None or self.rng.random() < 0.15:
            return
        if not self.world.when(at(invitation.created_at.date() + timedelta(days=self.rng.randint(1, 7)), 19)):
            return
        answers: dict[str, Any] = {}
        for question in questions_of(enrolment.programme):
            yes = self.rng.random() < 0.12
            answers[question.name] = "yes" if yes else "no"
            answers[f"{question.name}_details"] = "Now and then, at the end of a long shift" if yes else ""
        services.submit_answers(raw_token=_token(invitation.pk), answers=answers)

    def check(self, enrolment: Enrolment, day: date) -> Enrolment | None:
        """A check on `day`: the result the programme records and an outcome, most people fit."""
        if not self.world.when(at(day, 14)):
            return None
        programme = enrolment.programme
        outcome = self.rng.choices(OUTCOMES, weights=[78, 10, 9, 3])[0]
        values: dict[str, Any] = {}
        category = ""
        if records_spirometry(programme):
            fvc = round(self.rng.uniform(3.0, 5.2), 2)
            ratio = self.rng.uniform(0.62, 0.85) if outcome != Outcome.FIT else self.rng.uniform(0.72, 0.85)
            values = {"fev1": round(fvc * ratio, 2), "fvc": fvc}
        else:
            categories = categories_of(programme)
            category = categories[0] if outcome == Outcome.FIT else self.rng.choice(categories[1:])
        services.record_result(
            enrolment=enrolment,
            by=self.clinician,
            performed_on=day,
            outcome=outcome,
            category=category,
            values=values,
            findings="" if outcome == Outcome.FIT else "Discussed at the check; see the plan with the employee.",
            restrictions="Avoid the exposure until reviewed" if outcome == Outcome.FIT_WITH_RESTRICTIONS else "",
            next_due_on=day + timedelta(days=91) if outcome in (Outcome.REFER, Outcome.UNFIT) else None,
        )
        return Enrolment.objects.get(pk=enrolment.pk)

    def chase(self, enrolment: Enrolment) -> None:
        day = enrolment.due_on + timedelta(days=1)
        if self.world.when(at(day, 7)):
            services.chase(enrolment=enrolment, today=day)

    def life(self, enrolment: Enrolment) -> None:
        """Recall, answers and checks through the year, until a check falls in the future or never happens."""
        rng = self.rng
        current: Enrolment | None = enrolment
        while current is not None and current.due_on <= self.world.today + RECALL_WINDOW:
            self.answer(current, current.due_on - RECALL_WINDOW)
            if rng.random() < 0.12:  # this check never happens: overdue, reminded
                self.chase(current)
                return
            late = rng.random() < 0.25
            day = current.due_on + timedelta(days=rng.randint(1, 40) if late else -rng.randint(0, 20))
            if late:
                self.chase(current)
            if day > self.world.today:
                return
            current = self.check(current, day)


def seed(world: DemoWorld) -> None:
    if Programme.objects.filter(oh_service=world.oh_service).exists():
        return
    story = _Story(world)
    rng, trust = world.rng, world.trusts[0]
    started = world.today - timedelta(days=365)
    world.when(at(started, 9))
    programmes = []
    for kind, rules in PROGRAMMES:
        programme = services.create_programme(by=story.oh_admin, organisation=trust, kind=kind)
        for basis, value in rules:
            services.add_rule(programme=programme, by=story.oh_admin, basis=basis, value=value)
        services.apply_rules(programme=programme, by=story.oh_admin, first_due_on=started + timedelta(days=45))
        programmes.append(programme)
    # The baseline checks spread over the first four months.
    for enrolment in Enrolment.objects.filter(programme__in=programmes).order_by("pk"):
        first_due = started + timedelta(days=rng.randint(20, 130))
        Enrolment.objects.filter(pk=enrolment.pk).update(first_due_on=first_due, due_on=first_due)
    # Pharmacists preparing sensitising drugs, enrolled by name during the year.
    respiratory = programmes[2]
    newcomers = list(trust.employees.filter(job_role="Pharmacist").order_by("esr_number")[:3])
    for n, employee in enumerate(newcomers):
        joined = started + timedelta(days=150 + 60 * n)
        if world.when(at(joined, 10)):
            services.enrol(
                programme=respiratory, by=story.oh_admin, employee=employee, first_due_on=joined + timedelta(days=28)
            )
    for enrolment in Enrolment.objects.filter(programme__in=programmes).select_related("programme").order_by("pk"):
        story.life(enrolment)
