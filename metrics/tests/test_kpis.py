"""Each KPI on hand-made cases whose right answer is known."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from assessments.models import Assessment
from metrics.compute import compute
from metrics.models import SatisfactionSurvey
from metrics.scopes import Scope
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member
from referrals.models import (
    AdjustmentFollowUp,
    Appointment,
    Measures,
    OutcomeReport,
    Referral,
)

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
NOV = (date(2026, 11, 1), date(2026, 11, 30))
EARLY_NOVEMBER = datetime(2026, 11, 2, 10, tzinfo=LONDON)


def at(y, m, d, h=10):
    return datetime(y, m, d, h, tzinfo=LONDON)


@pytest.fixture
def people(world):
    return {"clinician": member(Role.CLINICIAN, world.oh_service), "recruiter": member(Role.RECRUITER, world.trust_a)}


def case(
    world,
    people,
    *,
    submitted=EARLY_NOVEMBER,
    accepted=None,
    status="submitted",
    absent=False,
    outcome="",
    closed=None,
    organisation=None,
):
    organisation = organisation or world.trust_a
    return Referral.objects.create(
        organisation=organisation,
        employee=EmployeeFactory(organisation=organisation),
        reason_category="other",
        oh_service=world.oh_service if organisation == world.trust_a else world.other_oh_service,
        status=status,
        submitted_at=submitted,
        accepted_at=accepted,
        absent_at_referral=absent,
        closure_outcome=outcome,
        closed_at=closed,
    )


def scope(world):
    return Scope("organisation", world.trust_a)


def value(code, world):
    return compute(code, scope(world), *NOV).value


def test_referrals_received_counts_only_the_period_and_scope(world, people):
    case(world, people)
    case(world, people, submitted=at(2026, 10, 31))
    case(world, people, organisation=world.trust_b)
    assert value("REFERRALS_RECEIVED", world) == 1
    assert compute("REFERRALS_RECEIVED", Scope("ics", world.ics), *NOV).value == 2
    assert compute("REFERRALS_RECEIVED", Scope("oh_service", world.other_oh_service), *NOV).value == 1


def test_median_wait_in_working_days(world, people):
    # Accepted Mon 2 Nov; first appointments after 3, 5 and 10 working days -> median 5.
    for first in (at(2026, 11, 5), at(2026, 11, 9), at(2026, 11, 16)):
        referral = case(world, people, accepted=at(2026, 11, 2), status="appointment_booked")
        Appointment.objects.create(referral=referral, clinician=people["clinician"], start=first, modality="video")
        Appointment.objects.create(
            referral=referral, clinician=people["clinician"], start=first + timedelta(days=20), modality="video"
        )  # a later one does not count
    assert value("WAIT_TO_FIRST_APPT", world) == 5


def test_wait_skips_bank_holidays(world, people):
    referral = case(world, people, submitted=at(2026, 12, 23), accepted=at(2026, 12, 24))
    Appointment.objects.create(
        referral=referral, clinician=people["clinician"], start=at(2026, 12, 30), modality="video"
    )
    assert compute("WAIT_TO_FIRST_APPT", scope(world), date(2026, 12, 1), date(2026, 12, 31)).value == 2


def test_dna_rate(world, people):
    referral = case(world, people)
    for status in ["attended"] * 3 + ["dna"] + ["booked"]:
        Appointment.objects.create(
            referral=referral, clinician=people["clinician"], start=at(2026, 11, 10), modality="video", status=status
        )
    figure = compute("DNA_RATE", scope(world), *NOV)
    assert (figure.numerator, figure.denominator, figure.value) == (1, 4, 25.0)


def test_open_caseload_at_period_end(world, people):
    case(world, people)
    case(world, people, status="closed", closed=at(2026, 11, 20))
    case(world, people, status="closed", closed=at(2026, 12, 3))  # still open on 30 November
    assert value("OPEN_CASELOAD", world) == 2


def test_report_turnaround_within_two_working_days(world, people):
    for seen, sent in [(at(2026, 11, 6), at(2026, 11, 10)), (at(2026, 11, 6), at(2026, 11, 11))]:
        referral = case(world, people, status="awaiting_consent")
        Appointment.objects.create(
            referral=referral, clinician=people["clinician"], start=seen, modality="video", status="attended"
        )
        OutcomeReport.objects.create(
            referral=referral,
            author=people["clinician"],
            fitness="fit",
            equality_act="unclear",
            sent_for_consent_at=sent,
        )
    figure = compute("REPORT_TURNAROUND", scope(world), *NOV)
    assert (figure.numerator, figure.denominator, figure.value) == (1, 2, 50.0)  # Fri->Tue is 2, Fri->Wed is 3


def test_clearance_turnaround(world, people):
    for done, cleared in [
        (at(2026, 11, 2), at(2026, 11, 4)),
        (at(2026, 11, 2), at(2026, 11, 5)),
        (at(2026, 11, 3), at(2026, 11, 3)),
    ]:
        Assessment.objects.create(
            organisation=world.trust_a,
            oh_service=world.oh_service,
            recruiter=people["recruiter"],
            candidate_name="x",
            candidate_email="x@x.com",
            job_role="Nurse",
            status="cleared",
            questionnaire_completed_at=done,
            cleared_at=cleared,
            outcome="fit",
        )
    figure = compute("CLEARANCE_TURNAROUND", scope(world), *NOV)
    assert (figure.numerator, figure.denominator) == (2, 3)


def test_return_to_work_and_remained_in_work(world, people):
    closed = at(2026, 11, 20)
    for outcome in ["returned_full", "phased_return", "ill_health_retirement", "not_known"]:
        case(world, people, status="closed", absent=True, outcome=outcome, closed=closed)
    for outcome in ["remained_in_work", "redeployed", "left_employment"]:
        case(world, people, status="closed", absent=False, outcome=outcome, closed=closed)
    assert value("RETURN_TO_WORK", world) == 50.0
    assert value("REMAINED_IN_WORK", world) == pytest.approx(66.7)


def test_work_ability_gain_and_outcome_capture(world, people):
    closed = at(2026, 11, 20)
    scores = [(3, 7), (5, 4), (None, None), (6, None)]
    for intake, closure in scores:
        referral = case(world, people, status="closed", outcome="remained_in_work", closed=closed)
        if intake is not None:
            Measures.objects.create(referral=referral, stage="intake", work_ability=intake)
        if closure is not None:
            Measures.objects.create(referral=referral, stage="closure", work_ability=closure)
    gain = compute("WORK_ABILITY_GAIN", scope(world), *NOV)
    assert (gain.denominator, gain.value) == (2, 1.5)  # (+4 and -1) / 2
    capture = compute("OUTCOME_CAPTURE", scope(world), *NOV)
    assert (capture.numerator, capture.denominator, capture.value) == (2, 4, 50.0)


def test_adjustments_in_place_within_four_weeks(world, people):
    referral = case(world, people, status="released")
    report = OutcomeReport.objects.create(
        referral=referral,
        author=people["clinician"],
        fitness="fit",
        equality_act="unclear",
        released_at=at(2026, 11, 2),
    )
    AdjustmentFollowUp.objects.create(report=report, adjustment="a", status="in_place", answered_at=at(2026, 11, 20))
    AdjustmentFollowUp.objects.create(report=report, adjustment="b", status="in_place", answered_at=at(2026, 12, 10))
    AdjustmentFollowUp.objects.create(report=report, adjustment="c", status="not_possible", answered_at=at(2026, 11, 5))
    AdjustmentFollowUp.objects.create(report=report, adjustment="d")
    figure = compute("ADJUSTMENTS_IN_PLACE", scope(world), *NOV)
    assert (figure.numerator, figure.denominator) == (1, 4)


def test_satisfaction(world, people):
    for n, score in enumerate([5, 4, 3, 1]):
        SatisfactionSurvey.objects.create(
            referral=case(world, people), token_hash=f"h{n}", score=score, answered_at=at(2026, 11, 15)
        )
    SatisfactionSurvey.objects.create(referral=case(world, people), token_hash="unanswered")
    assert value("SATISFACTION", world) == 50.0


def test_sla_attainment_from_monthly_returns(world, people):
    from decimal import Decimal

    from suppliers.models import CallOff, Framework, MonthlyReturn, ServiceLevel, Supplier

    framework = Framework.objects.create(name="DPS", operator=world.framework_operator)
    supplier = Supplier.objects.create(organisation=world.supplier, framework=framework, legal_name="Acme")
    buyer = member(Role.PROCUREMENT, world.trust_a)
    call_off = CallOff.objects.create(
        client=world.trust_a,
        supplier=supplier,
        start_date=date(2026, 1, 1),
        end_date=date(2027, 1, 1),
        estimated_value=Decimal(1),
        client_signatory=buyer,
        created_by=buyer,
    )
    fast = ServiceLevel.objects.create(
        call_off=call_off, metric="appointment_within", working_days=10, target_percent=95
    )
    report = ServiceLevel.objects.create(call_off=call_off, metric="report_within", working_days=2, target_percent=90)
    # Signed once its terms are complete: a signed call-off's service levels are frozen.
    CallOff.objects.filter(pk=call_off.pk).update(
        status="active", client_signed_at=at(2026, 1, 1), supplier_signed_at=at(2026, 1, 2)
    )
    for month, a, b in [(date(2026, 10, 1), 96, 80), (date(2026, 11, 1), 97, 91)]:
        MonthlyReturn.objects.create(
            call_off=call_off,
            month=month,
            cases_handled=10,
            submitted_by=buyer,
            levels_met={str(fast.pk): a, str(report.pk): b},
        )
    figure = compute("SLA_ATTAINMENT", Scope("supplier", world.supplier), date(2026, 10, 1), date(2026, 11, 30))
    assert (figure.numerator, figure.denominator, figure.value) == (3, 4, 75.0)


def test_sla_from_cases_when_the_supplier_runs_them_in_the_portal(world, people):
    from decimal import Decimal

    from suppliers.models import CallOff, Framework, ServiceLevel, Supplier
    from suppliers.selectors import call_off_attainment

    framework = Framework.objects.create(name="DPS", operator=world.framework_operator)
    supplier = Supplier.objects.create(
        organisation=world.supplier, framework=framework, legal_name="Acme", oh_service=world.oh_service
    )
    buyer = member(Role.PROCUREMENT, world.trust_a)
    call_off = CallOff.objects.create(
        client=world.trust_a,
        supplier=supplier,
        start_date=date(2026, 11, 1),
        end_date=date(2027, 10, 31),
        estimated_value=Decimal(1),
        client_signatory=buyer,
        created_by=buyer,
    )
    level = ServiceLevel.objects.create(
        call_off=call_off, metric="appointment_within", working_days=3, target_percent=50
    )
    CallOff.objects.filter(pk=call_off.pk).update(
        status="active", client_signed_at=at(2026, 10, 1), supplier_signed_at=at(2026, 10, 2)
    )
    call_off.refresh_from_db()
    for first in (at(2026, 11, 5), at(2026, 11, 9)):  # 3 and 5 working days after Mon 2 Nov
        referral = case(world, people, accepted=at(2026, 11, 2), status="appointment_booked")
        Appointment.objects.create(referral=referral, clinician=people["clinician"], start=first, modality="video")
    rows = call_off_attainment(call_off, *NOV)
    assert [(r.level, r.percent, r.source, r.met) for r in rows] == [(level, 50.0, "cases", True)]
    figure = compute("SLA_ATTAINMENT", Scope("supplier", world.supplier), *NOV)
    assert (figure.numerator, figure.denominator) == (1, 1)
