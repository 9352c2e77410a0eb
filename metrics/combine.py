"""Figures of consecutive periods combined into the figure of the whole period, without going back to
the cases: what lets dashboards add up nightly monthly rollups (PRODUCT.md section 7)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from .compute import Figure, figure_from_distribution
from .definitions import KPIS

# Stocks, not flows: over time the last period's figure; across organisations the sum (of a rate: of its numerators
# and denominators, then divided).
AT_PERIOD_END = frozenset({"OPEN_CASELOAD", "SURVEILLANCE_COMPLIANCE"})
MEDIANS = frozenset({"WAIT_TO_FIRST_APPT"})
MEANS = frozenset({"WORK_ABILITY_GAIN"})  # numerator: the sum; denominator: how many
# A rate counted from a start date (the flu season's 1 September) to each period's end: over time, the figure is
# that of the last period that has one (a later month outside any campaign has none); across organisations, the
# numerators and denominators add up, as any rate's.
CUMULATIVE_RATES = frozenset({"FLU_UPTAKE_FRONTLINE"})


def _total(values: Sequence[float | None]) -> float:
    return sum(v for v in values if v is not None)


def combine(code: str, figures: Sequence[Figure], *, across_organisations: bool = False) -> Figure:
    """`figures` in time order, one per consecutive period; or, `across_organisations`, one per organisation
    for the same period (cases never shared), e.g. an ICS's members: then stocks add up too."""
    if not figures:
        raise ValueError("Nothing to combine.")
    if len(figures) == 1 or (code in AT_PERIOD_END and not across_organisations):
        return figures[-1]
    if code in CUMULATIVE_RATES and not across_organisations:
        measured = [f for f in figures if f.denominator]
        return measured[-1] if measured else figures[-1]
    if code in MEDIANS:
        merged: Counter[int] = Counter()
        for figure in figures:
            merged.update(figure.distribution or {})
        return figure_from_distribution(dict(merged))
    numerator = _total([f.numerator for f in figures])
    denominator = _total([f.denominator for f in figures])
    if code in MEANS:
        mean = round(numerator / denominator, 2) if denominator else None
        return Figure(numerator if denominator else None, denominator, mean)
    if KPIS[code].unit == "count":
        return Figure(numerator, None, numerator)
    if not denominator:
        return Figure(numerator, denominator, None)
    return Figure(numerator, denominator, round(100.0 * numerator / denominator, 1))
