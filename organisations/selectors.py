"""Reads for organisations and staff records, always through `visible_to`."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User

from .models import Employee, Organisation
from .roles import OrganisationKind, Role


def staff_list(*, user: User, search: str = "") -> QuerySet[Employee]:
    employees = Employee.objects.visible_to(user).select_related("organisation")
    if search:
        employees = employees.filter(last_name__icontains=search) | employees.filter(esr_number=search)
    return employees


def organisations_for_staff_import(*, user: User) -> QuerySet[Organisation]:
    """An IG lead imports their own organisation's staff; an OH admin those of the organisations served."""
    membership = user.active_membership
    if membership is None:
        return Organisation.objects.none()
    if membership.role == Role.IG_LEAD and membership.organisation.is_client:
        return Organisation.objects.filter(pk=membership.organisation_id)
    if membership.role == Role.OH_ADMIN:
        return Organisation.objects.served_by(membership.organisation)
    if membership.role == Role.IG_LEAD and membership.organisation.kind == OrganisationKind.OH_SERVICE:
        return Organisation.objects.served_by(membership.organisation)
    return Organisation.objects.none()
