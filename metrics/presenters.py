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


# A hidden rate, median or mean is not "less than 5" of anything: say why it is not shown.
HIDDEN_FIGURE = "Not shown (small numbers)"


def month_label(month: date, *, incomplete: bool = False) -> str:
    """A month in words; this month, not over yet, says so."""
    return f"{month:%B %Y}" + (" (month to date)" if incomplete else "")


def display(kpi: Kpi, value: float | str | None) -> str:
    if value is None:
        return "No data"
    if value == SUPPRESSED:
        return SUPPRESSED if kpi.unit == "count" else HIDDEN_FIGURE
    if kpi.unit == "percent":
        return f"{value:g}%"
    if kpi.unit == "days":
        return f"{value:g} working days"
    if kpi.unit == "score":
        return f"{value:+g}"
    return f"{value:g}"


def tile(kpi: Kpi, figure: Figure, *, suppress: bool, judged: bool = True) -> dict[str, Any]:
    """`judged=False` for a month not over yet: its figure is shown, never marked met or not met."""
    value = shown_value(kpi, figure, suppress=suppress)
    status = kpi.meets_target(value if isinstance(value, int | float) else None) if judged else None
    return {"kpi": kpi, "value": display(kpi, value), "meets_target": status}
