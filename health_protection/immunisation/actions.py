"""What a user may do now, to a campaign or to a member of staff's immunisation record: the one rule the services
enforce and the pages and API list (ADR 8).

Each action has who may take it, the message when they may not, the campaign states it may start from (for
campaign actions) and the message when the state does not allow it. `allowed_*` asks the same questions without
raising, so a page never offers what a hand-made POST could not do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ohwb_portal.refusals import ActionRefused
from organisations.models import active_membership
from organisations.roles import Role

from .models import Campaign, ImmunisationRecord

if TYPE_CHECKING:
    from accounts.models import User


class ImmunisationError(ActionRefused):
    """A rule stops this change; the message says why in the user's words."""


class CampaignState:
    PLANNED = "planned"
    RUNNING = "running"
    ENDED = "ended"
    LABELS = {PLANNED: "Not started", RUNNING: "Running", ENDED: "Ended"}


def campaign_state(campaign: Campaign, today: date | None = None) -> str:
    today = today or timezone.localdate()
    if today < campaign.starts_on:
        return CampaignState.PLANNED
    if today > campaign.ends_on:
        return CampaignState.ENDED
    return CampaignState.RUNNING


def _runs_it(user: User | None, campaign: Campaign) -> bool:
    """An OH administrator or clinician of the service running the campaign."""
    m = active_membership(user)
    return bool(m and m.role in (Role.OH_ADMIN, Role.CLINICIAN) and m.organisation_id == campaign.oh_service_id)


def _vaccinates(user: User | None, campaign: Campaign) -> bool:
    """A vaccinator named on this campaign, acting for its organisation or its OH service; or a clinician of the
    service running it (who may vaccinate at any of its clinics)."""
    m = active_membership(user)
    if m is None:
        return False
    if m.role == Role.CLINICIAN:
        return m.organisation_id == campaign.oh_service_id
    if m.role != Role.VACCINATOR or m.organisation_id not in (campaign.organisation_id, campaign.oh_service_id):
        return False
    return campaign.vaccinators.filter(user=user).exists()


RUNS_IT = "Only the OH service running this campaign can change it."
VACCINATES = "Only a vaccinator named on this campaign, or a clinician of the OH service running it, can record here."
NOT_ENDED = "This campaign has ended: nothing more can be added to it."
NOT_RUNNING = {
    CampaignState.PLANNED: "This campaign has not started yet: vaccinations are recorded from {starts}.",
    CampaignState.ENDED: "This campaign ended on {ends}: vaccinations can no longer be recorded in it.",
}


@dataclass(frozen=True)
class Rule:
    who: Callable[[User | None, Campaign], bool]
    refused: str
    states: frozenset[str]
    not_now: str = NOT_ENDED


OPEN = frozenset({CampaignState.PLANNED, CampaignState.RUNNING})
ANY = frozenset({CampaignState.PLANNED, CampaignState.RUNNING, CampaignState.ENDED})

CAMPAIGN_RULES: dict[str, Rule] = {
    "record_vaccination": Rule(_vaccinates, VACCINATES, frozenset({CampaignState.RUNNING})),
    "add_clinic": Rule(_runs_it, RUNS_IT, OPEN),
    "name_vaccinator": Rule(_runs_it, RUNS_IT, OPEN),
    "see_uptake": Rule(_runs_it, RUNS_IT, ANY),
}
CAMPAIGN_ACTIONS = tuple(CAMPAIGN_RULES)


def check_campaign(user: User | None, campaign: Campaign, action: str) -> None:
    rule = CAMPAIGN_RULES[action]
    if user is None or not user.is_authenticated or not rule.who(user, campaign):
        raise PermissionDenied(rule.refused)
    state = campaign_state(campaign)
    if state not in rule.states:
        if action == "record_vaccination":
            raise ImmunisationError(
                NOT_RUNNING[state].format(
                    starts=f"{campaign.starts_on:%-d %B %Y}", ends=f"{campaign.ends_on:%-d %B %Y}"
                )
            )
        raise ImmunisationError(rule.not_now)


def allowed_campaign_actions(user: User | None, campaign: Campaign) -> frozenset[str]:
    allowed = set()
    for action in CAMPAIGN_ACTIONS:
        try:
            check_campaign(user, campaign, action)
        except (PermissionDenied, ImmunisationError):
            continue
        allowed.add(action)
    return frozenset(allowed)


# --- the staff record -------------------------------------------------------------------------------------------

RECORDER = "Only a clinician of the OH service holding this record can add to it."


def _records(user: User | None, oh_service_id: int | None) -> bool:
    m = active_membership(user)
    return bool(m and m.role == Role.CLINICIAN and m.organisation_id == oh_service_id)


def check_record(user: User | None, record: ImmunisationRecord | None, *, oh_service_id: int | None) -> None:
    """Adding to a record (or opening it with its first entry): a clinician of the OH service that holds it, or for a
    record not opened yet, of the service that serves the member of staff's organisation."""
    holder = record.oh_service_id if record is not None else oh_service_id
    if user is None or not user.is_authenticated or not _records(user, holder):
        raise PermissionDenied(RECORDER)


def may_add_to_record(user: User | None, record: ImmunisationRecord | None, *, oh_service_id: int | None) -> bool:
    try:
        check_record(user, record, oh_service_id=oh_service_id)
    except PermissionDenied:
        return False
    return True
