"""INJURIES_ASSESSED_SAME_DAY on hand-made injuries whose right answer is known, for each kind of scope, and the
same figure from the monthly rollup."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from health_protection.injuries.models import InoculationInjury
from metrics import rollups
from metrics.combine import combine
from metrics.compute import compute
from metrics.definitions import KPIS
from metrics.models import MonthlyKpi
from metrics.scopes import Scope
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
NOV = (date(2026, 11, 1), date(2026, 11, 30))
CODE = "INJURIES_ASSESSED_SAME_DAY"


def at(d, h, m=0):
    return datetime(2026, 11, d, h, m, tzinfo=LONDON)


def injury(world, reported, assessed=None, *, trust=None):
    trust = trust or world.trust_a
    reporter = member(Role.EMPLOYEE, trust)
    return InoculationInjury.objects.create(
        organisation=trust,
        oh_service=world.oh_service if trust == world.trust_a else world.other_oh_service,
        employee=EmployeeFactory(organisation=trust, user=reporter),
        reported_by=reporter,
        reported_via="self",
        kind="sharps",
        occurred_at=reported,
        reported_at=reported,
        location="Ward",
        how_it_happened="Needle",
        status="reported" if assessed is None else "follow_up",
        assessed_at=assessed,
    )


def known_cases(world):
    injury(world, at(2, 9), at(2, 9, 40))  # same day, within the hour
    injury(world, at(3, 23, 30), at(4, 0, 20))  # late evening, assessed after midnight: not the same day
    injury(world, at(5, 10), at(5, 18))  # same day, hours later
    injury(world, at(6, 10))  # never assessed
    injury(world, at(10, 8), at(12, 9))  # two days later
    injury(world, at(30, 22), at(30, 23, 59))  # the month's last evening, same day
    injury(world, datetime(2026, 10, 31, 23, 0, tzinfo=LONDON), at(1, 9))  # reported in October
    injury(world, at(7, 9), at(7, 10), trust=world.trust_b)  # trust B, served by the other service


@time_machine.travel(datetime(2027, 1, 15, 12, tzinfo=LONDON), tick=False)
def test_share_assessed_the_same_day_for_each_scope(world):
    known_cases(world)
    trust_a = compute(CODE, Scope("organisation", world.trust_a), *NOV)
    assert (trust_a.numerator, trust_a.denominator, trust_a.value) == (3, 6, 50.0)
    service = compute(CODE, Scope("oh_service", world.oh_service), *NOV)
    assert (service.numerator, service.denominator) == (3, 6)
    ics = compute(CODE, Scope("ics", world.ics), *NOV)
    assert (ics.numerator, ics.denominator, ics.value) == (4, 7, 57.1)
    october = compute(CODE, Scope("organisation", world.trust_a), date(2026, 10, 1), date(2026, 10, 31))
    assert (october.numerator, october.denominator) == (0, 1)
    assert KPIS[CODE].meets_target(trust_a.value) is False and KPIS[CODE].target_words == "95% or more"


@time_machine.travel(datetime(2026, 11, 6, 15, tzinfo=LONDON), tick=False)
def test_an_injury_reported_today_and_still_waiting_is_not_yet_a_miss(world):
    injury(world, at(2, 9), at(2, 9, 40))
    injury(world, at(6, 10))  # today, not assessed yet: the day is not over
    injury(world, at(6, 11), at(6, 11, 30))  # today, assessed
    figure = compute(CODE, Scope("organisation", world.trust_a), date(2026, 11, 1), date(2026, 11, 6))
    assert (figure.numerator, figure.denominator) == (2, 2)


@time_machine.travel(datetime(2027, 1, 15, 12, tzinfo=LONDON), tick=False)
def test_the_rolled_up_months_add_up_to_the_figure_of_the_cases(world):
    known_cases(world)
    scope = Scope("organisation", world.trust_a)
    months = [date(2026, 10, 1), date(2026, 11, 1)]
    rollups.rollup(scope, months)
    rows = MonthlyKpi.objects.filter(kpi=CODE, scope=world.trust_a, scope_kind="organisation").order_by("month")
    assert [(r.month, r.numerator, r.denominator) for r in rows] == [(months[0], 0, 1), (months[1], 3, 6)]
    from metrics.selectors import figure_of

    combined = combine(CODE, [figure_of(r) for r in rows])
    whole = compute(CODE, scope, date(2026, 10, 1), date(2026, 11, 30))
    assert (
        (combined.numerator, combined.denominator, combined.value)
        == (3, 7, 42.9)
        == (
            whole.numerator,
            whole.denominator,
            whole.value,
        )
    )
