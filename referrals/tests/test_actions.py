"""What a user may do to a case now: the page, the API and the services answer from one rule."""

import pytest

from conftest import accepts, rolled_back, signed_in_client
from referrals.models import Status

pytestmark = pytest.mark.django_db


def _second_dna(case):
    from referrals import services

    case.accept().book()
    services.record_attendance(appointment=case.start().appointment, by=case.oh_admin, attended=False)
    case.book()
    services.record_attendance(appointment=case.start().appointment, by=case.oh_admin, attended=False)
    assert case.reload().status == Status.RETURNED_TO_MANAGER and case.referral.dna_count == 2
    return case


class TestReturnedAfterTwoDNAs:
    """PRODUCT section 3: a case returned after two DNAs is edited and sent again with a reply, as one returned by
    triage; a plain send without the reply (the draft's button) is refused on the page and in the API."""

    REFUSED = "This case is 'Returned to the manager', so it cannot be submitted now."

    def test_manager_post_to_submit_is_refused(self, case):
        _second_dna(case)
        response = signed_in_client(case.manager).post(f"/referrals/{case.referral.pk}/submit/", follow=True)
        assert case.reload().status == Status.RETURNED_TO_MANAGER
        assert self.REFUSED.replace("'", "&#x27;") in response.content.decode()

    def test_manager_api_submit_is_refused(self, case):
        _second_dna(case)
        response = signed_in_client(case.manager).post(f"/api/v1/referrals/{case.referral.pk}/submit/")
        assert response.status_code == 409 and response.json()["detail"] == self.REFUSED
        assert case.reload().status == Status.RETURNED_TO_MANAGER

    def test_the_page_and_the_api_offer_sending_it_again(self, case):
        _second_dna(case)
        client = signed_in_client(case.manager)
        assert (
            f'href="/referrals/{case.referral.pk}/resend/"'
            in client.get(f"/referrals/{case.referral.pk}/").content.decode()
        )
        assert "resend" in client.get(f"/api/v1/referrals/{case.referral.pk}/").json()["allowed_actions"]


# --- Every role x every state: shown (page, API) == accepted (services) -------------------------------

from datetime import timedelta  # noqa: E402

from django.utils import timezone  # noqa: E402

from organisations.roles import Role  # noqa: E402
from organisations.tests.factories import member  # noqa: E402
from referrals import actions, presenters, services  # noqa: E402
from referrals.models import (  # noqa: E402
    AdjustmentFollowUp,
    Appointment,
    AppointmentStatus,
    ClinicalNote,
    ConsentChannel,
    ConsentChoice,
    Referral,
)


def _dna(case):
    case.accept().book()
    services.record_attendance(appointment=case.start().appointment, by=case.oh_admin, attended=False)


def _noted(case):
    services.add_clinical_note(referral=case.referral, author=case.clinician, text="Seen today")
    return case


def _draft(case):
    services.withdraw(referral=case.referral, by=case.manager, reason="x")  # the case fixture's one is sent
    case.referral = services.create_management_referral(
        manager=case.manager,
        employee=case.employee,
        submit=False,
        reason_category="musculoskeletal",
        absent_at_referral=False,
        manager_questions=["fit_for_role"],
        work_details="Porter",
        employee_agreed=True,
    )


# Each state a case can be in, reached through the real services.
STATES = {
    "draft": _draft,
    "submitted": lambda c: None,
    "returned_by_triage": lambda c: services.return_to_manager(referral=c.referral, by=c.oh_admin, reason="More"),
    "triaged": lambda c: c.accept(),
    "appointment_booked": lambda c: c.accept().book(),
    "appointment_started": lambda c: c.accept().book().start(),
    "dna": _dna,
    "returned_after_two_dnas": _second_dna,
    "assessed": lambda c: c.accept().book().attend(),
    "report_drafted": lambda c: c.accept().book().attend().report(send=False),
    "awaiting_consent": lambda c: c.accept().book().attend().report(),
    "show_me_first": lambda c: c.accept().book().attend().report().decide(ConsentChoice.SHOW_ME_FIRST),
    "corrections_requested": lambda c: c.accept().book().attend().report().decide(ConsentChoice.CORRECTIONS, "Age"),
    "released": lambda c: c.accept().book().attend().report().release(),
    "withheld": lambda c: c.accept().book().attend().report().decide(ConsentChoice.WITHHOLD),
    "follow_up_booked": lambda c: c.accept().book().attend().report().release().book(),
    "closed": lambda c: services.close_case(
        referral=c.accept().book().attend().report().release().reload(), by=c.clinician, outcome="returned_full"
    ),
    "withdrawn": lambda c: services.withdraw(referral=c.referral, by=c.manager, reason="Resigned"),
    # With a clinical note, which an addendum can then correct (also once the case is closed or withdrawn).
    "assessed_with_a_note": lambda c: _noted(c.accept().book().attend()),
    "closed_with_a_note": lambda c: services.close_case(
        referral=_noted(c.accept().book().attend().report().release()).reload(), by=c.clinician, outcome="not_known"
    ),
    "withdrawn_with_a_note": lambda c: services.withdraw(
        referral=_noted(c.accept()).referral, by=c.manager, reason="Resigned"
    ),
}


def _report(referral):
    return referral.reports.order_by("-version").first()


def _attempt(action, referral, user, case):
    """Call the service behind `action` with good input; the service's own answer: accepted or refused."""
    report = _report(referral)
    follow_up = AdjustmentFollowUp.objects.filter(report__referral=referral).first()
    note = ClinicalNote.objects.filter(referral=referral, addendum_to=None).first()
    booked = Appointment.objects.filter(referral=referral, status=AppointmentStatus.BOOKED).first()
    recorded = (
        Appointment.objects.filter(referral=referral)
        .exclude(attendance_recorded_at=None)
        .order_by("-attendance_recorded_at", "-pk")
        .first()
    )
    calls = {
        "submit": lambda: services.submit_referral(referral=referral, by=user),
        "edit_draft": lambda: services.update_draft(referral=referral, by=user, work_details="Porter, nights"),
        "delete_draft": lambda: services.delete_draft(referral=referral, by=user),
        "resend": lambda: services.resend_referral(referral=referral, by=user, reply="Risk assessment attached"),
        "accept": lambda: services.accept(referral=referral, by=user, priority="routine", practitioner_type="oh_nurse"),
        "return": lambda: services.return_to_manager(referral=referral, by=user, reason="Say more"),
        "book": lambda: services.book_appointment(
            referral=referral,
            by=user,
            clinician=case.clinician,
            start=timezone.now() + timedelta(days=2),
            length_minutes=30,
            modality="telephone",
        ),
        "attendance": booked and (lambda: services.record_attendance(appointment=booked, by=user, attended=True)),
        "correct_attendance": recorded
        and (
            lambda: services.correct_attendance(
                appointment=recorded,
                by=user,
                attended=recorded.status == AppointmentStatus.DNA,
                reason="Recorded by mistake",
            )
        ),
        "reschedule": booked
        and (
            lambda: services.reschedule_appointment(
                appointment=booked, by=user, start=timezone.now() + timedelta(days=4), reason="Clinic closed"
            )
        ),
        "cancel_appointment": booked
        and (lambda: services.cancel_appointment(appointment=booked, by=user, reason="Employee asked")),
        "note": lambda: services.add_clinical_note(referral=referral, author=user, text="Seen today"),
        "measures": lambda: services.record_measures(referral=referral, by=user, stage="intake", work_ability=5),
        "own_score": lambda: services.record_own_score(referral=referral, by=user, work_ability=5),
        "draft_report": lambda: services.save_report_draft(
            referral=referral,
            author=user,
            fitness="fit",
            answers=dict.fromkeys(referral.question_texts, "Yes"),
            equality_act="unlikely",
        ),
        "send_for_consent": report and (lambda: services.send_for_consent(report=report, by=user)),
        "close": lambda: services.close_case(referral=referral, by=user, outcome="returned_full"),
        "consent": report
        and (lambda: services.record_consent(report=report, by=user, choice=ConsentChoice.RELEASE_NOW)),
        "release": report
        and (
            lambda: services.record_consent(
                report=report,
                by=user,
                choice=ConsentChoice.RELEASE_NOW,
                channel=ConsentChannel.RECORDED_BY_CLINICIAN,
            )
        ),
        "answer_adjustments": follow_up
        and (lambda: services.answer_adjustment(follow_up=follow_up, by=user, status="yes")),
        "withdraw": lambda: services.withdraw(referral=referral, by=user, reason="No longer needed"),
        "message": lambda: services.send_case_message(referral=referral, by=user, text="Can we call Tuesday?"),
        "addendum": note
        and (lambda: services.add_clinical_note(referral=referral, author=user, text="Correction", addendum_to=note)),
    }
    assert set(calls) == set(actions.ACTIONS), "every action the rule knows has a service call here"
    call = calls[action]
    if not call:
        return False  # nothing to act on (no report, appointment or follow-up): no service call can succeed

    return accepts(call, services.TransitionError)


def _people(case):
    return {
        "referring manager": case.manager,
        "another manager": member(Role.MANAGER, case.world.trust_a),
        "employee": case.employee_user,
        "oh_admin": case.oh_admin,
        "clinician": case.clinician,
        "clinician elsewhere": member(Role.CLINICIAN, case.world.other_oh_service),
        "ig_lead": member(Role.IG_LEAD, case.world.trust_a),
    }


@pytest.mark.parametrize("state", list(STATES))
def test_what_each_person_is_offered_is_what_the_services_accept(case, state):
    STATES[state](case)
    pk = case.referral.pk
    for who, user in _people(case).items():
        offered = actions.allowed_actions(user, Referral.objects.get(pk=pk))
        accepted = {a for a in actions.ACTIONS if _attempt(a, Referral.objects.get(pk=pk), user, case)}
        assert offered == accepted, f"{state}, {who}: offered {sorted(offered)}, services accept {sorted(accepted)}"


@pytest.mark.parametrize("state", list(STATES))
def test_case_page_and_api_list_exactly_the_allowed_actions(case, state):
    STATES[state](case)
    referral = Referral.objects.get(pk=case.referral.pk)
    links = {
        "submit": f"/referrals/{referral.pk}/submit/",
        "edit_draft": f"/referrals/{referral.pk}/edit/",
        "delete_draft": f"/referrals/{referral.pk}/delete/",
        "resend": f"/referrals/{referral.pk}/resend/",
        "accept": f"/referrals/{referral.pk}/triage/",
        "book": f"/clinics/book/referral/{referral.pk}/",
        "draft_report": f"/referrals/{referral.pk}/report/",
        "close": f"/referrals/{referral.pk}/close/",
        "consent": f"/referrals/{referral.pk}/consent/",
        "answer_adjustments": f"/referrals/{referral.pk}/adjustments/",
        "withdraw": f"/referrals/{referral.pk}/withdraw/",
        "note": f"/referrals/{referral.pk}/notes/",
        "measures": f"/referrals/{referral.pk}/measures/",
        "own_score": f"/referrals/{referral.pk}/work-ability/",
        "attendance": "/attendance/",
        "message": f"/referrals/{referral.pk}/messages/",
        "addendum": "/addendum/",
    }
    for who, user in _people(case).items():
        client = signed_in_client(user)
        page = client.get(f"/referrals/{referral.pk}/")
        if page.status_code == 404:  # not visible to this person: nothing to offer, nothing accepted
            assert not actions.allowed_actions(user, referral), f"{state}, {who}"
            continue
        allowed = actions.allowed_actions(user, referral)
        html = page.content.decode()
        for action, href in links.items():
            shown = f'href="{href}' in html or f'action="{href}' in html or (action == "attendance" and href in html)
            if action == "note":  # the form itself, not an addendum's link (which starts with the same address)
                shown = f'action="{href}"' in html
            if action == "addendum":
                shown = href in html
            # Triage also returns a case; while it cannot be accepted, returning gets the link of its own.
            expected = action in allowed or (action == "accept" and "return" in allowed)
            assert shown == expected, f"{state}, {who}: {action} shown={shown} allowed={sorted(allowed)}"
        api = client.get(f"/api/v1/referrals/{referral.pk}/")
        assert api.status_code == 200
        assert set(api.json()["allowed_actions"]) == allowed, f"{state}, {who}"
        assert [link.name for link in presenters.case_actions(user, referral).links] == [
            name for name in presenters.PAGE_ORDER if name in allowed and not (name == "return" and "accept" in allowed)
        ]


def _api_posts(referral, case):
    """The API's action endpoints, with good input: action -> (method, path, body)."""
    base = f"/api/v1/referrals/{referral.pk}"
    booked = Appointment.objects.filter(referral=referral, status=AppointmentStatus.BOOKED).first()
    note = ClinicalNote.objects.filter(referral=referral, addendum_to=None).first()
    report_body = {
        "fitness": "fit",
        "answers": dict.fromkeys(referral.question_texts, "Yes"),
        "equality_act": "unlikely",
    }
    start = (timezone.now() + timedelta(days=2)).isoformat()
    return {
        "submit": ("post", f"{base}/submit/", {}),
        "edit_draft": ("put", f"{base}/draft/", {"work_details": "Porter, nights"}),
        "delete_draft": ("delete", f"{base}/draft/", {}),
        "resend": ("post", f"{base}/resend/", {"reply": "Risk assessment attached"}),
        "accept": ("post", f"{base}/triage/", {"priority": "routine", "practitioner_type": "oh_nurse"}),
        "return": ("post", f"{base}/return/", {"reason": "Say more"}),
        "withdraw": ("post", f"{base}/withdraw/", {"reason": "No longer needed"}),
        "close": ("post", f"{base}/close/", {"outcome": "returned_full"}),
        "book": (
            "post",
            f"{base}/appointments/",
            {"clinician": case.clinician.pk, "start": start, "length_minutes": 30, "modality": "telephone"},
        ),
        "note": ("post", f"{base}/notes/", {"text": "Seen today"}),
        "draft_report": ("put", f"{base}/report/", report_body),
        "send_for_consent": ("post", f"{base}/report/send-for-consent/", {}),
        "consent": ("post", f"{base}/report/consent/", {"choice": "release_now"}),
        "release": ("post", f"{base}/report/release/", {}),
        "attendance": booked and ("post", f"/api/v1/appointments/{booked.pk}/attendance/", {"attended": True}),
        "message": ("post", f"{base}/messages/", {"text": "Can we call on Tuesday?"}),
        "addendum": note and ("post", f"{base}/notes/", {"text": "Correction", "addendum_to": note.pk}),
    }


@pytest.mark.parametrize("state", list(STATES))
def test_api_action_endpoints_accept_exactly_the_allowed_actions(case, state):
    """A hand-made request for an action not listed is refused (403, 404 or 409); a listed one goes through."""
    STATES[state](case)
    for who, user in _people(case).items():
        client = signed_in_client(user)
        referral = Referral.objects.get(pk=case.referral.pk)
        allowed = actions.allowed_actions(user, referral)
        for action, request in _api_posts(referral, case).items():
            if not request:
                assert action not in allowed, f"{state}, {who}: {action} offered with nothing to act on"
                continue
            method, path, body = request
            response = rolled_back(getattr(client, method), path, body, content_type="application/json")
            assert response.status_code in (200, 201, 204, 403, 404, 409), (state, who, action, response.content)
            accepted = response.status_code < 300
            assert accepted == (action in allowed), f"{state}, {who}: {action} -> {response.status_code}"


class TestRefusedFormActionSaysWhy:
    """A refused action asked for through a form: the page shows the reason on the form, the API answers 409."""

    REASON = "This case is 'Withdrawn', so it cannot be withdrawn now."

    def test_page_shows_the_reason_on_the_form(self, case):
        STATES["withdrawn"](case)
        response = signed_in_client(case.manager).post(f"/referrals/{case.referral.pk}/withdraw/", {"reason": "Again"})
        assert response.status_code == 200
        assert self.REASON.replace("'", "&#x27;") in response.content.decode()

    def test_api_answers_409_with_the_reason(self, case):
        STATES["withdrawn"](case)
        response = signed_in_client(case.manager).post(
            f"/api/v1/referrals/{case.referral.pk}/withdraw/", {"reason": "Again"}, content_type="application/json"
        )
        assert response.status_code == 409
        assert response.json() == {"detail": self.REASON}
