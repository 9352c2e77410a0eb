"""Writes to the plan. Each change is kept in the action's history (who, when, what it was before)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction

from .actions import PlanRefused, check_may_edit, own_plan_organisation
from .models import PlanAction

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def add_action(*, by: User, action: str, owner: str, due_on: date, status: str, progress: str = "") -> PlanAction:
    organisation = own_plan_organisation(by)
    if organisation is None:
        raise PlanRefused("Only a board member can add to their organisation's wellbeing plan.")
    plan_action = PlanAction(
        organisation=organisation,
        action=action,
        owner=owner,
        due_on=due_on,
        status=status,
        progress=progress,
        created_by=by,
    )
    plan_action._history_user = by  # type: ignore[attr-defined]  # who, also outside a request (tasks, the demo)
    plan_action.save()
    return plan_action


@transaction.atomic
def update_action(*, by: User, plan_action: PlanAction, **fields: object) -> PlanAction:
    plan_action = PlanAction.objects.select_for_update().get(pk=plan_action.pk)
    check_may_edit(by, plan_action)
    for name in ("action", "owner", "due_on", "status", "progress"):
        if name in fields:
            setattr(plan_action, name, fields[name])
    plan_action._history_user = by  # type: ignore[attr-defined]
    plan_action.save()
    return plan_action
