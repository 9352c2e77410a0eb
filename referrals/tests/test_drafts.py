"""Drafts keep what the manager typed and are checked when sent; a returned referral is changed, answered and
sent again (PRODUCT.md section 3, "Drafts and returns"). Pages and API, through the same services."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from conftest import signed_in_client
from notifications.models import OutboxMessage
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member
from referrals import actions, services
from referrals.models import Attachment, CaseReturn, Referral, Status
from referrals.tests.test_actions import STATES, _second_dna
from referrals.tests.test_pages import PDF, referral_form

pytestmark = pytest.mark.django_db


def _partial_draft(client, employee, **typed):
    return client.post("/referrals/new/", {"employee": employee.pk, "save_draft": "", **typed})


class TestSavingADraft:
    def test_only_the_employee_is_needed_and_what_was_typed_is_kept(self, world):
        manager = member(Role.MANAGER, world.trust_a)
        employee = EmployeeFactory(organisation=world.trust_a, first_name="Ada", last_name="Okafor")
        response = _partial_draft(signed_in_client(manager), employee, work_details="Night porter, lifting")
        draft = Referral.objects.get()
        assert response.status_code == 302 and response["Location"] == "/referrals/mine/"
        assert draft.status == Status.DRAFT and draft.work_details == "Night porter, lifting"
        assert draft.reason_category == "" and draft.absent_at_referral is None and not draft.employee_agreed
        assert not OutboxMessage.objects.exists(), "nobody is told of a draft"
        listing = signed_in_client(manager).get("/referrals/mine/").content.decode()
        assert 'id="drafts"' in listing and f'href="/referrals/{draft.pk}/edit/"' in listing
        assert "Ada Okafor" in listing

    def test_a_draft_without_an_employee_is_refused_in_the_users_words(self, world):
        manager = member(Role.MANAGER, world.trust_a)
        response = signed_in_client(manager).post("/referrals/new/", {"save_draft": "", "work_details": "Porter"})
        html = response.content.decode()
        assert response.status_code == 200 and "Choose the employee you are referring" in html
        assert "Porter" in html and not Referral.objects.exists()

    def test_sending_runs_every_check(self, world):
        manager = member(Role.MANAGER, world.trust_a)
        employee = EmployeeFactory(organisation=world.trust_a)
        response = signed_in_client(manager).post(
            "/referrals/new/", {"employee": employee.pk, "submit_referral": "", "work_details": "Porter"}
        )
        html = response.content.decode()
        for message in (
            "Choose the main reason for the referral",
            "Say whether the employee is at work or absent",
            "Choose at least one question, or write your own",
            "Confirm that you discussed the referral with the employee and they agreed to it",
        ):
            assert message in html
        assert "This field is required" not in html and not Referral.objects.exists()

    def test_nobody_else_sees_a_draft(self, world):
        manager = member(Role.MANAGER, world.trust_a)
        employee_user = member(Role.EMPLOYEE, world.trust_a)
        employee = EmployeeFactory(organisation=world.trust_a, user=employee_user)
        _partial_draft(signed_in_client(manager), employee)
        draft = Referral.objects.get()
        others = [
            member(Role.MANAGER, world.trust_a),
            employee_user,
            member(Role.OH_ADMIN, world.oh_service),
            member(Role.CLINICIAN, world.oh_service),
            member(Role.IG_LEAD, world.trust_a),
        ]
        for user in others:
            client = signed_in_client(user)
            assert client.get(f"/referrals/{draft.pk}/").status_code == 404, user
            assert client.get(f"/api/v1/referrals/{draft.pk}/").status_code == 404, user
            assert draft.pk not in [r["id"] for r in client.get("/api/v1/referrals/").json()["results"]]
            assert client.get(f"/referrals/{draft.pk}/edit/").status_code in (403, 404)
            assert client.post(f"/referrals/{draft.pk}/delete/").status_code in (403, 404)
        assert Referral.objects.filter(pk=draft.pk, status=Status.DRAFT).exists()


class TestContinuingADraft:
    def _draft(self, world):
        manager = member(Role.MANAGER, world.trust_a)
        member(Role.OH_ADMIN, world.oh_service)
        employee = EmployeeFactory(organisation=world.trust_a)
        _partial_draft(signed_in_client(manager), employee, work_details="Ward clerk", other_questions="Hours?")
        return manager, employee, Referral.objects.get()

    def test_the_form_comes_back_as_it_was_saved(self, world):
        manager, _, draft = self._draft(world)
        html = signed_in_client(manager).get(f"/referrals/{draft.pk}/edit/").content.decode()
        assert "Continue your draft referral" in html and "Ward clerk" in html and "Hours?" in html
        assert 'value="at_work" checked' not in html, "an unanswered question stays unanswered"

    def test_saved_again_then_sent(self, world):
        manager, employee, draft = self._draft(world)
        client = signed_in_client(manager)
        client.post(f"/referrals/{draft.pk}/edit/", {"employee": employee.pk, "save_draft": "", "absent": "at_work"})
        draft.refresh_from_db()
        assert draft.status == Status.DRAFT and draft.absent_at_referral is False and draft.work_details == ""
        incomplete = client.post(f"/referrals/{draft.pk}/edit/", {"employee": employee.pk, "send": ""})
        assert "Choose the main reason for the referral" in incomplete.content.decode()
        assert Referral.objects.get(pk=draft.pk).status == Status.DRAFT
        upload = SimpleUploadedFile("risk.pdf", PDF, content_type="application/pdf")
        data = referral_form(employee, send="", attachments=upload)
        del data["submit_referral"]
        response = client.post(f"/referrals/{draft.pk}/edit/", data)
        draft.refresh_from_db()
        assert response.status_code == 302 and draft.status == Status.SUBMITTED
        assert draft.attachments.count() == 1
        assert OutboxMessage.objects.filter(template="referrals_new_for_triage").exists()

    def test_sending_an_incomplete_draft_from_its_page_or_the_api_is_refused(self, world):
        manager, _, draft = self._draft(world)
        client = signed_in_client(manager)
        page = client.post(f"/referrals/{draft.pk}/submit/", follow=True).content.decode()
        assert "Choose the main reason for the referral." in page
        api = client.post(f"/api/v1/referrals/{draft.pk}/submit/")
        assert api.status_code == 409 and "Choose the main reason for the referral." in api.json()["detail"]
        assert Referral.objects.get(pk=draft.pk).status == Status.DRAFT

    def test_its_manager_deletes_it_with_its_documents(self, world, settings, tmp_path):
        settings.MEDIA_ROOT = str(tmp_path)
        manager, employee, draft = self._draft(world)
        client = signed_in_client(manager)
        upload = SimpleUploadedFile("risk.pdf", PDF, content_type="application/pdf")
        client.post(f"/referrals/{draft.pk}/edit/", {"employee": employee.pk, "save_draft": "", "attachments": upload})
        stored = Attachment.objects.get().file.path
        assert "Delete this draft?" in client.get(f"/referrals/{draft.pk}/delete/").content.decode()
        with self._on_commit():
            response = client.post(f"/referrals/{draft.pk}/delete/")
        assert response.status_code == 302 and not Referral.objects.exists() and not Attachment.objects.exists()
        assert not os.path.exists(stored)

    @staticmethod
    def _on_commit():
        return TestCase.captureOnCommitCallbacks(execute=True)


def _returned(case):
    services.return_to_manager(referral=case.referral, by=case.oh_admin, reason="Attach the risk assessment.")
    return case


class TestSendingAReturnedReferralAgain:
    def test_manager_changes_replies_adds_a_document_and_oh_sees_the_reply(self, case, settings, tmp_path):
        settings.MEDIA_ROOT = str(tmp_path)
        _returned(case)
        client = signed_in_client(case.manager)
        page = client.get(f"/referrals/{case.referral.pk}/").content.decode()
        assert f'href="/referrals/{case.referral.pk}/resend/"' in page
        form = client.get(f"/referrals/{case.referral.pk}/resend/").content.decode()
        assert "Attach the risk assessment." in form and "Ward nurse" in form
        data = referral_form(case.employee, work_details="Ward nurse, nights", resend="")
        del data["submit_referral"]
        refused = client.post(f"/referrals/{case.referral.pk}/resend/", data).content.decode()
        assert "Reply to occupational health&#x27;s question before sending the referral again" in refused
        assert case.reload().status == Status.RETURNED_TO_MANAGER
        upload = SimpleUploadedFile("risk.pdf", PDF, content_type="application/pdf")
        response = client.post(
            f"/referrals/{case.referral.pk}/resend/",
            {**data, "reply": "Risk assessment attached.", "attachments": upload},
        )
        referral = case.reload()
        assert response.status_code == 302 and referral.status == Status.SUBMITTED
        assert referral.work_details == "Ward nurse, nights" and referral.attachments.count() == 1
        returned = CaseReturn.objects.get()
        assert returned.reason == "Attach the risk assessment." and returned.reply == "Risk assessment attached."
        assert returned.replied_by == case.manager
        oh_page = signed_in_client(case.oh_admin).get(f"/referrals/{referral.pk}/").content.decode()
        assert "Returns and replies" in oh_page and "Risk assessment attached." in oh_page
        api = signed_in_client(case.oh_admin).get(f"/api/v1/referrals/{referral.pk}/").json()
        assert [(r["reason"], r["reply"]) for r in api["returns"]] == [
            ("Attach the risk assessment.", "Risk assessment attached.")
        ]
        employee_page = signed_in_client(case.employee_user).get(f"/referrals/{referral.pk}/").content.decode()
        assert "Risk assessment attached." not in employee_page, "the manager's reply is not the employee's to read"

    def test_after_two_missed_appointments_it_is_sent_again_with_a_reply(self, case):
        _second_dna(case)
        client = signed_in_client(case.manager)
        assert client.post(f"/referrals/{case.referral.pk}/submit/").status_code == 302
        assert case.reload().status == Status.RETURNED_TO_MANAGER, "a plain send skips the reply"
        response = client.post(
            f"/api/v1/referrals/{case.referral.pk}/resend/",
            {"reply": "They were on leave; now back.", "work_details": "Ward nurse, days"},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        referral = case.reload()
        assert referral.status == Status.SUBMITTED and referral.dna_count == 0
        assert referral.work_details == "Ward nurse, days"
        assert CaseReturn.objects.get().after_dnas

    def test_api_without_a_reply_is_refused_in_the_pages_words(self, case):
        _returned(case)
        response = signed_in_client(case.manager).post(
            f"/api/v1/referrals/{case.referral.pk}/resend/", {"reply": ""}, content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json() == {
            "reply": ["Reply to occupational health's question before sending the referral again."]
        }

    def test_each_return_and_reply_stays(self, case):
        _returned(case)
        services.resend_referral(referral=case.referral, by=case.manager, reply="First reply")
        services.return_to_manager(referral=case.reload(), by=case.oh_admin, reason="And the job description")
        services.resend_referral(referral=case.reload(), by=case.manager, reply="Second reply")
        assert list(CaseReturn.objects.values_list("reason", "reply")) == [
            ("Attach the risk assessment.", "First reply"),
            ("And the job description", "Second reply"),
        ]


class TestApiDrafts:
    def test_a_partial_draft_is_saved_changed_sent_and_the_checks_are_the_pages(self, world):
        manager = member(Role.MANAGER, world.trust_a)
        employee = EmployeeFactory(organisation=world.trust_a)
        client = signed_in_client(manager)
        created = client.post(
            "/api/v1/referrals/", {"employee": employee.pk, "submit": False}, content_type="application/json"
        )
        assert created.status_code == 201 and created.json()["status"] == "draft"
        pk = created.json()["id"]
        assert set(created.json()["allowed_actions"]) == {"submit", "edit_draft", "delete_draft"}
        refused = client.post(
            "/api/v1/referrals/", {"employee": employee.pk, "work_details": "x"}, content_type="application/json"
        )
        assert refused.status_code == 400
        assert refused.json()["reason_category"] == ["Choose the main reason for the referral"]
        assert refused.json()["absent_at_referral"] == ["Say whether the employee is at work or absent"]
        changed = client.put(
            f"/api/v1/referrals/{pk}/draft/",
            {
                "reason_category": "other",
                "absent_at_referral": False,
                "manager_questions": ["fit_for_role"],
                "work_details": "Porter",
                "employee_agreed": True,
            },
            content_type="application/json",
        )
        assert changed.status_code == 200 and changed.json()["status"] == "draft"
        assert client.post(f"/api/v1/referrals/{pk}/submit/").json()["status"] == "submitted"
        assert client.delete(f"/api/v1/referrals/{pk}/draft/").status_code == 409
        assert Referral.objects.filter(pk=pk).exists()

    def test_delete(self, world):
        manager = member(Role.MANAGER, world.trust_a)
        employee = EmployeeFactory(organisation=world.trust_a)
        client = signed_in_client(manager)
        pk = client.post(
            "/api/v1/referrals/", {"employee": employee.pk, "submit": False}, content_type="application/json"
        ).json()["id"]
        assert (
            signed_in_client(member(Role.MANAGER, world.trust_a)).delete(f"/api/v1/referrals/{pk}/draft/").status_code
            == 404
        )
        assert client.delete(f"/api/v1/referrals/{pk}/draft/").status_code == 204
        assert not Referral.objects.filter(pk=pk).exists()


PAGES = {"edit_draft": "edit", "delete_draft": "delete", "resend": "resend"}


@pytest.mark.parametrize("state", list(STATES))
def test_the_draft_and_resend_pages_refuse_in_every_other_state(case, state):
    """The referring manager asks for each page, and posts to it, in each state: it opens only when the one rule
    offers its action; otherwise the case page says why and nothing changes."""
    STATES[state](case)
    referral = Referral.objects.get(pk=case.referral.pk)
    allowed = actions.allowed_actions(case.manager, referral)
    client = signed_in_client(case.manager)
    for action, page in PAGES.items():
        url = f"/referrals/{referral.pk}/{page}/"
        got = client.get(url)
        if action in allowed:
            assert got.status_code == 200, (state, action)
            continue
        assert got.status_code == 302 and got["Location"] == f"/referrals/{referral.pk}/", (state, action)
        before = Referral.objects.get(pk=referral.pk)
        posted = client.post(url, {**referral_form(case.employee), "reply": "Done", "send": ""})
        assert posted.status_code == 302, (state, action)
        after = Referral.objects.get(pk=referral.pk)
        assert (after.status, after.work_details) == (before.status, before.work_details), (state, action)
