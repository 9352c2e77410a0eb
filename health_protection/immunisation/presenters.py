"""Display values: statuses as NHS.UK tags, what is due in words, a campaign's state, and the actions a user is
offered (the same rule the services refuse with)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.utils import timezone

from .actions import CampaignState, allowed_campaign_actions, campaign_state, may_add_to_record
from .models import AntigenState, AntigenStatus, Campaign, ImmunisationRecord, Vaccination

if TYPE_CHECKING:
    from accounts.models import User

TAG_COLOURS: dict[str, str] = {
    AntigenState.COMPLETE: "green",
    AntigenState.UNDER_WAY: "blue",
    AntigenState.ACTION_NEEDED: "orange",
    AntigenState.REFER: "red",
    AntigenState.NOT_RECORDED: "grey",
    AntigenState.NOT_REQUIRED: "grey",
}
OUTCOME_COLOURS = {"vaccinated": "green", "vaccinated_elsewhere": "aqua-green", "declined": "grey"}


@dataclass(frozen=True)
class StatusRow:
    antigen: str
    state: str
    colour: str
    next_step: str
    due: str
    overdue: bool
    source: str


def due_words(day: date | None, today: date | None = None) -> tuple[str, bool]:
    """("Due 3 March 2027", False), ("Overdue since 1 May 2026", True), or ("", False)."""
    if day is None:
        return "", False
    today = today or timezone.localdate()
    if day < today:
        return f"Overdue since {day:%-d %B %Y}", True
    if day == today:
        return "Due today", True
    return f"Due {day:%-d %B %Y}", False


def status_rows(statuses: list[AntigenStatus]) -> list[StatusRow]:
    rows = []
    for s in statuses:
        due, overdue = due_words(s.next_due_on)
        rows.append(
            StatusRow(
                s.get_antigen_display(),
                s.get_state_display(),
                TAG_COLOURS.get(s.state, "grey"),
                s.next_step,
                due,
                overdue,
                s.source,
            )
        )
    return rows


def state_label(campaign: Campaign) -> str:
    return CampaignState.LABELS[campaign_state(campaign)]


def campaign_actions(user: User | None, campaign: Campaign) -> frozenset[str]:
    return allowed_campaign_actions(user, campaign)


def record_actions(user: User | None, record: ImmunisationRecord | None, *, oh_service_id: int | None) -> list[str]:
    return ["add_entry"] if may_add_to_record(user, record, oh_service_id=oh_service_id) else []


def outcome_words(vaccination: Vaccination | None) -> tuple[str, str]:
    """(the outcome in words, its tag colour) for a clinic list's row."""
    if vaccination is None:
        return "Not seen yet", "white"
    when = f"{vaccination.given_on:%-d %b}"
    return f"{vaccination.get_outcome_display()}, {when}", OUTCOME_COLOURS.get(vaccination.outcome, "grey")


def percent(value: float | None) -> str:
    return "No staff" if value is None else f"{value:g}%"
