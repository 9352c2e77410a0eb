"""The Green Book schedules on known cases: what each antigen's entries make of its status and next due date."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from health_protection.immunisation.models import Antigen, AntigenState, EntryKind
from health_protection.immunisation.schedule import CheckStatus, add_months, status_of

OPENED = date(2026, 1, 5)


@dataclass
class E:
    kind: str
    on: date
    antibody_level: Decimal | None = None
    screening_result: str = ""


def dose(on: date) -> E:
    return E(EntryKind.DOSE, on)


def antibody(on: date, level: int) -> E:
    return E(EntryKind.ANTIBODY, on, Decimal(level))


def hep_b(*entries: E) -> tuple[str, str, date | None]:
    s = status_of(Antigen.HEPATITIS_B, list(entries), check=None, maternity_role=False, since=OPENED)
    return s.state, s.next_step, s.next_due_on


def test_add_months_keeps_the_day_or_the_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_hepatitis_b_course_at_0_1_and_6_months_then_a_test():
    d1 = date(2026, 1, 10)
    assert hep_b(dose(d1)) == (AntigenState.UNDER_WAY, "Dose 2 of 3", date(2026, 2, 10))
    assert hep_b(dose(d1), dose(date(2026, 2, 10))) == (AntigenState.UNDER_WAY, "Dose 3 of 3", date(2026, 7, 10))
    third = date(2026, 7, 10)
    assert hep_b(dose(d1), dose(date(2026, 2, 10)), dose(third)) == (
        AntigenState.UNDER_WAY,
        "Antibody test after the course",
        date(2026, 9, 10),
    )


def test_hepatitis_b_responder_is_complete_with_one_booster_at_five_years():
    course = [dose(date(2020, 1, 10)), dose(date(2020, 2, 10)), dose(date(2020, 7, 10))]
    assert hep_b(*course, antibody(date(2020, 9, 1), 150)) == (
        AntigenState.COMPLETE,
        "Booster dose (once)",
        date(2025, 7, 10),
    )
    assert hep_b(*course, antibody(date(2020, 9, 1), 150), dose(date(2025, 6, 1))) == (AntigenState.COMPLETE, "", None)


def test_hepatitis_b_low_responder_has_a_booster_and_no_further_test():
    course = [dose(date(2025, 1, 10)), dose(date(2025, 2, 10)), dose(date(2025, 7, 10))]
    low = antibody(date(2025, 9, 1), 40)
    assert hep_b(*course, low) == (
        AntigenState.ACTION_NEEDED,
        "Booster dose (low response to the course)",
        date(2025, 9, 1),
    )
    assert hep_b(*course, low, dose(date(2025, 9, 15)))[0] == AntigenState.COMPLETE


def test_hepatitis_b_non_responder_has_a_second_course_then_is_referred():
    course = [dose(date(2025, 1, 10)), dose(date(2025, 2, 10)), dose(date(2025, 7, 10))]
    none = antibody(date(2025, 9, 1), 3)
    state, step, due = hep_b(*course, none)
    assert (state, due) == (AntigenState.ACTION_NEEDED, date(2025, 9, 1)) and "Second course" in step
    assert hep_b(*course, none, dose(date(2025, 9, 20))) == (
        AntigenState.UNDER_WAY,
        "Second course, dose 2 of 3",
        date(2025, 10, 20),
    )
    second = [dose(date(2025, 9, 20)), dose(date(2025, 10, 20)), dose(date(2026, 3, 20))]
    assert hep_b(*course, none, *second, antibody(date(2026, 5, 20), 5))[0] == AntigenState.REFER


def test_mmr_two_doses_or_immunity_and_the_check_when_nothing_is_recorded():
    def mmr(*entries, check=None):
        s = status_of(Antigen.MMR, list(entries), check=check, maternity_role=False, since=OPENED)
        return s.state, s.next_due_on, s.source

    assert mmr(dose(date(2026, 1, 1)))[:2] == (AntigenState.UNDER_WAY, date(2026, 2, 1))
    assert mmr(dose(date(2026, 1, 1)), dose(date(2026, 2, 1)))[0] == AntigenState.COMPLETE
    assert mmr(E(EntryKind.IMMUNITY, date(2026, 1, 1)))[0] == AntigenState.COMPLETE
    complete = CheckStatus("complete", "Pre-employment check PE-000001, 3 March 2025", date(2025, 3, 3))
    assert mmr(check=complete) == (AntigenState.COMPLETE, None, "Pre-employment check PE-000001, 3 March 2025")
    outstanding = CheckStatus("outstanding", "Pre-employment check PE-000001, 3 March 2025", date(2025, 3, 3))
    assert mmr(check=outstanding)[:2] == (AntigenState.ACTION_NEEDED, OPENED)
    assert mmr()[0] == AntigenState.NOT_RECORDED
    # What OH records takes over from the check.
    assert mmr(dose(date(2026, 1, 1)), dose(date(2026, 2, 1)), check=outstanding)[0] == AntigenState.COMPLETE


@pytest.mark.parametrize(
    ("result", "state"),
    [
        ("negative", AntigenState.COMPLETE),
        ("positive", AntigenState.REFER),
        ("indeterminate", AntigenState.ACTION_NEEDED),
    ],
)
def test_tb_screening(result, state):
    entries = [E(EntryKind.SCREENING, date(2026, 1, 1), screening_result=result)]
    assert status_of(Antigen.TB, entries, check=None, maternity_role=False, since=OPENED).state == state


def test_pertussis_only_for_maternity_staff_every_five_years():
    assert status_of(Antigen.PERTUSSIS, [], check=None, maternity_role=False, since=OPENED).state == (
        AntigenState.NOT_REQUIRED
    )
    due = status_of(Antigen.PERTUSSIS, [], check=None, maternity_role=True, since=OPENED)
    assert (due.state, due.next_due_on) == (AntigenState.ACTION_NEEDED, OPENED)
    done = status_of(Antigen.PERTUSSIS, [dose(date(2024, 4, 1))], check=None, maternity_role=True, since=OPENED)
    assert (done.state, done.next_due_on) == (AntigenState.COMPLETE, date(2029, 4, 1))
