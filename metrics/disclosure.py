"""Disclosure control for aggregate figures (PRODUCT.md section 6).

Counts from 1 to threshold-1 (default 1-4) are shown as "<5" in board views, benchmarks, the API for
board users and exports. Secondary suppression (`protect`): in a set of counts that adds up to a total
shown beside it (a year's months, a breakdown, an ICS's members), a lone suppressed cell gets the next
smallest cells suppressed with it until the hidden cells add up to no small number, or else the total
is suppressed; so no subtraction gives a cell away. Every place that shows such a set uses `protect`.
A percentage is suppressed when its numerator or denominator is a small number.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

from django.conf import settings

K = TypeVar("K", bound=Hashable)

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


def protect(cells: Mapping[K, float | None]) -> tuple[dict[K, float | str | None], float | str | None]:
    """The cells and their total as shown: small cells suppressed, and more cells (next smallest first, ties
    in key order so every table makes the same choice) or else the total, so the total reveals none."""
    shown: dict[K, float | str | None] = {key: suppress_count(value) for key, value in cells.items()}
    total = sum(value or 0 for value in cells.values())
    hidden = [key for key, value in shown.items() if value == SUPPRESSED]
    while hidden and _recoverable([cells[key] or 0 for key in hidden]):
        visible = sorted((key for key in cells if key not in hidden and cells[key]), key=lambda k: (cells[k], str(k)))
        if not visible:
            return shown, SUPPRESSED
        hidden.append(visible[0])
        shown[visible[0]] = SUPPRESSED
    return shown, suppress_count(total)


def _recoverable(hidden: list[float]) -> bool:
    """Whether the total less the shown cells would tell the hidden ones: one cell alone, a small sum, or a
    sum only all-ones (or, small cells all, all-fours) can make."""
    count, total = len(hidden), sum(hidden)
    top = threshold() - 1
    return count == 1 or total < threshold() or total == count or (max(hidden) <= top and total == top * count)


def suppress_breakdown(counts: Mapping[K, float | None]) -> dict[K, float | str | None]:
    return protect(counts)[0]


def breakdown_total(counts: Mapping[K, float | None]) -> float | str | None:
    return protect(counts)[1]
