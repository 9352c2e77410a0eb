"""Surveillance test data made through the services, as the pages make it."""

from __future__ import annotations

from datetime import date
from typing import Any

from accounts.models import User
from health_protection.surveillance import services
from health_protection.surveillance.models import Enrolment, Programme, ProgrammeKind
from organisations.models import Employee, Organisation
from organisations.tests.factories import EmployeeFactory


def programme(*, by: User, organisation: Organisation, kind: str = ProgrammeKind.NOISE, **kwargs: Any) -> Programme:
    return services.create_programme(by=by, organisation=organisation, kind=kind, **kwargs)


def enrolled(
    *,
    by: User,
    programme: Programme,
    employee: Employee | None = None,
    first_due_on: date | None = None,
    **employee_fields: Any,
) -> Enrolment:
    employee = employee or EmployeeFactory(
        organisation=programme.organisation,
        email=employee_fields.pop("email", "staff@example.nhs.uk"),
        **employee_fields,
    )
    return services.enrol(programme=programme, by=by, employee=employee, first_due_on=first_due_on)


def link_token(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]
