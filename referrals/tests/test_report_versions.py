"""Report versions (PRODUCT.md section 3): the manager reads only versions the employee released.

Tried from the manager's side on the page and the API in every state of the report: before any release,
and after a follow-up while the next version is a draft, awaiting a decision, being read first, sent back
for corrections, withheld, or released.
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from conftest import signed_in_client
from notifications.models import OutboxMessage
from referrals import services, tasks
from referrals.models import ConsentChoice, OutcomeReport, ReportFrozen, Status

pytestmark = pytest.mark.django_db

FIRST_TEXT = b"Reduced hours for 4 weeks"  # an adjustment only version 1 has
SECOND_TEXTS = (b"Second opinion text", b"Redeployment to a desk role", b"Ill-health retirement review")

C = ConsentChoice


def _second_version_in(case, state):
    """Version 1 released; then a follow-up and version 2 in `state`."""
    case.accept().book().attend().report().release().follow_up()
    if state == "draft":
        case.redraft(send=False)
    elif state == "awaiting_consent":
        case.redraft()
    elif state == "show_me_first":
        case.redraft().decide(C.SHOW_ME_FIRST)
    elif state == "corrections_asked":
        case.redraft().decide(C.SHOW_ME_FIRST).decide(C.CORRECTIONS, "The date is wrong")
    elif state == "withheld":
        case.redraft().decide(C.WITHHOLD)
    elif state == "released":
        case.redraft().decide(C.RELEASE_NOW)
    return case


def _first_version_in(case, state):
    """Only version 1, never released, in `state`."""
    case.accept().book().attend()
    if state == "draft":
        case.report(send=False)
    elif state == "awaiting_consent":
        case.report()
    elif state == "show_me_first":
        case.report().decide(C.SHOW_ME_FIRST)
    elif state == "corrections_asked":
        case.report().decide(C.SHOW_ME_FIRST).decide(C.CORRECTIONS, "The date is wrong")
    elif state == "withheld":
        case.report().decide(C.WITHHOLD)
    return case


NOT_RELEASED = ["draft", "awaiting_consent", "show_me_first", "corrections_asked", "withheld"]


@pytest.mark.parametrize("state", NOT_RELEASED)
def test_manager_never_sees_an_unreleased_first_version(case, state):
    _first_version_in(case, state)
    manager = signed_in_client(case.manager)
    pk = case.referral.pk
    assert manager.get(f"/api/v1/referrals/{pk}/report/").status_code == 404
    assert manager.get(f"/api/v1/referrals/{pk}/report/versions/").status_code == 404
    assert manager.get(f"/referrals/{pk}/adjustments/").status_code == 404
    page = manager.get(f"/referrals/{pk}/").content
    assert b"Outcome report" not in page and FIRST_TEXT not in page and b"Answer" not in page


@pytest.mark.parametrize("state", NOT_RELEASED)
def test_after_a_follow_up_the_manager_sees_only_the_released_version_marked_earlier(case, state):
    _second_version_in(case, state)
    first = case.referral.reports.get(version=1)
    manager = signed_in_client(case.manager)
    pk = case.referral.pk

    response = manager.get(f"/api/v1/referrals/{pk}/report/")
    assert response.status_code == 200
    assert response.json() == {
        "id": first.pk,
        "version": 1,
        "state": "released",
        "is_earlier": True,
        "fitness": "fit_with_adjustments",
        "adjustments": ["Reduced hours for 4 weeks", "No heavy lifting"],
        "likely_return_date": None,
        "answers": dict.fromkeys(case.referral.question_texts, "Answer"),
        "equality_act": "unlikely",
        "follow_up_plan": "Review in 6 weeks",
        "diagnosis": "",
        "sent_for_consent_at": response.json()["sent_for_consent_at"],
        "released_at": response.json()["released_at"],
        "withheld_at": None,
    }
    versions = manager.get(f"/api/v1/referrals/{pk}/report/versions/").json()
    assert [v["version"] for v in versions] == [1]

    page = manager.get(f"/referrals/{pk}/").content
    assert FIRST_TEXT in page and b"This is an earlier report" in page
    for text in SECOND_TEXTS:
        assert text not in page and text not in response.content
    adjustments = manager.get(f"/referrals/{pk}/adjustments/").content
    assert FIRST_TEXT in adjustments and b"Redeployment" not in adjustments


def test_withheld_second_version_is_never_shown_and_the_manager_is_told_only_that(case):
    _second_version_in(case, "withheld")
    page = signed_in_client(case.manager).get(f"/referrals/{case.referral.pk}/").content
    assert b"Consent withheld" in page and b"This is an earlier report" in page
    assert all(text not in page for text in SECOND_TEXTS)


def test_released_second_version_replaces_the_first_for_the_manager(case):
    _second_version_in(case, "released")
    manager = signed_in_client(case.manager)
    pk = case.referral.pk
    data = manager.get(f"/api/v1/referrals/{pk}/report/").json()
    assert (data["version"], data["is_earlier"], data["fitness"]) == (2, False, "unfit_for_role")
    assert [v["version"] for v in manager.get(f"/api/v1/referrals/{pk}/report/versions/").json()] == [2, 1]
    page = manager.get(f"/referrals/{pk}/").content
    assert b"Redeployment to a desk role" in page and b"This is an earlier report" not in page
    adjustments = manager.get(f"/referrals/{pk}/adjustments/").content
    assert b"Redeployment to a desk role" in adjustments and FIRST_TEXT not in adjustments


def test_each_version_has_its_own_decisions(case):
    _second_version_in(case, "withheld")
    first, second = case.referral.reports.order_by("version")
    assert [d.choice for d in first.consent_decisions.all()] == [C.RELEASE_NOW]
    assert [d.choice for d in second.consent_decisions.all()] == [C.WITHHOLD]
    assert first.released_at and not first.withheld_at
    assert second.withheld_at and not second.released_at
    assert (first.state, second.state) == ("released", "withheld")
    # The employee cannot re-decide either version: nothing is waiting for a decision.
    employee = signed_in_client(case.employee_user)
    pk = case.referral.pk
    again = employee.post(f"/api/v1/referrals/{pk}/report/consent/", {"choice": "release_now"}, "application/json")
    assert again.status_code == 404
    assert employee.get(f"/referrals/{pk}/consent/").status_code == 404
    with pytest.raises(services.TransitionError):
        services.record_consent(report=first, by=case.employee_user, choice=C.RELEASE_NOW)
    second.refresh_from_db()
    assert second.released_at is None


def test_employee_decides_on_the_new_version_and_reading_first_is_per_version(case):
    _second_version_in(case, "awaiting_consent")
    employee = signed_in_client(case.employee_user)
    pk = case.referral.pk
    # Having read version 1 does not count for version 2: approve needs "show me first" on this version.
    refused = employee.post(f"/api/v1/referrals/{pk}/report/consent/", {"choice": "approve"}, "application/json")
    assert refused.status_code == 409
    assert employee.get(f"/api/v1/referrals/{pk}/report/").json()["version"] == 2
    ok = employee.post(f"/api/v1/referrals/{pk}/report/consent/", {"choice": "release_now"}, "application/json")
    assert ok.status_code == 200 and ok.json()["status"] == Status.RELEASED
    assert case.referral.reports.get(version=2).released_at is not None


def test_corrections_make_a_new_version_and_the_sent_one_stays_as_it_was(case):
    _first_version_in(case, "corrections_asked")
    case.redraft()
    first, second = case.referral.reports.order_by("version")
    assert first.answers == dict.fromkeys(case.referral.question_texts, "Answer")
    assert first.corrections_requested == "The date is wrong" and first.state == "corrections_asked"
    assert second.version == 2 and second.state == "awaiting_consent"
    page = signed_in_client(case.employee_user).get(f"/referrals/{case.referral.pk}/").content
    assert b"Second opinion text" in page


def test_clinician_sees_every_version_with_its_state(case):
    _second_version_in(case, "withheld")
    clinician = signed_in_client(case.clinician)
    pk = case.referral.pk
    versions = clinician.get(f"/api/v1/referrals/{pk}/report/versions/").json()
    assert [(v["version"], v["state"], v["is_earlier"]) for v in versions] == [
        (2, "withheld", False),
        (1, "released", True),
    ]
    shown = clinician.get(f"/api/v1/referrals/{pk}/report/").json()
    assert (shown["version"], shown["state"]) == (2, "withheld")
    page = clinician.get(f"/referrals/{pk}/").content
    assert b"All versions of the report" in page and b"Withheld by the employee" in page
    assert b"Released to the manager" in page


def test_a_sent_version_cannot_be_changed_even_by_an_orm_save(case):
    case.accept().book().attend().report().release()
    report = OutcomeReport.objects.get()
    report.fitness = "unfit_for_role"
    with pytest.raises(ReportFrozen):
        report.save()
    report.refresh_from_db()
    report.released_at = None
    with pytest.raises(ReportFrozen):
        report.save()
    # After a follow-up the clinician's report is a new version; version 1 is untouched.
    case.follow_up().redraft(send=False)
    assert OutcomeReport.objects.get(version=1).fitness == "fit_with_adjustments"
    assert OutcomeReport.objects.get(version=2).fitness == "unfit_for_role"


def test_a_draft_version_can_still_be_edited(case):
    case.accept().book().attend().report(send=False)
    report = OutcomeReport.objects.get()
    report.fitness = "fit"
    report.save()
    assert OutcomeReport.objects.get().fitness == "fit"


def test_release_notice_per_version_and_none_for_a_withheld_one(case):
    _second_version_in(case, "withheld")
    released = OutboxMessage.objects.filter(template="referrals_report_released", recipient=case.manager)
    assert released.count() == 1  # for version 1 only
    assert OutboxMessage.objects.filter(template="referrals_consent_withheld", recipient=case.manager).count() == 1


def test_chasers_follow_the_versions(case):
    _second_version_in(case, "awaiting_consent")
    later = timezone.now() + timedelta(weeks=5)
    with time_machine.travel(later):
        # Version 2 is waiting for the employee; version 1's adjustments are the ones the manager still owes.
        assert tasks.chase_consent() == 1
        assert tasks.chase_adjustments() == 1
    chaser = OutboxMessage.objects.get(template="referrals_consent_chaser")
    assert chaser.recipient == case.employee_user
    case.decide(C.RELEASE_NOW)
    with time_machine.travel(later + timedelta(weeks=5)):
        assert tasks.chase_consent() == 0
        # Version 2 is now the one followed up; version 1's pending answers are no longer chased.
        assert tasks.chase_adjustments() == 1
    assert case.referral.reports.get(version=2).follow_ups.count() == 1
