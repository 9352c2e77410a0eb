"""Which fields of a case's records each role is given: one rule for the pages and the API."""

from __future__ import annotations

from typing import Any

from organisations.models import active_membership
from organisations.roles import Role

APPOINTMENT_FIELDS = (
    "id",
    "referral",
    "clinician",
    "start",
    "length_minutes",
    "modality",
    "location",
    "is_follow_up",
    "status",
)
# The manager learns when and how the employee is seen, not where: an address, room or link can say
# which clinic (and so what kind of care) it is.
APPOINTMENT_FIELDS_HIDDEN: dict[str, frozenset[str]] = {Role.MANAGER: frozenset({"location"})}


def appointment_fields(user: Any) -> tuple[str, ...]:
    membership = active_membership(user)
    hidden = (
        APPOINTMENT_FIELDS_HIDDEN.get(membership.role, frozenset()) if membership else frozenset(APPOINTMENT_FIELDS)
    )
    return tuple(name for name in APPOINTMENT_FIELDS if name not in hidden)


class AppointmentForViewer:
    """An appointment as one user may see it: a field they are not given reads as empty."""

    def __init__(self, appointment: Any, fields: tuple[str, ...]) -> None:
        self._appointment = appointment
        self._fields = fields

    def __getattr__(self, name: str) -> Any:
        if name in APPOINTMENT_FIELDS and name not in self._fields:
            return ""
        return getattr(self._appointment, name)


def appointments_for(user: Any, appointments: Any) -> list[AppointmentForViewer]:
    fields = appointment_fields(user)
    return [AppointmentForViewer(a, fields) for a in appointments]
