"""Disclosure control for aggregate figures (PRODUCT.md section 6).

Counts from 1 to threshold-1 (default 1-4) are shown as "<5" in board views, benchmarks, the API for
board users and exports. Secondary suppression: in a table of counts with a total, if exactly one
cell is suppressed, the next smallest non-zero cell is suppressed too, so the total cannot reveal it.
A percentage is suppressed when its numerator or denominator is a small number.
"""

from __future__ import annotations

from django.conf import settings

SUPPRESSED = "<5"


def threshold() -> int:
    return int(settings.OHWB_SMALL_NUMBER_THRESHOLD)


def is_small(count: float | None) -> bool:
    return count is not None and 0 < count < threshold()


def suppress_count(count: float | None) -> float | str | None:
    return SUPPRESSED if is_small(count) else count


def suppress_rate(value: float | None, numerator: float | None, denominator: float | None) -> float | str | None:
    if is_small(numerator) or is_small(denominator):
        return SUPPRESSED
    if numerator is not None and denominator is not None and is_small(denominator - numerator):
        return SUPPRESSED  # the complement would reveal a small count
    return value


def suppress_breakdown(counts: dict[str, int]) -> dict[str, int | str]:
    """Suppress small cells; if only one cell is suppressed, also the next smallest, so the total reveals nothing."""
    shown: dict[str, int | str] = {key: suppress_count(value) for key, value in counts.items()}  # type: ignore[misc]
    hidden = [key for key, value in shown.items() if value == SUPPRESSED]
    if len(hidden) == 1:
        candidates = sorted((value, key) for key, value in counts.items() if key not in hidden and value > 0)
        if candidates:
            shown[candidates[0][1]] = SUPPRESSED
    return shown


def breakdown_total(counts: dict[str, int]) -> int | str:
    total = sum(counts.values())
    return SUPPRESSED if is_small(total) else total
