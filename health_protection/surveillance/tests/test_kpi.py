"""SURVEILLANCE_COMPLIANCE on known cases: who is enrolled at each month's end and whether their check was overdue
then, as it stood then (a result recorded later does not change an earlier month); combined over months as a stock
and across organisations as a rate; the rollup gives the same figures; the dashboard shows it."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.utils import timezone

from health_protection.surveillance import services
from health_protection.surveillance.models import Outcome, ProgrammeKind
from metrics import rollups, selectors
from metrics.combine import combine
from metrics.compute import Figure, compute
from metrics.dashboard import dashboard_context
from metrics.definitions import KPIS
from metrics.periods import MonthRange
from metrics.scopes import Scope, scope_for
from organisations.roles import Role

from .factories import enrolled, programme

pytestmark = pytest.mark.django_db
CODE = "SURVEILLANCE_COMPLIANCE"
JAN, FEB, MAR = (
    (date(2026, 1, 1), date(2026, 1, 31)),
    (date(2026, 2, 1), date(2026, 2, 28)),
    (
        date(2026, 3, 1),
        date(2026, 3, 31),
    ),
)


def at(day: date):
    return time_machine.travel(timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0)), tick=False)


def _check(enrolment, clinician, day):
    with at(day):
        services.record_result(
            enrolment=enrolment,
            by=clinician,
            performed_on=day,
            outcome=Outcome.FIT,
            category="Category 1: acceptable hearing",
        )


@pytest.fixture
def known(world, user_for):
    """Trust A: four people under noise surveillance (see each line); trust B: one, overdue."""
    oh_admin, clinician = user_for(Role.OH_ADMIN), user_for(Role.CLINICIAN)
    with at(date(2026, 1, 5)):
        noise = programme(by=oh_admin, organisation=world.trust_a, kind=ProgrammeKind.NOISE)
        # checked on 20 January: in date every month
        e1 = enrolled(by=oh_admin, programme=noise, first_due_on=date(2026, 2, 1))
        # never checked, due 1 February: in date in January, overdue from February
        enrolled(by=oh_admin, programme=noise, first_due_on=date(2026, 2, 1))
        # due 15 January, checked 10 February: overdue in January, in date from February
        e3 = enrolled(by=oh_admin, programme=noise, first_due_on=date(2026, 1, 15))
    _check(e1, clinician, date(2026, 1, 20))
    _check(e3, clinician, date(2026, 2, 10))
    with at(date(2026, 2, 15)):  # enrolled in February, due in March, left the programme in March
        e4 = enrolled(by=oh_admin, programme=noise, first_due_on=date(2026, 3, 25))
    with at(date(2026, 3, 20)):
        services.end_enrolment(enrolment=e4, by=oh_admin, reason="Moved to a ward")
    b_admin = user_for(Role.OH_ADMIN, world.other_oh_service)
    with at(date(2026, 1, 5)):
        b_noise = programme(by=b_admin, organisation=world.trust_b, kind=ProgrammeKind.NOISE)
        enrolled(by=b_admin, programme=b_noise, first_due_on=date(2026, 1, 10))
    return world


def test_the_definition(known):
    kpi = KPIS[CODE]
    assert (kpi.target, kpi.higher_is_better, kpi.unit, kpi.target_words) == (95, True, "percent", "95% or more")


def test_known_cases_month_by_month(known):
    trust_a = Scope("organisation", known.trust_a)
    with at(date(2026, 4, 2)):
        assert compute(CODE, trust_a, *JAN) == Figure(2, 3, 66.7)
        assert compute(CODE, trust_a, *FEB) == Figure(3, 4, 75.0)
        assert compute(CODE, trust_a, *MAR) == Figure(2, 3, 66.7)
        assert compute(CODE, Scope("organisation", known.trust_b), *FEB) == Figure(0, 1, 0.0)
        assert compute(CODE, Scope("oh_service", known.oh_service), *FEB) == Figure(3, 4, 75.0)
        ics = compute(CODE, Scope("ics", known.ics), *FEB)
        assert ics == Figure(3, 5, 60.0)
        # A stock: the quarter is its last month; the ICS is its members' numerators and denominators.
        months = [compute(CODE, trust_a, *m) for m in (JAN, FEB, MAR)]
        assert combine(CODE, months) == Figure(2, 3, 66.7)
        assert compute(CODE, trust_a, JAN[0], MAR[1]) == Figure(2, 3, 66.7)
        members = [compute(CODE, Scope("organisation", o), *FEB) for o in (known.trust_a, known.trust_b)]
        assert combine(CODE, members, across_organisations=True) == ics


def test_the_rollup_gives_the_same_figures_and_the_dashboard_shows_them(known):
    with at(date(2026, 4, 2)):
        months = [JAN[0], FEB[0], MAR[0]]
        for organisation in (known.trust_a, known.trust_b):
            rollups.rollup(scope_for(organisation), months)
        ics = scope_for(known.ics)
        rollups.rollup_from_members(ics, months)
        series = selectors.series(CODE, ics, months)
        assert [figure for _, figure in series] == [compute(CODE, ics, *m) for m in (JAN, FEB, MAR)]
        assert selectors.period_figures(ics, JAN[0], MAR[1], [CODE])[CODE] == compute(CODE, ics, JAN[0], MAR[1])
        context = dashboard_context(
            scope_for(known.trust_a), [scope_for(known.trust_a)], suppress=False, period=MonthRange.default()
        )
        assert CODE in [t["kpi"].code for t in context["tiles"]]
        trend = next(t for t in context["trends"] if t["kpi"].code == CODE)
        assert "<svg" in trend["svg"]
