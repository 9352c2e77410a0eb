"""Where each antigen stands for one member of staff, and what is due next: the one rule the record page, the due
list and the recall task share (stored as AntigenStatus by services.refresh_statuses).

The schedules are those of the UK Green Book for healthcare workers:
- hepatitis B (chapter 18): three doses at 0, 1 and 6 months, then an antibody (anti-HBs) test one to four months
  after the course. 100 mIU/mL or more: a responder, offered one booster about five years after the course. 10 to
  99: a low responder, one booster dose now and no further test. Under 10: a non-responder, a second course and
  a second test; still under 10 after that is for a clinician to look into;
- MMR (chapter 21) and varicella (chapter 34): two doses a month apart, or evidence of immunity;
- TB (chapter 32): a BCG record or scar, or a negative screening test (IGRA); a positive test is referred, an
  indeterminate one repeated;
- pertussis (chapter 24): staff in maternity care are offered a pertussis-containing vaccine if they have not had
  one in the last five years.

What OH records for an antigen takes over from the pre-employment check; with nothing recorded, the check's own
status is shown (read from the check, so nothing is typed twice).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from .models import Antigen, AntigenState, EntryKind, ScreeningResult

RESPONDER_LEVEL = Decimal(100)
LOW_RESPONDER_LEVEL = Decimal(10)
BOOSTER_AFTER_YEARS = 5
PERTUSSIS_EVERY_YEARS = 5

# The pre-employment check's field for each antigen it records (assessments.Immunisations).
CHECK_FIELDS = {
    Antigen.HEPATITIS_B: "hepatitis_b",
    Antigen.MMR: "mmr",
    Antigen.VARICELLA: "varicella",
    Antigen.TB: "tb_screening",
}


class EntryLike(Protocol):
    kind: str
    on: date
    antibody_level: Decimal | None
    screening_result: str


@dataclass(frozen=True)
class CheckStatus:
    """What the pre-employment check recorded for one antigen, and where that came from, in words."""

    state: str  # assessments ImmunisationState: not_required, outstanding, complete
    source: str
    since: date


@dataclass(frozen=True)
class Status:
    state: str
    next_step: str = ""
    next_due_on: date | None = None
    source: str = "Recorded by occupational health"


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def status_of(
    antigen: str,
    entries: Sequence[EntryLike],
    *,
    check: CheckStatus | None,
    maternity_role: bool,
    since: date,
) -> Status:
    """`entries` of this antigen in date order; `since`: from when something outstanding is due (the record's
    opening), so that working the status out again does not move a due date."""
    if antigen == Antigen.PERTUSSIS:
        return _pertussis(entries, maternity_role=maternity_role, since=since)
    if not entries:
        return _from_check(antigen, check, since)
    if any(e.kind == EntryKind.IMMUNITY for e in entries):
        return Status(AntigenState.COMPLETE)
    if antigen == Antigen.HEPATITIS_B:
        return _hepatitis_b(entries)
    if antigen == Antigen.TB:
        return _tb(entries)
    doses = _doses(entries)  # MMR, varicella: two doses a month apart
    if len(doses) >= 2:
        return Status(AntigenState.COMPLETE)
    if len(doses) == 1:
        return Status(AntigenState.UNDER_WAY, "Second dose", add_months(doses[0].on, 1))
    return Status(AntigenState.ACTION_NEEDED, "First dose", since)


def _pertussis(entries: Sequence[EntryLike], *, maternity_role: bool, since: date) -> Status:
    if not maternity_role:
        return Status(AntigenState.NOT_REQUIRED, source="Offered to staff in maternity care")
    doses = _doses(entries)
    if not doses:
        return Status(AntigenState.ACTION_NEEDED, "A pertussis-containing vaccine", since)
    return Status(
        AntigenState.COMPLETE, "Pertussis-containing vaccine", add_months(doses[-1].on, 12 * PERTUSSIS_EVERY_YEARS)
    )


def _doses(entries: Sequence[EntryLike]) -> list[EntryLike]:
    return [e for e in entries if e.kind == EntryKind.DOSE]


def _from_check(antigen: str, check: CheckStatus | None, since: date) -> Status:
    if antigen not in CHECK_FIELDS or check is None:
        return Status(AntigenState.NOT_RECORDED, source="")
    if check.state == "complete":
        return Status(AntigenState.COMPLETE, source=check.source)
    if check.state == "not_required":
        return Status(AntigenState.NOT_REQUIRED, source=check.source)
    return Status(AntigenState.ACTION_NEEDED, "Outstanding at the pre-employment check", since, check.source)


def _tb(entries: Sequence[EntryLike]) -> Status:
    if _doses(entries):  # BCG given
        return Status(AntigenState.COMPLETE)
    latest = [e for e in entries if e.kind == EntryKind.SCREENING][-1]
    if latest.screening_result == ScreeningResult.NEGATIVE:
        return Status(AntigenState.COMPLETE)
    if latest.screening_result == ScreeningResult.POSITIVE:
        return Status(AntigenState.REFER, "Positive screening test: refer to the TB service")
    return Status(AntigenState.ACTION_NEEDED, "Repeat the screening test", latest.on)


def _hepatitis_b(entries: Sequence[EntryLike]) -> Status:
    tests = [e for e in entries if e.kind == EntryKind.ANTIBODY]
    doses = _doses(entries)
    last_test = tests[-1] if tests else None
    since_test = [d for d in doses if last_test is None or d.on > last_test.on]
    if last_test is not None and last_test.antibody_level is not None:
        level = last_test.antibody_level
        if level >= RESPONDER_LEVEL:
            course = [d for d in doses if d.on <= last_test.on]
            course_end = course[-1].on if course else last_test.on
            if any(d.on >= add_months(course_end, 12 * (BOOSTER_AFTER_YEARS - 1)) for d in since_test):
                return Status(AntigenState.COMPLETE)
            return Status(
                AntigenState.COMPLETE, "Booster dose (once)", add_months(course_end, 12 * BOOSTER_AFTER_YEARS)
            )
        if level >= LOW_RESPONDER_LEVEL:
            if since_test:
                return Status(AntigenState.COMPLETE)
            return Status(AntigenState.ACTION_NEEDED, "Booster dose (low response to the course)", last_test.on)
        non_responses = sum(1 for t in tests if t.antibody_level is not None and t.antibody_level < LOW_RESPONDER_LEVEL)
        if non_responses >= 2 and not since_test:
            return Status(AntigenState.REFER, "No response after two courses: for a clinician to review")
        if not since_test:
            return Status(
                AntigenState.ACTION_NEEDED, "Second course, dose 1 of 3 (no response to the first)", last_test.on
            )
    return _course(since_test, second=last_test is not None)


def _course(doses: Sequence[EntryLike], *, second: bool) -> Status:
    course = "second course, " if second else ""
    if not doses:
        return Status(AntigenState.ACTION_NEEDED, "Dose 1 of 3", None)
    if len(doses) == 1:
        return Status(AntigenState.UNDER_WAY, f"{course}dose 2 of 3".capitalize(), add_months(doses[0].on, 1))
    if len(doses) == 2:
        return Status(AntigenState.UNDER_WAY, f"{course}dose 3 of 3".capitalize(), add_months(doses[0].on, 6))
    return Status(AntigenState.UNDER_WAY, "Antibody test after the course", add_months(doses[-1].on, 2))
