import re
from datetime import datetime, timedelta

import pytest
from django.test import Client

from assessments.models import Assessment, QuestionnaireLink
from conftest import clear_this_runs_cache, signed_in_client
from notifications.models import OutboxMessage
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
        "link_expires_at": payload["link_expires_at"],
        # Waiting for the candidate: the recruiter may extend or resend the link.
        "allowed_actions": ["resend_link", "extend_link"],
    }
    link = QuestionnaireLink.objects.get(assessment=check.assessment)
    assert datetime.fromisoformat(payload["link_expires_at"]) == link.expires_at


def test_the_link_expiry_follows_an_extension_and_is_null_once_the_questionnaire_is_sent(check):
    client = signed_in_client(check.recruiter)
    url = f"/api/v1/assessments/{check.assessment.pk}/"
    first = datetime.fromisoformat(client.get(url).json()["link_expires_at"])
    extended = client.post(f"{url}extend-link/", content_type="application/json")
    assert extended.status_code == 200
    assert datetime.fromisoformat(extended.json()["link_expires_at"]) == first + timedelta(days=7)
    assert OutboxMessage.objects.filter(template="assessments_questionnaire_extended").count() == 1
    resent = client.post(f"{url}resend-link/", content_type="application/json")
    assert resent.status_code == 200
    live = QuestionnaireLink.objects.filter(assessment=check.assessment, revoked_at__isnull=True).get()
    assert datetime.fromisoformat(resent.json()["link_expires_at"]) == live.expires_at
    assert Client().get(f"/api/v1/questionnaires/{check.token}/").status_code != 200  # the old link stops
    new_link = OutboxMessage.objects.filter(template="assessments_questionnaire_link").latest("pk").context["link"]
    check.token = re.search(r"/q/([^/]+)/", new_link).group(1)
    check.submit()
    assert client.get(url).json()["link_expires_at"] is None


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
