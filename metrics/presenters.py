"""Turn figures into what a board member sees: units, target status, and small numbers suppressed."""

from __future__ import annotations

from datetime import date
from typing import Any

from .compute import Figure
from .definitions import Kpi
from .disclosure import SUPPRESSED, is_small, suppress_count, suppress_rate


def shown_value(kpi: Kpi, figure: Figure, *, suppress: bool) -> float | str | None:
    if not suppress:
        return figure.value
    if kpi.unit == "count":
        return suppress_count(figure.value)
    if kpi.unit == "percent":
        return suppress_rate(figure.value, figure.numerator, figure.denominator)
    return SUPPRESSED if is_small(figure.denominator) else figure.value


def monthly_values(
    kpi: Kpi, points: list[tuple[date, Figure]], *, suppress: bool, hidden: set[date]
) -> list[float | str | None]:
    """Each month as shown; `hidden` (selectors.hidden_months) also hides the months a total would reveal."""
    return [
        SUPPRESSED if suppress and month in hidden else shown_value(kpi, figure, suppress=suppress)
        for month, figure in points
    ]


def display(kpi: Kpi, value: float | str | None) -> str:
    if value is None:
        return "No data"
    if value == SUPPRESSED:
        return SUPPRESSED
    if kpi.unit == "percent":
        return f"{value:g}%"
    if kpi.unit == "days":
        return f"{value:g} working days"
    if kpi.unit == "score":
        return f"{value:+g}"
    return f"{value:g}"


def tile(kpi: Kpi, figure: Figure, *, suppress: bool) -> dict[str, Any]:
    value = shown_value(kpi, figure, suppress=suppress)
    status = kpi.meets_target(value if isinstance(value, int | float) else None)
    return {"kpi": kpi, "value": display(kpi, value), "meets_target": status}
