"""How a plan action is shown: its progress as a tag in words, and its history as dated changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .models import ActionStatus, PlanAction

STATUS_TAG = {
    ActionStatus.NOT_STARTED: "nhsuk-tag--grey",
    ActionStatus.ON_TRACK: "nhsuk-tag--blue",
    ActionStatus.AT_RISK: "nhsuk-tag--orange",
    ActionStatus.DONE: "nhsuk-tag--green",
}
STATUS_WORDS = dict(ActionStatus.choices)


def status_tag(action: PlanAction) -> str:
    return STATUS_TAG.get(ActionStatus(action.status), "nhsuk-tag--grey")


@dataclass(frozen=True)
class Change:
    at: datetime
    by: str
    status: str
    progress: str


def changes(action: PlanAction) -> list[Change]:
    """The action's updates, newest first: who set which progress, when."""
    records = action.history.select_related("history_user").order_by("-history_date")
    return [
        Change(
            at=record.history_date,
            by=record.history_user.display_name if record.history_user else "",
            status=STATUS_WORDS.get(record.status, record.status),
            progress=record.progress,
        )
        for record in records
    ]


def summary(actions: list[PlanAction]) -> dict[str, int]:
    """How many actions are at each stage, and how many are overdue: the board's line at a glance."""
    counts = dict.fromkeys(STATUS_WORDS.values(), 0)
    for action in actions:
        counts[STATUS_WORDS[action.status]] += 1
    counts["Overdue"] = sum(1 for action in actions if action.overdue)
    return counts
