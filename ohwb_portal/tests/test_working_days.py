import random
from datetime import date, timedelta

from ohwb_portal.working_days import add_working_days, is_working_day, working_days_between


def test_bank_holidays_and_weekends_are_not_working_days():
    assert not is_working_day(date(2026, 12, 25))  # Christmas Day
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day (substitute)
    assert not is_working_day(date(2026, 11, 21))  # Saturday
    assert is_working_day(date(2026, 11, 23))


def test_two_working_days_over_easter():
    # Thursday 2 April 2026 + 2 working days skips Good Friday and Easter Monday.
    assert add_working_days(date(2026, 4, 2), 2) == date(2026, 4, 8)


def test_working_days_between_counts_after_start_up_to_end():
    assert working_days_between(date(2026, 11, 20), date(2026, 11, 24)) == 2  # Fri -> Tue
    assert working_days_between(date(2026, 11, 24), date(2026, 11, 20)) == 0
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 29)) == 1  # only the 29th


def _walked(start: date, end: date) -> int:
    """The definition itself: each day after start up to end that is a working day."""
    return sum(is_working_day(start + timedelta(days=n)) for n in range(1, (end - start).days + 1))


def test_working_days_between_equals_walking_the_calendar_over_long_and_short_spans():
    rng = random.Random(7)
    spans = [
        (date(2016, 1, 1) + timedelta(days=rng.randrange(4000)), rng.choice([0, 1, 3, 6, 7, 40, 400, 3300]))
        for _ in range(400)
    ]
    spans += [(date(2026, 12, 24), n) for n in range(12)] + [
        (date(2027, 3, 25), n) for n in range(12)
    ]  # Christmas, Easter
    for start, length in spans:
        end = start + timedelta(days=length)
        assert working_days_between(start, end) == _walked(start, end), (start, end)
