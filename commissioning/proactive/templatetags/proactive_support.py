"""The board report's proactive support section computes its own table from the report's scope and period, so the
report's assembly in metrics needs no knowledge of this app beyond the one include."""

from __future__ import annotations

from django import template

from metrics.periods import MonthRange
from metrics.scopes import Scope

from ..board import UptakeTable, uptake_table

register = template.Library()


@register.simple_tag
def proactive_uptake(scope: Scope, period: MonthRange | None) -> UptakeTable:
    return uptake_table(scope, period)
