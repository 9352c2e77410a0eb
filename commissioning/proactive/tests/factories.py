"""Absence and suggestions for tests, made through the services (the import, the refresh, the decisions)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from accounts.models import User
from commissioning.proactive import services
from commissioning.proactive.models import AbsenceImport, AbsenceSpell, SupportSuggestion
from organisations.models import Employee
from organisations.tests.factories import EmployeeFactory


def absent_employee(*, manager: User, organisation: Any, days: int = 30, **fields: Any) -> Employee:
    """A member of staff of `organisation` managed by `manager`, with one ended spell of `days` days this spring."""
    employee = EmployeeFactory(organisation=organisation, line_manager=manager, **fields)
    add_spell(employee, starts_on=timezone.localdate() - timedelta(days=days + 10), days=days)
    return employee


def add_spell(employee: Employee, *, starts_on: date, days: int, ongoing: bool = False) -> AbsenceSpell:
    batch = AbsenceImport.objects.create(
        organisation=employee.organisation, imported_by=employee.line_manager or User.objects.first(), file_name="t.csv"
    )
    return AbsenceSpell.objects.create(
        organisation=employee.organisation,
        employee=employee,
        starts_on=starts_on,
        ends_on=None if ongoing else starts_on + timedelta(days=days - 1),
        days_lost=None if ongoing else days,
        imported_in=batch,
    )


def suggestion_for(employee: Employee, state: str = "suggested") -> SupportSuggestion:
    """The suggestion the refresh makes for `employee`, taken to `state` (suggested, referred or not_now) by its
    line manager through the services."""
    services.refresh_suggestions(organisation=employee.organisation)
    suggestion = SupportSuggestion.objects.get(employee=employee, decision="")
    manager = employee.line_manager
    assert manager is not None
    if state == "referred":
        services.start_referral(suggestion=suggestion, by=manager)
    elif state == "not_now":
        services.decide_not_now(suggestion=suggestion, by=manager, reason="Back next week")
    suggestion.refresh_from_db()
    return suggestion
