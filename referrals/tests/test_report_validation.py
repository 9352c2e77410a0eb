"""A report must answer each of the manager's questions, whichever way it is written (page or API)."""

import pytest

from conftest import signed_in_client
from referrals import services
from referrals.models import OutcomeReport, Status

pytestmark = pytest.mark.django_db

FIT_QUESTION = "Is the employee fit to do their role?"
ADJUSTMENTS_QUESTION = "What adjustments would help them stay at or return to work?"


def _api_report(**overrides):
    data = {"fitness": "fit", "equality_act": "unlikely", "answers": {}}
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {FIT_QUESTION: "Yes"},
        {FIT_QUESTION: "Yes", ADJUSTMENTS_QUESTION: "   "},
    ],
)
def test_api_refuses_a_report_that_leaves_a_question_unanswered(case, answers):
    case.accept().book().attend()
    clinician = signed_in_client(case.clinician)
    pk = case.referral.pk
    response = clinician.put(f"/api/v1/referrals/{pk}/report/", _api_report(answers=answers), "application/json")
    assert response.status_code == 400, response.content
    assert response.json()["answers"] == {
        q: [f"Answer the manager's question: {q}"]
        for q in (FIT_QUESTION, ADJUSTMENTS_QUESTION)
        if not (answers.get(q) or "").strip()
    }
    assert not OutcomeReport.objects.exists()
    sent = clinician.post(f"/api/v1/referrals/{pk}/report/send-for-consent/")
    assert sent.status_code == 404
    case.referral.refresh_from_db()
    assert case.referral.status == Status.ASSESSED


def test_api_refuses_answers_to_questions_the_manager_did_not_ask(case):
    case.accept().book().attend()
    answers = {FIT_QUESTION: "Yes", ADJUSTMENTS_QUESTION: "None", "Is she pregnant?": "No"}
    response = signed_in_client(case.clinician).put(
        f"/api/v1/referrals/{case.referral.pk}/report/", _api_report(answers=answers), "application/json"
    )
    assert response.status_code == 400
    assert response.json()["answers"] == {"Is she pregnant?": ["This is not one of the manager's questions."]}


def test_api_accepts_a_complete_report_and_sends_it(case):
    case.accept().book().attend()
    clinician = signed_in_client(case.clinician)
    pk = case.referral.pk
    answers = {FIT_QUESTION: "Yes", ADJUSTMENTS_QUESTION: "None needed"}
    saved = clinician.put(f"/api/v1/referrals/{pk}/report/", _api_report(answers=answers), "application/json")
    assert saved.status_code == 200, saved.content
    sent = clinician.post(f"/api/v1/referrals/{pk}/report/send-for-consent/")
    assert sent.status_code == 200 and sent.json()["answers"] == answers


def test_form_gives_the_same_message_and_keeps_what_was_typed(case):
    case.accept().book().attend()
    response = signed_in_client(case.clinician).post(
        f"/referrals/{case.referral.pk}/report/",
        {
            "fitness": "fit",
            "equality_act": "unlikely",
            "answer_0": "Yes, fully fit",
            "answer_1": "  ",
            "follow_up_plan": "Typed plan",
            "send_for_consent": "",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Answer the manager&#x27;s question: {ADJUSTMENTS_QUESTION}" in page
    assert "Yes, fully fit" in page and "Typed plan" in page
    assert not OutcomeReport.objects.exists()


def test_service_refuses_an_incomplete_report_whoever_calls_it(case):
    case.accept().book().attend()
    with pytest.raises(services.TransitionError, match="Answer the manager's question"):
        services.save_report_draft(
            referral=case.referral, author=case.clinician, fitness="fit", equality_act="unlikely", answers={}
        )
    assert not OutcomeReport.objects.exists()
