"""What a user may do to an inoculation injury now: the one rule the services enforce and the pages and API list
(ADR 8).

Each action has the statuses it may start from, who may take it and any further condition of the injury. The
services call `check` (and `check_test` for an action on one of its follow-up tests); `allowed_actions` asks the
same questions without raising. Reporting an injury is not here: it acts on no injury yet
(`services.report_injury` refuses anyone but the member of staff and the OH service itself).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from ohwb_portal.refusals import ActionRefused
from organisations.models import active_membership
from organisations.roles import Role

from .models import BloodTestStatus, FollowUpTest, InjuryStatus, InoculationInjury

if TYPE_CHECKING:
    from accounts.models import User


class InjuryError(ActionRefused):
    """A rule stops this change; the message says why in the user's words."""


CLINICIAN_ONLY = "Only a clinician of the occupational health service handling this injury can do this."
OH_ONLY = "Only the occupational health service handling this injury can do this."
NOT_WAITING = "This injury has already been risk assessed."
NOT_IN_FOLLOW_UP = "This injury is not in follow-up: there are no blood tests to book, record or close."
NO_SOURCE = "The source patient is not known, so there is no status to ask for or record."
SOURCE_RECORDED = "The source patient's blood-borne virus status is already recorded."
NO_TEST_OUTSTANDING = "Every follow-up blood test is done or not needed."
TEST_DONE = "This blood test is done or not needed: nothing more can be booked or recorded for it."


def _clinician(user: User | None, injury: InoculationInjury) -> bool:
    m = active_membership(user)
    return bool(m and m.role == Role.CLINICIAN and m.organisation_id == injury.oh_service_id)


def _oh_staff(user: User | None, injury: InoculationInjury) -> bool:
    m = active_membership(user)
    return bool(m and m.role in (Role.OH_ADMIN, Role.CLINICIAN) and m.organisation_id == injury.oh_service_id)


def _source_to_request(injury: InoculationInjury) -> str:
    if not injury.source_known:
        return NO_SOURCE
    return SOURCE_RECORDED if injury.source_recorded_at else ""


def _source_to_record(injury: InoculationInjury) -> str:
    return "" if injury.source_known else NO_SOURCE


def _a_test_outstanding(injury: InoculationInjury) -> str:
    return "" if FollowUpTest.objects.filter(injury=injury).outstanding().exists() else NO_TEST_OUTSTANDING


@dataclass(frozen=True)
class Rule:
    who: Callable[[User | None, InoculationInjury], bool]
    refused: str  # PermissionDenied message when `who` says no
    statuses: frozenset[str]
    not_now: str
    also: Callable[[InoculationInjury], str] | None = None  # a further condition; returns why not, or ""


WAITING = frozenset({InjuryStatus.REPORTED})
OPEN = frozenset({InjuryStatus.REPORTED, InjuryStatus.FOLLOW_UP})
FOLLOW_UP = frozenset({InjuryStatus.FOLLOW_UP})
CLOSED_ALREADY = "This injury is closed."

# In the order the injury's page offers them.
RULES: dict[str, Rule] = {
    "assess": Rule(_clinician, CLINICIAN_ONLY, WAITING, NOT_WAITING),
    "request_source": Rule(_oh_staff, OH_ONLY, OPEN, CLOSED_ALREADY, _source_to_request),
    "record_source": Rule(_clinician, CLINICIAN_ONLY, OPEN, CLOSED_ALREADY, _source_to_record),
    "book_test": Rule(_oh_staff, OH_ONLY, FOLLOW_UP, NOT_IN_FOLLOW_UP, _a_test_outstanding),
    "record_result": Rule(_clinician, CLINICIAN_ONLY, FOLLOW_UP, NOT_IN_FOLLOW_UP, _a_test_outstanding),
    "close": Rule(_clinician, CLINICIAN_ONLY, FOLLOW_UP, NOT_IN_FOLLOW_UP),
}
ACTIONS: tuple[str, ...] = tuple(RULES)
TEST_ACTIONS = frozenset({"book_test", "record_result"})


def check_who(user: User | None, injury: InoculationInjury, action: str) -> None:
    """Refuse (PermissionDenied) a user whose role or service does not allow this action."""
    rule = RULES[action]
    if user is None or not user.is_authenticated or not rule.who(user, injury):
        raise PermissionDenied(rule.refused)


def check_state(injury: InoculationInjury, action: str) -> None:
    """Refuse (InjuryError) an action the injury's state does not allow now."""
    rule = RULES[action]
    if injury.status not in rule.statuses:
        raise InjuryError(rule.not_now)
    reason = rule.also(injury) if rule.also else ""
    if reason:
        raise InjuryError(reason)


def check(user: User | None, injury: InoculationInjury, action: str) -> None:
    check_who(user, injury, action)
    check_state(injury, action)


def check_test(test: FollowUpTest, action: str) -> None:
    """Refuse a booking or a result for a test that is done or not needed."""
    assert action in TEST_ACTIONS
    if test.status not in (BloodTestStatus.TO_BOOK, BloodTestStatus.BOOKED):
        raise InjuryError(TEST_DONE)


def allowed_actions(user: User | None, injury: InoculationInjury) -> frozenset[str]:
    """The actions this user may take on this injury now, by the same checks the services refuse with."""
    allowed = set()
    for action in ACTIONS:
        try:
            check(user, injury, action)
        except (PermissionDenied, InjuryError):
            continue
        allowed.add(action)
    return frozenset(allowed)


def may_act_on_test(user: User | None, test: FollowUpTest, action: str) -> bool:
    """Whether this user may take a test's action on this test now (its injury's rule, then the test's)."""
    try:
        check(user, test.injury, action)
        check_test(test, action)
    except (PermissionDenied, InjuryError):
        return False
    return True
