"""Who qualifies for "consider a referral", from absence facts only (docs/adr/0019).

A spell is one row of the ESR extract: one absence with a start date (and an end date once it is over). Its days are
the days lost ESR gives; where ESR gives none, the calendar days from its start to its end (or to today, while it
goes on). Someone qualifies when the spells that overlap the window (the last OHWB_PROACTIVE_WINDOW_MONTHS months)
add up to OHWB_PROACTIVE_ABSENCE_DAYS days or more, or number OHWB_PROACTIVE_SPELLS or more.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from django.conf import settings


class SpellFacts(Protocol):
    starts_on: date
    ends_on: date | None
    days_lost: Decimal | None


@dataclass(frozen=True)
class Qualifying:
    days_lost: Decimal
    spells: int
    window_from: date
    absent_since: date | None  # the start of the spell still going on, if there is one
    latest_start: date


def thresholds() -> dict[str, int]:
    """The rule's figures, for pages to say in words."""
    return {
        "days": int(settings.OHWB_PROACTIVE_ABSENCE_DAYS),
        "spells": int(settings.OHWB_PROACTIVE_SPELLS),
        "months": int(settings.OHWB_PROACTIVE_WINDOW_MONTHS),
    }


def months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def window_start(today: date) -> date:
    return months_before(today, int(settings.OHWB_PROACTIVE_WINDOW_MONTHS))


def spell_days(spell: SpellFacts, today: date) -> Decimal:
    if spell.days_lost is not None:
        return Decimal(spell.days_lost)
    last = min(spell.ends_on or today, today)
    return Decimal(max((last - spell.starts_on).days + 1, 0))


def qualifying(spells: Iterable[SpellFacts], today: date) -> Qualifying | None:
    """The figures that make this person's absence qualify now, or None if it does not."""
    since = window_start(today)
    in_window = [s for s in spells if s.starts_on <= today and (s.ends_on is None or s.ends_on >= since)]
    if not in_window:
        return None
    days = sum((spell_days(s, today) for s in in_window), Decimal(0))
    count = len(in_window)
    if days < int(settings.OHWB_PROACTIVE_ABSENCE_DAYS) and count < int(settings.OHWB_PROACTIVE_SPELLS):
        return None
    ongoing = [s.starts_on for s in in_window if s.ends_on is None or s.ends_on >= today]
    return Qualifying(
        days_lost=days,
        spells=count,
        window_from=since,
        absent_since=min(ongoing) if ongoing else None,
        latest_start=max(s.starts_on for s in in_window),
    )
