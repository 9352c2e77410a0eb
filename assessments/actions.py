"""What a user may do to a pre-employment check now: the one rule that the services enforce and the page and
API list.

Each action has the statuses it may start from, who may take it, and any further condition of the check. The
services call `check` to refuse; `allowed_actions` asks the same questions without raising, so the check's page
never offers what a hand-made POST could not do, nor hides what it could. Starting a check is not here: it acts
on no check yet (`services.start_check` refuses a non-recruiter itself).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ohwb_portal.refusals import ActionRefused
from organisations.models import active_membership
from organisations.roles import Role

from .models import (
    Assessment,
    AssessmentStatus,
    Immunisations,
    ImmunisationState,
    QuestionnaireLink,
    QuestionnaireResponse,
)

if TYPE_CHECKING:
    from accounts.models import User


class AssessmentError(ActionRefused):
    """A rule stops this change; the message says why in the user's words."""


REVIEWER = "Only a clinician of the OH service doing this check can review it."
NOT_WAITING = "This check is not waiting for review."
BBV_FIRST = (
    "An exposure-prone role cannot be cleared until blood-borne virus clearance is "
    "complete. Record it under immunisations first."
)
DECLARED = "The candidate declared something: review the answers and give an outcome."


def _reviewer(user: User | None, assessment: Assessment) -> bool:
    m = active_membership(user)
    return bool(m and m.role == Role.CLINICIAN and m.organisation_id == assessment.oh_service_id)


def _sender(user: User | None, assessment: Assessment) -> bool:
    """The recruiter of the check's organisation, or an OH administrator of the service doing it."""
    m = active_membership(user)
    if m is None:
        return False
    if m.role == Role.RECRUITER:
        return m.organisation_id == assessment.organisation_id
    return m.role == Role.OH_ADMIN and m.organisation_id == assessment.oh_service_id


SENDER = "Only the recruiter or the OH service's administrators can send or extend the questionnaire link."
ANSWERED = (
    "The questionnaire link can be sent again or extended only while the check is waiting for the candidate: "
    "this one has been answered or closed."
)
NO_LIVE_LINK = "There is no link to extend. Send the candidate a new link instead."
LONGEST_AHEAD = "The link already works until {until}. A link cannot work for more than {days} days from today."
# A link extends by a week at a time, and never to more than four weeks ahead: long enough for a candidate who is
# away, short enough that a link forwarded or left in an inbox stops working.
LINK_EXTENSION = timedelta(days=7)
LONGEST_LINK = timedelta(days=28)


def live_link(assessment: Assessment) -> QuestionnaireLink | None:
    """The link the candidate can use now, or could once extended: not used, not replaced by a newer one."""
    return (
        QuestionnaireLink.objects.filter(assessment=assessment, used_at__isnull=True, revoked_at__isnull=True)
        .order_by("-created_at")
        .first()
    )


def extended_expiry(link: QuestionnaireLink) -> datetime:
    """A week more than the link has, or a week from now for a link that has already expired."""
    return max(link.expires_at, timezone.now()) + LINK_EXTENSION


def _extendable(assessment: Assessment) -> str:
    link = live_link(assessment)
    if link is None:
        return NO_LIVE_LINK
    if extended_expiry(link) > timezone.now() + LONGEST_LINK:
        until = f"{timezone.localtime(link.expires_at):%-d %B %Y}"
        return LONGEST_AHEAD.format(until=until, days=LONGEST_LINK.days)
    return ""


def bbv_refusal(assessment: Assessment) -> str:
    """Why this check cannot be cleared as fit yet, or "": an exposure-prone role needs BBV clearance first."""
    if not assessment.exposure_prone:
        return ""
    record = Immunisations.objects.filter(assessment=assessment).first()
    if record is None or record.bbv_clearance != ImmunisationState.COMPLETE:
        return BBV_FIRST
    return ""


def _nothing_declared(assessment: Assessment) -> str:
    """Clearing in one step is clearing as fit: only when nothing was declared, and BBV is done where needed."""
    response = QuestionnaireResponse.objects.filter(assessment=assessment).first()
    if response is None or response.declarations:
        return DECLARED
    return bbv_refusal(assessment)


@dataclass(frozen=True)
class Rule:
    who: Callable[[User | None, Assessment], bool]
    refused: str  # PermissionDenied message when `who` says no
    statuses: frozenset[str]
    also: Callable[[Assessment], str] | None = None  # a further condition; returns why not, or ""
    not_now: str = NOT_WAITING  # why not, in a status the action does not start from


REVIEW = frozenset({AssessmentStatus.AWAITING_REVIEW})
WAITING_FOR_CANDIDATE = frozenset({AssessmentStatus.AWAITING_QUESTIONNAIRE})

# Listed in the order the check's page shows them.
RULES: dict[str, Rule] = {
    "immunisations": Rule(_reviewer, REVIEWER, REVIEW),
    "clear_nothing_declared": Rule(_reviewer, REVIEWER, REVIEW, _nothing_declared),
    "clear": Rule(_reviewer, REVIEWER, REVIEW),
    "resend_link": Rule(_sender, SENDER, WAITING_FOR_CANDIDATE, not_now=ANSWERED),
    "extend_link": Rule(_sender, SENDER, WAITING_FOR_CANDIDATE, _extendable, not_now=ANSWERED),
}
ACTIONS: tuple[str, ...] = tuple(RULES)


def check_who(user: User | None, assessment: Assessment, action: str) -> None:
    """Refuse (PermissionDenied) a user whose role or service does not allow this action."""
    rule = RULES[action]
    if user is None or not user.is_authenticated or not rule.who(user, assessment):
        raise PermissionDenied(rule.refused)


def check_state(assessment: Assessment, action: str) -> None:
    """Refuse (AssessmentError) an action the check's state does not allow now."""
    rule = RULES[action]
    if assessment.status not in rule.statuses:
        raise AssessmentError(rule.not_now)
    reason = rule.also(assessment) if rule.also else ""
    if reason:
        raise AssessmentError(reason)


def check(user: User | None, assessment: Assessment, action: str) -> None:
    check_who(user, assessment, action)
    check_state(assessment, action)


def allowed_actions(user: User | None, assessment: Assessment) -> frozenset[str]:
    """The actions this user may take on this check now, by the same checks the services refuse with."""
    allowed = set()
    for action in ACTIONS:
        try:
            check(user, assessment, action)
        except (PermissionDenied, AssessmentError):
            continue
        allowed.add(action)
    return frozenset(allowed)
