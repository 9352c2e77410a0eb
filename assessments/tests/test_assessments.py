"""Pre-employment checks: single-use links, questionnaire, clearance rules, and who sees what."""

import secrets
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, AssessmentStatus, QuestionnaireLink
from audit.models import AccessLogEntry
from conftest import clear_this_runs_cache, signed_in_client
from organisations.roles import Role
from organisations.tests.factories import member

pytestmark = pytest.mark.django_db

SECRET_ANSWER = "Type 1 diabetes, insulin pump"


@pytest.fixture(autouse=True)
def clear_rate_limits():
    clear_this_runs_cache()


def test_start_routes_to_oh_service_and_sends_link_without_health_data(check):
    assert check.assessment.oh_service == check.world.oh_service
    message = check.message()
    assert message.to_address == "sam@example.com"
    assert check.token in message.context["link"] and message.context["link"].startswith("http")


def test_token_is_unguessable_and_stored_only_as_a_hash(check):
    assert len(check.token) >= 43
    link = QuestionnaireLink.objects.get()
    assert check.token not in link.token_hash
    assert not QuestionnaireLink.objects.filter(token_hash=check.token).exists()


def test_candidate_saves_and_resumes_then_submits_once(check):
    client = Client()
    page = client.get(check.url)
    assert page.status_code == 200 and b"Theatre nurse" in page.content
    client.post(check.url, {"conditions": "yes", "conditions_details": SECRET_ANSWER, "save": ""})
    resumed = client.get(check.url)
    assert SECRET_ANSWER.encode() in resumed.content
    done = client.post(
        check.url, {**check.answers(conditions="yes"), "conditions_details": SECRET_ANSWER, "submit": ""}
    )
    assert b"Questionnaire sent" in done.content
    check.assessment.refresh_from_db()
    assert check.assessment.status == AssessmentStatus.AWAITING_REVIEW
    used = client.get(check.url)
    assert used.status_code == 410 and b"already been used" in used.content
    assert SECRET_ANSWER.encode() not in used.content and b"Sam" not in used.content


def test_submit_needs_every_answer_and_details_for_yes(check):
    response = Client().post(check.url, {"conditions": "yes", "submit": ""})
    html = response.content.decode()
    assert "Answer the question: Do you take any regular medication?" in html
    assert "Give details" in html
    assert Assessment.objects.get().status == AssessmentStatus.AWAITING_QUESTIONNAIRE


def test_expired_and_unknown_links_say_so_and_leak_nothing(check):
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        expired = Client().get(check.url)
    assert expired.status_code == 410 and b"This link has expired" in expired.content
    assert b"Theatre nurse" not in expired.content
    unknown = Client().get("/assessments/q/not-a-real-token/")
    assert unknown.status_code == 404 and b"This link does not work" in unknown.content


def test_guessing_is_rate_limited(check):
    # An address of its own (documentation range): the counters live in the cache that every test shares, and
    # other tests open questionnaire links from the test client's default address.
    client = Client(REMOTE_ADDR=f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}")
    statuses = [client.get(f"/assessments/q/guess-{n}/").status_code for n in range(35)]
    assert statuses[:30] == [404] * 30
    assert statuses[-1] == 429
    assert client.get(check.url).status_code == 429  # even a good token, from the guessing address


def test_new_link_revokes_the_old_one(check):
    services.resend_link(assessment=check.assessment, by=check.recruiter)
    assert Client().get(check.url).status_code == 404


def test_nothing_declared_clears_in_one_step_and_tells_recruiter(check):
    check.submit()
    services.clear_nothing_declared(assessment=check.assessment, by=check.clinician)
    check.assessment.refresh_from_db()
    assert (check.assessment.status, check.assessment.outcome) == ("cleared", "fit")
    from notifications.models import OutboxMessage

    assert OutboxMessage.objects.get(template="assessments_outcome_ready").recipient == check.recruiter


def test_declared_answers_cannot_be_cleared_in_one_step(check):
    check.submit(medication="yes", medication_details="Inhaler")
    with pytest.raises(services.AssessmentError, match="declared"):
        services.clear_nothing_declared(assessment=check.assessment, by=check.clinician)


def test_epp_role_needs_bbv_clearance_first(epp_check):
    epp_check.submit()
    with pytest.raises(services.AssessmentError, match="blood-borne virus"):
        services.clear_nothing_declared(assessment=epp_check.assessment, by=epp_check.clinician)
    services.record_immunisations(
        assessment=epp_check.assessment,
        by=epp_check.clinician,
        mmr="complete",
        varicella="complete",
        hepatitis_b="complete",
        tb_screening="complete",
        bbv_clearance="outstanding",
    )
    with pytest.raises(services.AssessmentError):
        services.clear(assessment=epp_check.assessment, by=epp_check.clinician, outcome="fit")
    services.record_immunisations(
        assessment=epp_check.assessment,
        by=epp_check.clinician,
        mmr="complete",
        varicella="complete",
        hepatitis_b="complete",
        tb_screening="complete",
        bbv_clearance="complete",
    )
    services.clear(assessment=epp_check.assessment, by=epp_check.clinician, outcome="fit")
    assert Assessment.objects.get().status == "cleared"


def test_not_fit_for_epp_can_be_given_without_bbv(epp_check):
    epp_check.submit()
    services.clear(assessment=epp_check.assessment, by=epp_check.clinician, outcome="further_assessment")
    assert Assessment.objects.get().outcome == "further_assessment"


class TestWhoSeesWhat:
    def test_recruiter_sees_outcome_never_answers(self, check):
        check.submit(conditions="yes", conditions_details=SECRET_ANSWER)
        services.clear(
            assessment=check.assessment,
            by=check.clinician,
            outcome="fit_with_adjustments",
            adjustments="Avoid night shifts for 3 months",
        )
        client = signed_in_client(check.recruiter)
        page = client.get(f"/assessments/{check.assessment.pk}/")
        assert b"Fit with adjustments" in page.content and b"Avoid night shifts" in page.content
        assert SECRET_ANSWER.encode() not in page.content and b"Questionnaire answers" not in page.content
        api = client.get(f"/api/v1/assessments/{check.assessment.pk}/").content
        assert SECRET_ANSWER.encode() not in api and b"answers" not in api

    def test_clinician_sees_answers_and_it_is_logged(self, check):
        check.submit(conditions="yes", conditions_details=SECRET_ANSWER)
        page = signed_in_client(check.clinician).get(f"/assessments/{check.assessment.pk}/")
        assert SECRET_ANSWER.encode() in page.content
        entry = AccessLogEntry.objects.get()
        assert (entry.kind, entry.user, entry.oh_service) == ("questionnaire", check.clinician, check.world.oh_service)

    def test_oh_admin_sees_the_check_but_not_answers(self, check):
        check.submit(conditions="yes", conditions_details=SECRET_ANSWER)
        admin = member(Role.OH_ADMIN, check.world.oh_service)
        page = signed_in_client(admin).get(f"/assessments/{check.assessment.pk}/")
        assert page.status_code == 200 and SECRET_ANSWER.encode() not in page.content

    def test_other_oh_services_clinician_gets_404(self, check):
        stranger = member(Role.CLINICIAN, check.world.other_oh_service)
        assert signed_in_client(stranger).get(f"/assessments/{check.assessment.pk}/").status_code == 404
        with pytest.raises(PermissionDenied):
            services.clear(assessment=check.assessment, by=stranger, outcome="fit")

    def test_other_trusts_recruiter_gets_404(self, check):
        other = member(Role.RECRUITER, check.world.trust_b)
        assert signed_in_client(other).get(f"/assessments/{check.assessment.pk}/").status_code == 404

    @pytest.mark.parametrize("role", [Role.MANAGER, Role.BOARD, Role.EMPLOYEE, Role.PROCUREMENT])
    def test_other_roles_are_refused(self, check, role):
        client = signed_in_client(member(role, check.world.trust_a))
        assert client.get(f"/assessments/{check.assessment.pk}/").status_code == 403
        assert client.get("/api/v1/assessments/").json()["count"] == 0


def test_clock_and_overdue_in_working_days(check):
    from assessments import presenters

    check.submit()
    check.assessment.refresh_from_db()
    Assessment.objects.filter(pk=check.assessment.pk).update(
        questionnaire_completed_at=timezone.make_aware(timezone.datetime(2026, 12, 24, 10))
    )
    check.assessment.refresh_from_db()
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 12, 30, 12))):
        assert presenters.clearance_clock(check.assessment) == "Working day 2 of 2"
        assert not presenters.is_overdue(check.assessment)
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 12, 31, 12))):
        assert presenters.is_overdue(check.assessment)


def test_recruiter_start_form_keeps_input_on_error(world):
    recruiter = member(Role.RECRUITER, world.trust_a)
    response = signed_in_client(recruiter).post(
        "/assessments/start/", {"candidate_name": "Ann Lee", "candidate_email": "not-an-email"}
    )
    html = response.content.decode()
    assert "Enter an e-mail address like name@example.com" in html and "Ann Lee" in html
    assert not Assessment.objects.exists()


def test_candidate_chaser_sends_one_fresh_link(check):
    from assessments import tasks
    from notifications.models import OutboxMessage

    with time_machine.travel(timezone.now() + timedelta(days=6)):
        assert tasks.chase_candidates() == 1
        assert tasks.chase_candidates() == 0
    assert OutboxMessage.objects.filter(template="assessments_questionnaire_link").count() == 2
    assert Client().get(check.url).status_code == 404  # the first link no longer works


def test_overdue_review_alert_once(check):
    from assessments import tasks

    check.submit()
    Assessment.objects.filter(pk=check.assessment.pk).update(
        questionnaire_completed_at=timezone.now() - timedelta(days=7)
    )
    assert tasks.alert_overdue_reviews() == 1  # the service's one clinician
    assert tasks.alert_overdue_reviews() == 0
