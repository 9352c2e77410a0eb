"""Who qualifies: days lost over the window, or spells in it; both thresholds and the window are settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from commissioning.proactive.rules import months_before, qualifying

TODAY = date(2026, 11, 20)


@dataclass
class Spell:
    starts_on: date
    ends_on: date | None
    days_lost: Decimal | None = None


def test_28_days_qualify_and_27_do_not():
    assert qualifying([Spell(date(2026, 9, 1), date(2026, 9, 28), Decimal(28))], TODAY) is not None
    assert qualifying([Spell(date(2026, 9, 1), date(2026, 9, 27), Decimal(27))], TODAY) is None


def test_three_spells_in_six_months_qualify_two_do_not():
    spells = [Spell(date(2026, m, 3), date(2026, m, 3), Decimal(1)) for m in (6, 8, 10)]
    assert qualifying(spells, TODAY).spells == 3
    assert qualifying(spells[1:], TODAY) is None


def test_a_spell_over_before_the_window_does_not_count():
    old = Spell(date(2026, 5, 1), date(2026, 5, 19), Decimal(19))
    recent = [Spell(date(2026, m, 3), date(2026, m, 3), Decimal(1)) for m in (8, 10)]
    assert months_before(TODAY, 6) == date(2026, 5, 20)
    assert qualifying([old, *recent], TODAY) is None
    assert qualifying([Spell(date(2026, 5, 1), date(2026, 5, 20), Decimal(20)), *recent], TODAY) is not None


def test_ongoing_spell_without_days_counts_calendar_days_to_today():
    ongoing = Spell(TODAY - timedelta(days=27), None)
    figures = qualifying([ongoing], TODAY)
    assert figures is not None and (figures.days_lost, figures.absent_since) == (28, ongoing.starts_on)
    assert qualifying([Spell(TODAY - timedelta(days=26), None)], TODAY) is None


def test_thresholds_are_settings(settings):
    settings.OHWB_PROACTIVE_ABSENCE_DAYS = 10
    settings.OHWB_PROACTIVE_SPELLS = 2
    assert qualifying([Spell(date(2026, 9, 1), date(2026, 9, 10), Decimal(10))], TODAY) is not None
    two = [Spell(date(2026, m, 3), date(2026, m, 3), Decimal(1)) for m in (8, 10)]
    assert qualifying(two, TODAY) is not None
    settings.OHWB_PROACTIVE_WINDOW_MONTHS = 2
    assert qualifying(two, TODAY) is None
