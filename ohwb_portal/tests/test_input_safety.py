"""Stored XSS, mass assignment and upload names: what users type is shown back as text, extra API fields are
ignored, and an uploaded file's name cannot choose where it is stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import signed_in_client
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member
from referrals import services
from referrals.models import Attachment, Referral

pytestmark = pytest.mark.django_db
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_free_text_is_escaped_on_every_page_that_shows_it(case):
    referral = case.referral
    Referral.objects.filter(pk=referral.pk).update(work_details=XSS, other_questions=XSS)
    case.accept().book().attend()
    services.add_clinical_note(referral=case.referral, author=case.clinician, text=XSS)
    report = services.save_report_draft(
        referral=case.referral,
        author=case.clinician,
        fitness="fit",
        adjustments=[XSS],
        answers=dict.fromkeys((case.referral.refresh_from_db() or case.referral).question_texts, XSS),
        equality_act="unclear",
        follow_up_plan=XSS,
    )
    services.send_for_consent(report=report, by=case.clinician)
    services.record_consent(report=report, by=case.employee_user, choice="release_now")
    pages = [
        (case.clinician, f"/referrals/{referral.pk}/"),
        (case.manager, f"/referrals/{referral.pk}/"),
        (case.manager, f"/referrals/{referral.pk}/adjustments/"),
        (case.employee_user, f"/referrals/{referral.pk}/"),
        (case.oh_admin, f"/referrals/{referral.pk}/"),
    ]
    for user, url in pages:
        html = signed_in_client(user).get(url).content.decode()
        assert "<script>alert" not in html and "onerror=alert" not in html.replace("onerror=alert(1)&gt;", ""), url
        if user != case.oh_admin:
            assert "&lt;script&gt;" in html, url


def test_staff_names_and_supplier_text_are_escaped(world):
    EmployeeFactory(organisation=world.trust_a, last_name=XSS)
    html = signed_in_client(member(Role.MANAGER, world.trust_a)).get("/organisations/staff/").content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_api_ignores_fields_a_client_may_not_set(world):
    manager = member(Role.MANAGER, world.trust_a)
    employee = EmployeeFactory(organisation=world.trust_a)
    response = signed_in_client(manager).post(
        "/api/v1/referrals/",
        {
            "employee": employee.pk,
            "reason_category": "other",
            "absent_at_referral": False,
            "manager_questions": ["fit_for_role"],  # sending needs a question, as on the page
            "work_details": "x",
            "employee_agreed": True,
            "status": "closed",
            "oh_service": world.other_oh_service.pk,
            "priority": "urgent",
            "referred_by": member(Role.MANAGER, world.trust_a).pk,
            "closure_outcome": "redeployed",
            "dna_count": 9,
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    referral = Referral.objects.get()
    assert (
        referral.status,
        referral.oh_service,
        referral.priority,
        referral.referred_by,
        referral.closure_outcome,
        referral.dna_count,
    ) == ("submitted", world.oh_service, "", manager, "", 0)


def test_assessment_api_ignores_outcome_fields(world):
    recruiter = member(Role.RECRUITER, world.trust_a)
    response = signed_in_client(recruiter).post(
        "/api/v1/assessments/",
        {
            "candidate_name": "A",
            "candidate_email": "a@example.com",
            "job_role": "Porter",
            "exposure_prone": False,
            "outcome": "fit",
            "status": "cleared",
            "oh_service": world.other_oh_service.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    payload = response.json()
    assert (payload["status"], payload["outcome"]) == ("awaiting_questionnaire", "")


def test_upload_name_cannot_choose_the_path_and_size_is_limited(world):
    manager = member(Role.MANAGER, world.trust_a)
    member(Role.OH_ADMIN, world.oh_service)
    employee = EmployeeFactory(organisation=world.trust_a)
    form = {
        "employee": employee.pk,
        "reason_category": "other",
        "absent": "at_work",
        "manager_questions": ["adjustments"],
        "work_details": "x",
        "employee_agreed": "on",
        "submit_referral": "",
    }
    evil = SimpleUploadedFile("../../etc/passwd.pdf", b"%PDF-1.4\n%%EOF", content_type="application/pdf")
    assert signed_in_client(manager).post("/referrals/new/", {**form, "attachments": evil}).status_code == 302
    stored = Attachment.objects.get().file.name
    assert stored.startswith("referrals/") and ".." not in stored
    too_big = SimpleUploadedFile(
        "big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 1), content_type="application/pdf"
    )
    response = signed_in_client(manager).post("/referrals/new/", {**form, "attachments": too_big})
    assert b"larger than 10 MB" in response.content and Referral.objects.count() == 1
