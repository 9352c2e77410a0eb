"""End measures (PRODUCT.md section 3): the employee records their own work ability score, at intake and at
closure, on their case page or through the chaser's single-use link; the chaser then stops and the
outcome-capture KPI counts it. Nobody else records it for them, and the manager never sees it."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from conftest import signed_in_client
from metrics.compute import compute
from metrics.scopes import Scope
from notifications.models import OutboxMessage
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member
from referrals import services, tasks
from referrals.models import Measures, MeasureStage, Referral
from referrals.tests.test_actions import STATES

pytestmark = pytest.mark.django_db


def _closed(case, work_ability=None):
    """A case closed by the clinician, with or without the closure score."""
    case.accept().book().attend().report().release()
    services.close_case(referral=case.reload(), by=case.clinician, outcome="returned_full", work_ability=work_ability)
    return case


def _chaser_link(referral):
    message = OutboxMessage.objects.get(idempotency_key=f"end-measures-chaser-{referral.pk}")
    return re.search(r"(/referrals/work-ability/[^/]+/)", message.context["link"]).group(1)


def _chased(case):
    """Closed without an end score, and chased a week later: the chaser's link."""
    _closed(case)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert tasks.chase_end_measures() == 1
    return _chaser_link(case.referral)


def _capture(case):
    today = timezone.localdate()
    return compute("OUTCOME_CAPTURE", Scope("organisation", case.world.trust_a), today.replace(day=1), today)


# --- On the case page ------------------------------------------------------------------------------------------


def test_employee_records_the_intake_score_on_their_case_page(case):
    case.accept()
    employee = signed_in_client(case.employee_user)
    pk = case.referral.pk
    page = employee.get(f"/referrals/{pk}/").content.decode()
    assert f'action="/referrals/{pk}/work-ability/"' in page and 'name="work_ability"' in page
    assert "Your manager does not" in page

    response = employee.post(f"/referrals/{pk}/work-ability/", {"work_ability": "6"}, follow=True)
    assert "Your work ability score has been sent to occupational health" in response.content.decode()
    measure = Measures.objects.get(referral=case.referral)
    assert (measure.stage, measure.work_ability, measure.recorded_by) == ("intake", 6, case.employee_user)
    assert 'name="work_ability"' not in employee.get(f"/referrals/{pk}/").content.decode()

    again = employee.post(f"/referrals/{pk}/work-ability/", {"work_ability": "2"}).content.decode()
    assert "already recorded" in again
    assert Measures.objects.get(referral=case.referral).work_ability == 6


def test_a_score_left_unchosen_is_asked_for_in_the_employees_words(case):
    case.accept()
    response = signed_in_client(case.employee_user).post(f"/referrals/{case.referral.pk}/work-ability/", {})
    html = response.content.decode()
    assert response.status_code == 200 and "Choose a number from 0 to 10 for how well you are able to work" in html
    assert "This field is required" not in html
    assert not Measures.objects.filter(referral=case.referral).exists()


def test_employee_records_the_closure_score_on_the_case_page_and_outcome_capture_counts_it(case):
    _closed(case)
    assert (_capture(case).numerator, _capture(case).denominator) == (0, 1)
    employee = signed_in_client(case.employee_user)
    employee.post(f"/referrals/{case.referral.pk}/work-ability/", {"work_ability": "8"})
    assert Measures.objects.get(referral=case.referral, stage=MeasureStage.CLOSURE).work_ability == 8
    assert (_capture(case).numerator, _capture(case).denominator) == (1, 1)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert tasks.chase_end_measures() == 0  # recorded: no chaser


# --- Through the chaser's single-use link ------------------------------------------------------------------------


def test_the_chaser_links_to_the_question_and_the_employee_answers_without_signing_in(case):
    link = _chased(case)
    assert OutboxMessage.objects.get(idempotency_key=f"end-measures-chaser-{case.referral.pk}").context["expires"]
    anonymous = Client()
    page = anonymous.get(link)
    assert page.status_code == 200 and 'name="work_ability"' in page.content.decode()
    assert case.referral.reference not in page.content.decode() and "Patel" not in page.content.decode()

    done = anonymous.post(link, {"work_ability": "7"})
    assert done.status_code == 200 and "Your score has been sent" in done.content.decode()
    measure = Measures.objects.get(referral=case.referral, stage=MeasureStage.CLOSURE)
    assert (measure.work_ability, measure.recorded_by) == (7, case.employee_user)
    assert _capture(case).numerator == 1

    used = anonymous.get(link)
    assert used.status_code == 410 and "Your score is already recorded" in used.content.decode()
    assert anonymous.post(link, {"work_ability": "1"}).status_code == 410
    assert Measures.objects.get(referral=case.referral, stage=MeasureStage.CLOSURE).work_ability == 7
    with time_machine.travel(timezone.now() + timedelta(days=9)):
        assert tasks.chase_end_measures() == 0  # once recorded, the chaser stops


def test_an_unchosen_score_on_the_link_page_is_asked_for_and_the_link_still_works(case):
    link = _chased(case)
    response = Client().post(link, {"work_ability": "11"})
    assert response.status_code == 200 and "Choose a number from 0 to 10" in response.content.decode()
    assert Client().get(link).status_code == 200


def test_a_link_answered_on_the_case_page_says_the_score_is_recorded(case):
    link = _chased(case)
    with time_machine.travel(timezone.now() + timedelta(days=9)):
        signed_in_client(case.employee_user).post(f"/referrals/{case.referral.pk}/work-ability/", {"work_ability": "5"})
        response = Client().get(link)
    assert response.status_code == 410 and "Your score is already recorded" in response.content.decode()


def test_an_expired_link_says_so_plainly(case):
    link = _chased(case)
    with time_machine.travel(timezone.now() + timedelta(days=8 + 15)):
        response = Client().get(link)
        assert response.status_code == 410 and "This link has expired" in response.content.decode()
        assert Client().post(link, {"work_ability": "5"}).status_code == 410
    assert not Measures.objects.filter(referral=case.referral, stage=MeasureStage.CLOSURE).exists()


def test_an_unknown_link_says_so_and_reveals_nothing():
    response = Client().get("/referrals/work-ability/not-a-real-token/")
    assert response.status_code == 404 and "This link does not work" in response.content.decode()


def test_two_chasers_at_once_leave_one_link_that_works(case):
    _closed(case)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert tasks.chase_end_measures() + tasks.chase_end_measures() == 1
    assert Client().get(_chaser_link(case.referral)).status_code == 200


# --- Closed long ago ---------------------------------------------------------------------------------------------


def test_a_case_closed_more_than_four_weeks_ago_is_not_chased_and_takes_no_score(case):
    _closed(case)
    Referral.objects.filter(pk=case.referral.pk).update(closed_at=timezone.now() - timedelta(weeks=5))
    assert tasks.chase_end_measures() == 0
    employee = signed_in_client(case.employee_user)
    pk = case.referral.pk
    assert 'name="work_ability"' not in employee.get(f"/referrals/{pk}/").content.decode()
    refused = employee.post(f"/referrals/{pk}/work-ability/", {"work_ability": "5"}).content.decode()
    assert "closed more than four weeks ago" in refused
    assert not Measures.objects.filter(referral=case.referral, stage=MeasureStage.CLOSURE).exists()


def test_a_link_to_a_case_closed_too_long_ago_has_expired(case):
    link = _chased(case)
    Referral.objects.filter(pk=case.referral.pk).update(closed_at=timezone.now() - timedelta(weeks=5))
    response = Client().get(link)
    assert response.status_code == 410 and "This link has expired" in response.content.decode()


# --- Nobody else records it, in any state of the case; the manager never sees it ----------------------------------


def _others(case):
    other_employee_user = member(Role.EMPLOYEE, case.world.trust_a)
    EmployeeFactory(organisation=case.world.trust_a, user=other_employee_user)
    elsewhere = member(Role.EMPLOYEE, case.world.trust_b)
    EmployeeFactory(organisation=case.world.trust_b, user=elsewhere)
    return {
        "another employee": (other_employee_user, 404),
        "an employee of another organisation": (elsewhere, 404),
        "the referring manager": (case.manager, 403),
        "the clinician": (case.clinician, 403),
        "the OH admin": (case.oh_admin, 403),
    }


@pytest.mark.parametrize("state", list(STATES))
def test_no_one_but_the_employee_records_the_employees_score(case, state):
    STATES[state](case)
    pk = case.referral.pk
    before = set(Measures.objects.filter(referral_id=pk).values_list("stage", "work_ability"))
    for who, (user, status) in _others(case).items():
        client = signed_in_client(user)
        assert client.get(f"/referrals/{pk}/work-ability/").status_code == status, f"{state}, {who}"
        assert client.post(f"/referrals/{pk}/work-ability/", {"work_ability": "9"}).status_code == status, who
    assert set(Measures.objects.filter(referral_id=pk).values_list("stage", "work_ability")) == before


def test_the_employee_in_another_role_is_refused(case):
    """The same person acting as a manager (a second membership) does not record the employee's score."""
    case.accept()
    from organisations.models import Membership

    Membership.objects.create(user=case.employee_user, organisation=case.world.trust_a, role=Role.MANAGER)
    with pytest.raises(services.PermissionDenied):
        manager_session = case.employee_user
        manager_session.active_membership = Membership.objects.get(user=case.employee_user, role=Role.MANAGER)
        services.record_own_score(referral=case.referral, by=manager_session, work_ability=5)


def test_the_manager_never_sees_the_score(case):
    _closed(case)
    signed_in_client(case.employee_user).post(f"/referrals/{case.referral.pk}/work-ability/", {"work_ability": "3"})
    manager = signed_in_client(case.manager)
    page = manager.get(f"/referrals/{case.referral.pk}/").content.decode()
    api = manager.get(f"/api/v1/referrals/{case.referral.pk}/").content.decode()
    for shown in (page, api):
        assert "work_ability" not in shown.replace("own_score", "") and "Work ability" not in shown
    assert "3/10" not in page and "Your work ability score" not in page
