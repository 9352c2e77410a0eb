"""Reads for cases, always through `Referral.objects.visible_to` (one place decides who sees what)."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When

from accounts.models import User
from organisations.models import Employee

from .models import OPEN_STATUSES, URGENT_FIRST, Referral, Status


def _cases(user: User) -> QuerySet[Referral]:
    return Referral.objects.visible_to(user).select_related("employee", "organisation")


def manager_referrals(*, user: User) -> QuerySet[Referral]:
    return _cases(user).order_by("-created_at")


def employee_cases(*, user: User) -> QuerySet[Referral]:
    return _cases(user).order_by("-created_at")


def triage_queue(*, user: User) -> QuerySet[Referral]:
    """Waiting for triage: urgent requests first, then the oldest."""
    urgent_first = Case(When(urgent_requested=True, then=Value(0)), default=Value(1), output_field=IntegerField())
    return _cases(user).filter(status=Status.SUBMITTED).order_by(urgent_first, "submitted_at")


def caseload(*, user: User, filters: dict[str, Any]) -> QuerySet[Referral]:
    cases = _cases(user).filter(status__in=OPEN_STATUSES)
    if filters.get("status"):
        cases = cases.filter(status=filters["status"])
    if filters.get("priority"):
        cases = cases.filter(priority=filters["priority"])
    if filters.get("reason"):
        cases = cases.filter(reason_category=filters["reason"])
    if filters.get("mine"):
        cases = cases.filter(appointments__clinician=user).distinct()
    return cases.order_by(URGENT_FIRST, "submitted_at")


def referable_staff(*, user: User) -> QuerySet[Employee]:
    return Employee.objects.visible_to(user).order_by("last_name", "first_name")
