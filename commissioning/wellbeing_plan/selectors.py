"""Reads of the plan, each through PlanAction.visible_to."""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from organisations.models import Organisation

from .models import PlanAction

if TYPE_CHECKING:
    from accounts.models import User


def actions(*, user: User | None) -> QuerySet[PlanAction]:
    return PlanAction.objects.visible_to(user).select_related("organisation")


def plans(*, user: User | None) -> list[tuple[Organisation, list[PlanAction]]]:
    """Each visible organisation's plan, the user's own first, then its ICS members' by name."""
    rows = list(actions(user=user).order_by("organisation__name", "due_on", "pk"))
    grouped = [(org, list(items)) for org, items in groupby(rows, key=lambda a: a.organisation)]
    return grouped


def for_report(organisation: Organisation) -> list[PlanAction]:
    """The plan in an organisation's annual report (the report's own scope decides who reads it)."""
    return list(PlanAction.objects.of(organisation))
