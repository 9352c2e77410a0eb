"""FLU_UPTAKE_FRONTLINE on known cases: cumulative from the campaign's start, frontline staff only, vaccinated here
or elsewhere; months add up as the last measured month, organisations as a rate; the rollup gives the same."""

from datetime import date

import pytest
import time_machine
from django.utils import timezone

from health_protection.immunisation import services
from health_protection.immunisation.models import Campaign, Outcome, Vaccination
from metrics import rollups
from metrics.combine import combine
from metrics.compute import compute
from metrics.dashboard import dashboard_context
from metrics.periods import MonthRange
from metrics.scopes import Scope
from metrics.selectors import period_figures
from organisations.roles import Role

from . import factories as f

pytestmark = pytest.mark.django_db

SEASON = (date(2026, 9, 1), date(2027, 2, 28))


def _given(campaign: Campaign, people, day: date, outcome: str = Outcome.VACCINATED, by=None) -> None:
    """Outcomes written as they stood on `day` (the services record today's date)."""
    for person in people:
        Vaccination.objects.create(
            campaign=campaign,
            employee=person,
            outcome=outcome,
            decline_reason="later" if outcome == Outcome.DECLINED else "",
            elsewhere="gp" if outcome == Outcome.VACCINATED_ELSEWHERE else "",
            given_on=day,
            recorded_by=by,
        )


@pytest.fixture
def season(world, user_for):
    """Trust A: 20 frontline staff (8 doctors, 12 nurses) and 5 who are not; by the end of September 6 vaccinated,
    by the end of October 12, and one who is not frontline; 2 declined."""
    clinician = user_for(Role.CLINICIAN)
    with time_machine.travel(date(2026, 8, 20)):
        campaign = services.create_campaign(
            by=clinician,
            organisation=world.trust_a,
            kind="flu",
            starts_on=SEASON[0],
            ends_on=SEASON[1],
            target_percent=80,
        )
    doctors = f.staff(world.trust_a, 8, staff_group="medical_dental")
    nurses = f.staff(world.trust_a, 12, staff_group="nursing_midwifery")
    clerks = f.staff(world.trust_a, 5, staff_group="admin_clerical")
    _given(campaign, doctors[:6], date(2026, 9, 15), Outcome.VACCINATED_ELSEWHERE, clinician)
    _given(campaign, nurses[:4], date(2026, 10, 5), Outcome.VACCINATED_ELSEWHERE, clinician)
    _given(campaign, nurses[4:6], date(2026, 10, 20), Outcome.VACCINATED_ELSEWHERE, clinician)
    _given(campaign, clerks[:1], date(2026, 10, 20), Outcome.VACCINATED_ELSEWHERE, clinician)
    _given(campaign, nurses[6:8], date(2026, 10, 21), Outcome.DECLINED, clinician)
    return campaign


def figure(scope, start, end):
    return compute("FLU_UPTAKE_FRONTLINE", scope, start, end)


def test_cumulative_from_the_campaigns_start_frontline_only(world, season):
    trust = Scope("organisation", world.trust_a)
    sept, october = (
        figure(trust, date(2026, 9, 1), date(2026, 9, 30)),
        figure(trust, date(2026, 10, 1), date(2026, 10, 31)),
    )
    assert (sept.numerator, sept.denominator, sept.value) == (6, 20, 30.0)
    assert (october.numerator, october.denominator, october.value) == (12, 20, 60.0)  # the clerk does not count
    assert figure(trust, date(2026, 7, 1), date(2026, 7, 31)).value is None  # no campaign running: no figure
    assert figure(trust, date(2027, 3, 1), date(2027, 3, 31)).value is None
    # Several months: the last month that has a figure, the same as computing the whole range at once.
    months = [figure(trust, date(2026, m, 1), date(2026, m, 30 if m in (9, 11) else 31)) for m in (8, 9, 10)]
    assert combine("FLU_UPTAKE_FRONTLINE", months) == figure(trust, date(2026, 8, 1), date(2026, 10, 31))
    # The OH service's scope and the ICS's count the same campaign.
    assert figure(Scope("oh_service", world.oh_service), date(2026, 10, 1), date(2026, 10, 31)).value == 60.0
    assert figure(Scope("ics", world.ics), date(2026, 10, 1), date(2026, 10, 31)).value == 60.0
    assert figure(Scope("organisation", world.trust_b), date(2026, 10, 1), date(2026, 10, 31)).denominator == 0


def test_organisations_add_up_as_a_rate_and_the_rollup_matches(world, season, user_for):
    other_clinician = user_for(Role.CLINICIAN, world.other_oh_service)
    with time_machine.travel(date(2026, 8, 20)):
        b = services.create_campaign(
            by=other_clinician,
            organisation=world.trust_b,
            kind="flu",
            starts_on=SEASON[0],
            ends_on=SEASON[1],
            target_percent=80,
        )
    b_nurses = f.staff(world.trust_b, 30, staff_group="nursing_midwifery")
    _given(b, b_nurses[:27], date(2026, 10, 10), Outcome.VACCINATED_ELSEWHERE, other_clinician)
    october = (date(2026, 10, 1), date(2026, 10, 31))
    a_fig, b_fig = (figure(Scope("organisation", o), *october) for o in (world.trust_a, world.trust_b))
    ics = combine("FLU_UPTAKE_FRONTLINE", [a_fig, b_fig], across_organisations=True)
    assert (ics.numerator, ics.denominator, ics.value) == (39, 50, 78.0)  # not the mean of 60% and 90%
    assert figure(Scope("ics", world.ics), *october) == ics
    with time_machine.travel(date(2026, 12, 2)):
        rollups.rollup(Scope("organisation", world.trust_a), [date(2026, 10, 1)])
        rollups.rollup(Scope("organisation", world.trust_b), [date(2026, 10, 1)])
        rollups.rollup_from_members(Scope("ics", world.ics), [date(2026, 10, 1)])
        rolled = period_figures(Scope("ics", world.ics), *october, ["FLU_UPTAKE_FRONTLINE"])["FLU_UPTAKE_FRONTLINE"]
    assert (rolled.numerator, rolled.denominator, rolled.value) == (39, 50, 78.0)


def test_the_board_dashboard_shows_the_season_week_by_week_without_small_numbers(world, season):
    with time_machine.travel(date(2026, 11, 2)):
        context = dashboard_context(
            Scope("organisation", world.trust_a), [], suppress=True, period=MonthRange.default(timezone.localdate())
        )
    flu = context["flu"]
    assert flu["target"] == 80
    weeks = dict(flu["weeks"])
    assert weeks[date(2026, 9, 6)] == "0%"
    assert weeks[date(2026, 9, 20)] == "30%"
    assert weeks[date(2026, 10, 25)] == "60%"
    groups = dict(flu["groups"])
    assert groups["All doctors"] == "Not shown (small numbers)"  # 6 of 8: the 2 not vaccinated would show
    assert groups["Qualified nurses (including midwives and health visitors)"] == "50%"
    assert groups["Staff who are not frontline"] == "Not shown (small numbers)"  # 1 of 5
    codes = [t["kpi"].code for t in context["tiles"]]
    assert "FLU_UPTAKE_FRONTLINE" in codes
    assert any(t["kpi"].code == "FLU_UPTAKE_FRONTLINE" for t in context["trends"])
