"""Display values for checks: the working-day clock from complete questionnaire to clearance, and the actions
a user is offered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from ohwb_portal.working_days import working_days_between

from .actions import ACTIONS, allowed_actions
from .models import Assessment, AssessmentStatus

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


@dataclass(frozen=True)
class LinkExpiry:
    at: datetime
    expired: bool

    @property
    def when(self) -> str:
        return f"{timezone.localtime(self.at):%-d %B %Y, %H:%M}"

    @property
    def text(self) -> str:
        return f"Expired on {self.when}" if self.expired else f"Works until {self.when}"


def link_expiry(assessment: Assessment) -> LinkExpiry | None:
    """When the candidate's link stops working (a check read through selectors.checks carries it), only while
    the check is waiting for the candidate: once the questionnaire is sent, the link no longer matters."""
    at = getattr(assessment, "link_expires_at", None)
    if at is None or assessment.status != AssessmentStatus.AWAITING_QUESTIONNAIRE:
        return None
    return LinkExpiry(at=at, expired=at <= timezone.now())


def assessment_actions(user: User | None, assessment: Assessment) -> list[str]:
    """The actions offered on a check, in the order its page shows them: exactly those the services accept."""
    allowed = allowed_actions(user, assessment)
    return [name for name in ACTIONS if name in allowed]
