"""Injuries taken through their pathway by the real services, and the people around them (for this app's tests,
the authorization matrix and the access-log walk)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from health_protection.injuries import services
from health_protection.injuries.models import BbvStatus, HepBImmunity, InoculationInjury, PepAdvice, Risk
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member

# How far an injury is taken before a test looks at it.
STAGES = ["reported", "assessed", "booked", "resulted", "closed"]


@dataclass
class People:
    employee_user: Any
    employee: Any
    manager: Any
    oh_admin: Any
    clinician: Any


def people_of(world: Any, side: str = "own") -> People:
    trust, service = (world.trust_a, world.oh_service) if side == "own" else (world.trust_b, world.other_oh_service)
    manager = member(Role.MANAGER, trust)
    employee_user = member(Role.EMPLOYEE, trust)
    employee = EmployeeFactory(organisation=trust, user=employee_user, line_manager=manager, email="")
    return People(employee_user, employee, manager, member(Role.OH_ADMIN, service), member(Role.CLINICIAN, service))


def injury_at(people: People, stage: str = "reported", **report: Any) -> InoculationInjury:
    """An injury reported by the member of staff and taken to `stage` by OH through the services."""
    done = STAGES[: STAGES.index(stage) + 1]
    injury = services.report_injury(
        by=people.employee_user,
        employee=people.employee,
        kind=report.pop("kind", "sharps"),
        occurred_at=report.pop("occurred_at", timezone.now() - timedelta(minutes=20)),
        location=report.pop("location", "Ward 7, treatment room"),
        how_it_happened=report.pop("how_it_happened", "Needle slipped while resheathing"),
        first_aid_given=True,
        source_known=report.pop("source_known", True),
        source_details=report.pop("source_details", "Bed 4"),
        **report,
    )
    if "assessed" in done:
        services.assess(
            injury=injury,
            by=people.clinician,
            risk=Risk.HIGH,
            hep_b_immunity=HepBImmunity.IMMUNE,
            pep_advice=PepAdvice.STARTED,
            riddor_reportable=True,
            notes="Deep puncture, visible blood",
        )
    if "booked" in done:
        test = injury.tests.get(week=6)
        services.book_test(test=test, by=people.oh_admin, at=timezone.now() + timedelta(days=3))
    if "resulted" in done:
        test = injury.tests.get(week=6)
        services.record_result(
            test=test,
            by=people.clinician,
            hbv=BbvStatus.NEGATIVE,
            hcv=BbvStatus.NEGATIVE,
            hiv=BbvStatus.NEGATIVE,
            notes="All clear at six weeks",
        )
    if "closed" in done:
        services.close(injury=injury, by=people.clinician)
    injury.refresh_from_db()
    return injury
