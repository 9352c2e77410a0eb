"""What a user may do to a pre-employment check now: the page, the API and the services answer from one rule,
and a refused action says why on the page and through the API."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from assessments import actions, presenters, services
from assessments.models import Assessment, AssessmentStatus, QuestionnaireLink
from conftest import accepts, clear_this_runs_cache, signed_in_client
from organisations.roles import Role
from organisations.tests.factories import member

from .conftest import Check

pytestmark = pytest.mark.django_db

ALL_COMPLETE = {
    "mmr": "complete",
    "varicella": "complete",
    "hepatitis_b": "complete",
    "tb_screening": "complete",
    "bbv_clearance": "complete",
}


@pytest.fixture(autouse=True)
def clear_rate_limits():
    clear_this_runs_cache()


def _cancelled(check):
    # No service cancels a check yet; the status exists, so the rule must hold in it too.
    Assessment.objects.filter(pk=check.assessment.pk).update(status=AssessmentStatus.CANCELLED)


# Each state a check can be in, reached through the real services: (exposure-prone role?, how to get there).
def _link_expired(check):
    QuestionnaireLink.objects.filter(assessment=check.assessment).update(expires_at=timezone.now() - timedelta(hours=1))


def _extended_to_the_limit(check):
    services.extend_link(assessment=check.assessment, by=check.recruiter)
    services.extend_link(assessment=check.assessment, by=check.recruiter)


STATES = {
    "awaiting_questionnaire": (False, lambda c: None),
    "answers_saved": (False, lambda c: services.save_answers(raw_token=c.token, answers=c.answers(), submit=False)),
    "link_expired": (False, _link_expired),
    "link_extended_to_the_limit": (False, _extended_to_the_limit),
    "nothing_declared": (False, lambda c: c.submit()),
    "declared": (False, lambda c: c.submit(medication="yes", medication_details="Inhaler")),
    "epp_without_bbv": (True, lambda c: c.submit()),
    "epp_with_bbv": (
        True,
        lambda c: (
            c.submit(),
            services.record_immunisations(assessment=c.assessment, by=c.clinician, **ALL_COMPLETE),
        ),
    ),
    "cleared": (
        False,
        lambda c: (c.submit(), services.clear_nothing_declared(assessment=c.assessment, by=c.clinician)),
    ),
    "cancelled": (False, _cancelled),
}


def _reached(world, state):
    exposure_prone, go = STATES[state]
    check = Check(world, exposure_prone=exposure_prone)
    go(check)
    return check


def _attempt(action, assessment, user):
    """Call the service behind `action` with good input; the service's own answer: accepted or refused."""
    calls = {
        "immunisations": lambda: services.record_immunisations(assessment=assessment, by=user, **ALL_COMPLETE),
        "clear_nothing_declared": lambda: services.clear_nothing_declared(assessment=assessment, by=user),
        # An outcome that needs no BBV clearance: whether the form is offered, not which outcome it takes.
        "clear": lambda: services.clear(assessment=assessment, by=user, outcome="further_assessment"),
        "resend_link": lambda: services.resend_link(assessment=assessment, by=user),
        "extend_link": lambda: services.extend_link(assessment=assessment, by=user),
    }
    assert set(calls) == set(actions.ACTIONS), "every action the rule knows has a service call here"

    return accepts(calls[action], services.AssessmentError)


def _people(check):
    world = check.world
    return {
        "recruiter": check.recruiter,
        "recruiter elsewhere": member(Role.RECRUITER, world.trust_b),
        "clinician": check.clinician,
        "clinician elsewhere": member(Role.CLINICIAN, world.other_oh_service),
        "oh_admin": member(Role.OH_ADMIN, world.oh_service),
        "oh_admin elsewhere": member(Role.OH_ADMIN, world.other_oh_service),
        "manager": member(Role.MANAGER, world.trust_a),
    }


@pytest.mark.parametrize("state", list(STATES))
def test_what_each_person_is_offered_is_what_the_services_accept(world, state):
    check = _reached(world, state)
    pk = check.assessment.pk
    for who, user in _people(check).items():
        offered = actions.allowed_actions(user, Assessment.objects.get(pk=pk))
        accepted = {a for a in actions.ACTIONS if _attempt(a, Assessment.objects.get(pk=pk), user)}
        assert offered == accepted, f"{state}, {who}: offered {sorted(offered)}, services accept {sorted(accepted)}"


@pytest.mark.parametrize("state", list(STATES))
def test_check_page_and_api_list_exactly_the_allowed_actions(world, state):
    check = _reached(world, state)
    assessment = Assessment.objects.get(pk=check.assessment.pk)
    shown_by = {
        "immunisations": f'action="/assessments/{assessment.pk}/immunisations/"',
        "clear_nothing_declared": 'name="nothing_declared"',
        "clear": "Record outcome",
        "resend_link": f'action="/assessments/{assessment.pk}/link/resend/"',
        "extend_link": f'action="/assessments/{assessment.pk}/link/extend/"',
    }
    for who, user in _people(check).items():
        client = signed_in_client(user)
        allowed = actions.allowed_actions(user, assessment)
        page = client.get(f"/assessments/{assessment.pk}/")
        if page.status_code in (403, 404):  # not this person's check: nothing to offer
            assert not allowed, f"{state}, {who}"
            continue
        html = page.content.decode()
        for action, marker in shown_by.items():
            assert (marker in html) == (action in allowed), f"{state}, {who}: {action} allowed={sorted(allowed)}"
        api = client.get(f"/api/v1/assessments/{assessment.pk}/")
        assert api.status_code == 200
        assert api.json()["allowed_actions"] == presenters.assessment_actions(user, assessment), f"{state}, {who}"
        assert set(api.json()["allowed_actions"]) == allowed


@pytest.mark.parametrize("state", list(STATES))
def test_api_clearance_goes_through_exactly_when_allowed(world, state):
    check = _reached(world, state)
    for who, user in _people(check).items():
        assessment = Assessment.objects.get(pk=check.assessment.pk)
        allowed = "clear" in actions.allowed_actions(user, assessment)
        with transaction.atomic():
            response = signed_in_client(user).post(
                f"/api/v1/assessments/{assessment.pk}/clearance/",
                {"outcome": "further_assessment"},
                content_type="application/json",
            )
            transaction.set_rollback(True)
        assert (response.status_code == 200) == allowed, f"{state}, {who}: {response.status_code}"
        if not allowed:
            assert response.status_code in (403, 404, 409), f"{state}, {who}"


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("action", ["resend_link", "extend_link"])
def test_api_link_actions_go_through_exactly_when_allowed(world, state, action):
    """POST /api/v1/assessments/{id}/resend-link/ and /extend-link/ do what the page's buttons do, for exactly the
    people and states the rule allows; the answer carries the link's new expiry."""
    check = _reached(world, state)
    for who, user in _people(check).items():
        assessment = Assessment.objects.get(pk=check.assessment.pk)
        allowed = action in actions.allowed_actions(user, assessment)
        with transaction.atomic():
            before = QuestionnaireLink.objects.filter(assessment=assessment).count()
            response = signed_in_client(user).post(
                f"/api/v1/assessments/{assessment.pk}/{action.replace('_', '-')}/", content_type="application/json"
            )
            after = QuestionnaireLink.objects.filter(assessment=assessment).count()
            transaction.set_rollback(True)
        assert (response.status_code == 200) == allowed, f"{state}, {who}: {response.status_code}"
        if not allowed:
            assert response.status_code in (403, 404, 409), f"{state}, {who}"
            assert after == before, f"{state}, {who}: a refused request changed the links"
            continue
        assert response.json()["link_expires_at"], f"{state}, {who}"
        assert after == before + (1 if action == "resend_link" else 0), f"{state}, {who}"


class TestRefusalSaysWhy:
    """The attacker's (or the stale page's) request for an action the check's state does not allow."""

    def test_api_answers_409_with_the_reason(self, check):
        response = signed_in_client(check.clinician).post(
            f"/api/v1/assessments/{check.assessment.pk}/clearance/", {"outcome": "fit"}, content_type="application/json"
        )
        assert response.status_code == 409
        assert response.json() == {"detail": "This check is not waiting for review."}

    def test_page_shows_the_reason(self, check):
        response = signed_in_client(check.clinician).post(
            f"/assessments/{check.assessment.pk}/clearance/", {"outcome": "fit"}, follow=True
        )
        assert "This check is not waiting for review." in response.content.decode()
        assert Assessment.objects.get().status == AssessmentStatus.AWAITING_QUESTIONNAIRE

    def test_page_shows_why_an_epp_role_cannot_be_cleared_as_fit(self, epp_check):
        epp_check.submit()
        response = signed_in_client(epp_check.clinician).post(
            f"/assessments/{epp_check.assessment.pk}/clearance/", {"outcome": "fit"}, follow=True
        )
        assert "blood-borne virus clearance" in response.content.decode()
        assert Assessment.objects.get().status == AssessmentStatus.AWAITING_REVIEW
