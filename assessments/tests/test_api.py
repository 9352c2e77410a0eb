import pytest
from django.test import Client

from assessments.models import Assessment
from conftest import clear_this_runs_cache, signed_in_client
from organisations.roles import Role
from organisations.tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_rate_limits():
    clear_this_runs_cache()


def test_recruiter_payload_is_outcome_level_only(check):
    payload = signed_in_client(check.recruiter).get(f"/api/v1/assessments/{check.assessment.pk}/").json()
    assert payload == {
        "id": check.assessment.pk,
        "reference": check.assessment.reference,
        "candidate_name": "Sam Candidate",
        "job_role": "Theatre nurse",
        "exposure_prone": False,
        "start_date": None,
        "status": "awaiting_questionnaire",
        "outcome": "",
        "adjustments": "",
        "cleared_at": None,
        "created_at": payload["created_at"],
        # Waiting for the candidate: the recruiter may extend or resend the link.
        "allowed_actions": ["resend_link", "extend_link"],
    }


def test_recruiter_starts_a_check_by_api(world):
    recruiter = member(Role.RECRUITER, world.trust_a)
    response = signed_in_client(recruiter).post(
        "/api/v1/assessments/",
        {
            "candidate_name": "Lee Jones",
            "candidate_email": "lee@example.com",
            "job_role": "Porter",
            "exposure_prone": False,
        },
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["status"] == "awaiting_questionnaire"


def test_clearance_by_api_for_clinicians_only(check):
    check.submit()
    url = f"/api/v1/assessments/{check.assessment.pk}/clearance/"
    assert (
        signed_in_client(check.recruiter).post(url, {"outcome": "fit"}, content_type="application/json").status_code
        == 403
    )
    done = signed_in_client(check.clinician).post(url, {"outcome": "fit"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["outcome"] == "fit"


def test_questionnaire_api_needs_no_account_and_is_single_use(check):
    client = Client()
    url = f"/api/v1/questionnaires/{check.token}/"
    got = client.get(url).json()
    assert got["job_role"] == "Theatre nurse" and got["answers"] == {}
    sent = client.post(url, {"answers": check.answers(), "submit": True}, content_type="application/json")
    assert sent.status_code == 200
    assert Assessment.objects.get().status == "awaiting_review"
    assert client.get(url).status_code == 410
    assert client.get("/api/v1/questionnaires/nope/").status_code == 404
