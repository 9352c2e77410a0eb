"""Who may change a plan: only board members of the organisation whose plan it is. An ICS board reads its
members' plans but does not write them: each board answers for its own plan."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ohwb_portal.refusals import ActionRefused
from organisations.models import Organisation, active_membership
from organisations.roles import OrganisationKind, Role

from .models import PlanAction

if TYPE_CHECKING:
    from accounts.models import User

BOARD_KINDS = frozenset({OrganisationKind.TRUST, OrganisationKind.GP_PRACTICE, OrganisationKind.ICS})


class PlanRefused(ActionRefused):
    pass


def own_plan_organisation(user: User | None) -> Organisation | None:
    """The organisation whose plan this user writes: their own, when they act as its board member."""
    membership = active_membership(user)
    if membership is None or membership.role != Role.BOARD or membership.organisation.kind not in BOARD_KINDS:
        return None
    return membership.organisation


def may_edit(user: User | None, action: PlanAction) -> bool:
    organisation = own_plan_organisation(user)
    return organisation is not None and organisation.pk == action.organisation_id


def check_may_edit(user: User | None, action: PlanAction) -> None:
    if not may_edit(user, action):
        raise PlanRefused("Only the board of this organisation can change its plan.")
