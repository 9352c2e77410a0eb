"""What a user may do to a surveillance programme or enrolment now: the one rule the services enforce and the pages
and API list (ADR 8).

Each action names who may take it, the message when they may not, and the condition of the object (returns why
not, or ""). The services call `check` to refuse; `allowed_actions` asks the same questions without raising.
Starting a programme acts on no programme yet (`services.create_programme` refuses a wrong role itself).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied

from ohwb_portal.refusals import ActionRefused
from organisations.models import active_membership
from organisations.roles import OH_SERVICE_ROLES, Role

from .models import Enrolment, Programme

if TYPE_CHECKING:
    from accounts.models import User


class SurveillanceError(ActionRefused):
    """A rule stops this change; the message says why in the user's words."""


OH_STAFF = "Only the occupational health service running this programme can do this."
CLINICIAN = "Only a clinician or nurse of the occupational health service running this programme can record results."
PROGRAMME_CLOSED = "This programme is closed: nobody new can be enrolled or invited."
ENDED = "This member of staff has left the programme."


def _programme_of(obj: Programme | Enrolment) -> Programme:
    return obj.programme if isinstance(obj, Enrolment) else obj


def _oh_staff(user: User | None, obj: Programme | Enrolment) -> bool:
    m = active_membership(user)
    return bool(m and m.role in OH_SERVICE_ROLES and m.organisation_id == _programme_of(obj).oh_service_id)


def _clinician(user: User | None, obj: Programme | Enrolment) -> bool:
    m = active_membership(user)
    return bool(m and m.role == Role.CLINICIAN and m.organisation_id == _programme_of(obj).oh_service_id)


def _programme_open(obj: Programme | Enrolment) -> str:
    return "" if _programme_of(obj).active else PROGRAMME_CLOSED


def _enrolment_open(obj: Any) -> str:
    if obj.ended_at is not None:
        return ENDED
    return _programme_open(obj)


def _enrolment_not_ended(obj: Any) -> str:
    return ENDED if obj.ended_at is not None else ""


@dataclass(frozen=True)
class Rule:
    who: Callable[[User | None, Any], bool]
    refused: str  # PermissionDenied message when `who` says no
    condition: Callable[[Any], str]  # why not now, or ""


# Listed in the order the pages show them.
PROGRAMME_RULES: dict[str, Rule] = {
    "apply_rules": Rule(_oh_staff, OH_STAFF, _programme_open),
    "enrol": Rule(_oh_staff, OH_STAFF, _programme_open),
    "add_rule": Rule(_oh_staff, OH_STAFF, _programme_open),
}
ENROLMENT_RULES: dict[str, Rule] = {
    "record_result": Rule(_clinician, CLINICIAN, _enrolment_not_ended),
    "invite": Rule(_oh_staff, OH_STAFF, _enrolment_open),
    "end": Rule(_oh_staff, OH_STAFF, _enrolment_not_ended),
}
PROGRAMME_ACTIONS: tuple[str, ...] = tuple(PROGRAMME_RULES)
ENROLMENT_ACTIONS: tuple[str, ...] = tuple(ENROLMENT_RULES)


def _rule(obj: Programme | Enrolment, action: str) -> Rule:
    return (ENROLMENT_RULES if isinstance(obj, Enrolment) else PROGRAMME_RULES)[action]


def check_who(user: User | None, obj: Programme | Enrolment, action: str) -> None:
    """Refuse (PermissionDenied) a user whose role or service does not allow this action."""
    rule = _rule(obj, action)
    if user is None or not user.is_authenticated or not rule.who(user, obj):
        raise PermissionDenied(rule.refused)


def check_state(obj: Programme | Enrolment, action: str) -> None:
    """Refuse (SurveillanceError) an action the object's state does not allow now."""
    reason = _rule(obj, action).condition(obj)
    if reason:
        raise SurveillanceError(reason)


def check(user: User | None, obj: Programme | Enrolment, action: str) -> None:
    check_who(user, obj, action)
    check_state(obj, action)


def allowed_actions(user: User | None, obj: Programme | Enrolment) -> list[str]:
    """The actions this user may take on this programme or enrolment now, in the order pages show them."""
    names = ENROLMENT_ACTIONS if isinstance(obj, Enrolment) else PROGRAMME_ACTIONS
    allowed = []
    for action in names:
        try:
            check(user, obj, action)
        except (PermissionDenied, SurveillanceError):
            continue
        allowed.append(action)
    return allowed
