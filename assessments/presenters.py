"""Display values for checks: the working-day clock from complete questionnaire to clearance, and the actions
a user is offered."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from ohwb_portal.working_days import working_days_between

from .actions import ACTIONS, allowed_actions
from .models import Assessment

if TYPE_CHECKING:
    from accounts.models import User

CLEARANCE_TARGET_WORKING_DAYS = 2


def clearance_clock(assessment: Assessment) -> str:
    if assessment.questionnaire_completed_at is None:
        return ""
    end = assessment.cleared_at or timezone.now()
    days = working_days_between(timezone.localdate(assessment.questionnaire_completed_at), timezone.localdate(end))
    if assessment.cleared_at:
        return f"Cleared in {days} working day{'s' if days != 1 else ''}"
    return f"Working day {days} of {CLEARANCE_TARGET_WORKING_DAYS}"


def is_overdue(assessment: Assessment) -> bool:
    if assessment.questionnaire_completed_at is None or assessment.cleared_at:
        return False
    days = working_days_between(timezone.localdate(assessment.questionnaire_completed_at), timezone.localdate())
    return days > CLEARANCE_TARGET_WORKING_DAYS


def assessment_actions(user: User | None, assessment: Assessment) -> list[str]:
    """The actions offered on a check, in the order its page shows them: exactly those the services accept."""
    allowed = allowed_actions(user, assessment)
    return [name for name in ACTIONS if name in allowed]
