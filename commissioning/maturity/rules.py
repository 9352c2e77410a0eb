"""What a user may do to a maturity assessment now: one function for the pages, the API, the templates and the
services alike (a test over every role and state holds them to it)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from ohwb_portal.refusals import ActionRefused
from organisations.models import Organisation, active_membership
from organisations.roles import Role

from .models import AUTHOR_ROLES, CLIENT_READERS, SERVICE_KINDS, SERVICE_READERS, MaturityAssessment, Status

if TYPE_CHECKING:
    from accounts.models import User


class Action(StrEnum):
    EDIT = "edit"  # change a domain's level, evidence and files
    SUBMIT = "submit"
    COMMENT = "comment"


COMMENTERS = CLIENT_READERS | {Role.FRAMEWORK_ADMIN}
# Who gets past each page's door (rows are then scoped by visible_to): the route policy reads these too.
READERS = SERVICE_READERS | COMMENTERS


def allowed_actions(user: User, assessment: MaturityAssessment) -> frozenset[Action]:
    """For an assessment the user already sees (MaturityAssessment.objects.visible_to)."""
    membership = active_membership(user)
    if membership is None:
        return frozenset()
    own = membership.organisation.pk == assessment.service_id and membership.role in AUTHOR_ROLES
    if assessment.status == Status.DRAFT:
        return frozenset({Action.EDIT, Action.SUBMIT}) if own else frozenset()
    if assessment.status == Status.SUBMITTED and membership.role in COMMENTERS:
        return frozenset({Action.COMMENT})
    return frozenset()  # superseded: kept as it was, closed to comments


def may_ever(user: User, assessment: MaturityAssessment, action: Action) -> bool:
    """Whether the user's role and organisation could take `action` on this assessment in some state: if not, a
    request for it is refused as forbidden (403); if so, it is refused for the state it is in (409)."""
    membership = active_membership(user)
    if membership is None:
        return False
    if action == Action.COMMENT:
        return membership.role in COMMENTERS
    return membership.organisation.pk == assessment.service_id and membership.role in AUTHOR_ROLES


def assessing_service(user: User) -> Organisation | None:
    """The service this user writes assessments for: an OH service's administrator, or a supplier."""
    membership = active_membership(user)
    if membership is None or membership.role not in AUTHOR_ROLES:
        return None
    organisation = membership.organisation
    return organisation if organisation.kind in SERVICE_KINDS else None


class MaturityRefused(ActionRefused):
    """A change the rules above do not allow, or an assessment not ready to submit; the message says why."""
