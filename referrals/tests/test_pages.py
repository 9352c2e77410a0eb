"""Pages for each role: what they show, what they refuse, and the access log."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AccessLogEntry
from conftest import signed_in_client
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member
from referrals.models import Appointment, Attachment, CaseEvent, ClinicalNote, Modality, Referral, Status
from referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def referral_form(employee, **overrides):
    data = {
        "employee": employee.pk,
        "reason_category": "mental_health",
        "absent": "absent",
        "absent_since_0": "1",
        "absent_since_1": "11",
        "absent_since_2": "2026",
        "manager_questions": ["fit_for_role"],
        "work_details": "Ward clerk",
        "employee_agreed": "on",
        "submit_referral": "",
    }
    data.update(overrides)
    return data


class TestReferralForm:
    def test_manager_refers_with_an_attachment(self, world):
        manager = member(Role.MANAGER, world.trust_a)
        member(Role.OH_ADMIN, world.oh_service)
        employee = EmployeeFactory(organisation=world.trust_a)
        upload = SimpleUploadedFile("risk.pdf", PDF, content_type="application/pdf")
        response = signed_in_client(manager).post("/referrals/new/", referral_form(employee, attachments=upload))
        referral = Referral.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/referrals/{referral.pk}/"
        assert referral.status == Status.SUBMITTED and referral.absent_at_referral
        document = Attachment.objects.get()
        assert document.content_type == "application/pdf"
        download = signed_in_client(manager).get(f"/referrals/{referral.pk}/documents/{document.pk}/")
        assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
        other_manager = member(Role.MANAGER, world.trust_b)
        assert (
            signed_in_client(other_manager).get(f"/referrals/{referral.pk}/documents/{document.pk}/").status_code == 404
        )
        employee_user = member(Role.EMPLOYEE, world.trust_a)
        assert (
            signed_in_client(employee_user).get(f"/referrals/{referral.pk}/documents/{document.pk}/").status_code == 403
        )

    def test_errors_keep_what_was_typed_and_nothing_is_saved(self, world):
        manager = member(Role.MANAGER, world.trust_a)
        employee = EmployeeFactory(organisation=world.trust_a)
        data = referral_form(employee, employee_agreed="", work_details="Night porter", absent_since_0="")
        response = signed_in_client(manager).post("/referrals/new/", data)
        html = response.content.decode()
        assert response.status_code == 200 and "<title>Error: " in html
        assert "Confirm that you discussed the referral with the employee" in html
        assert "Absent since must include a day" in html
        assert "Night porter" in html
        assert not Referral.objects.exists()

    def test_file_type_is_checked_by_content_not_name(self, world):
        manager = member(Role.MANAGER, world.trust_a)
        employee = EmployeeFactory(organisation=world.trust_a)
        fake = SimpleUploadedFile("risk.pdf", b"MZ\x90\x00 this is a program", content_type="application/pdf")
        response = signed_in_client(manager).post("/referrals/new/", referral_form(employee, attachments=fake))
        assert b"must be a PDF, Word document (DOCX), PNG or JPEG" in response.content
        assert not Referral.objects.exists()

    def test_cannot_pick_another_organisations_employee(self, world):
        manager = member(Role.MANAGER, world.trust_a)
        stranger = EmployeeFactory(organisation=world.trust_b)
        response = signed_in_client(manager).post("/referrals/new/", referral_form(stranger))
        assert b"Choose an employee from the list" in response.content
        assert not Referral.objects.exists()

    @pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.CLINICIAN, Role.BOARD, Role.PROCUREMENT, Role.SUPPLIER])
    def test_other_roles_cannot_open_the_form(self, client_for, role):
        assert client_for(role).get("/referrals/new/").status_code == 403


class TestCaseVisibility:
    def test_manager_sees_status_but_not_clinical_part(self, case):
        case.accept()
        case.referral.notes.create(author=case.clinician, text="Private clinical detail")
        page = signed_in_client(case.manager).get(f"/referrals/{case.referral.pk}/")
        assert page.status_code == 200
        assert b"Private clinical detail" not in page.content and b"Clinical record" not in page.content
        assert not AccessLogEntry.objects.exists()

    def test_clinician_view_writes_access_log(self, case):
        case.accept()
        case.referral.notes.create(author=case.clinician, text="Private clinical detail")
        page = signed_in_client(case.clinician).get(f"/referrals/{case.referral.pk}/")
        assert b"Private clinical detail" in page.content
        entry = AccessLogEntry.objects.get()
        assert (entry.user, entry.kind, entry.employee) == (case.clinician, "clinical_record", case.employee)

    def test_oh_admin_never_sees_notes(self, case):
        case.accept()
        case.referral.notes.create(author=case.clinician, text="Private clinical detail")
        client = signed_in_client(case.oh_admin)
        assert b"Private clinical detail" not in client.get(f"/referrals/{case.referral.pk}/").content
        assert client.post(f"/referrals/{case.referral.pk}/notes/", {"text": "x"}).status_code == 403

    def test_manager_does_not_see_report_until_released(self, case):
        case.accept().book().attend().report()
        client = signed_in_client(case.manager)
        assert b"Outcome report" not in client.get(f"/referrals/{case.referral.pk}/").content
        assert client.get(f"/referrals/{case.referral.pk}/adjustments/").status_code == 404
        case.release()
        page = client.get(f"/referrals/{case.referral.pk}/")
        assert b"Outcome report" in page.content and b"Reduced hours for 4 weeks" in page.content
        assert AccessLogEntry.objects.filter(user=case.manager, kind="outcome_report").count() == 1

    def test_withheld_report_shows_only_the_fact(self, case):
        from referrals import services

        case.accept().book().attend().report()
        services.record_consent(report=case.report_obj, by=case.employee_user, choice="withhold")
        page = signed_in_client(case.manager).get(f"/referrals/{case.referral.pk}/").content
        assert b"Consent withheld" in page and b"Reduced hours" not in page

    def test_other_organisations_manager_gets_404(self, case):
        other = member(Role.MANAGER, case.world.trust_b)
        assert signed_in_client(other).get(f"/referrals/{case.referral.pk}/").status_code == 404

    def test_another_manager_of_the_same_trust_gets_404(self, case):
        colleague = member(Role.MANAGER, case.world.trust_a)
        assert signed_in_client(colleague).get(f"/referrals/{case.referral.pk}/").status_code == 404

    def test_other_oh_services_clinician_gets_404(self, case):
        stranger = member(Role.CLINICIAN, case.world.other_oh_service)
        assert signed_in_client(stranger).get(f"/referrals/{case.referral.pk}/").status_code == 404

    @pytest.mark.parametrize("role", [Role.BOARD, Role.PROCUREMENT, Role.RECRUITER, Role.IG_LEAD])
    def test_roles_without_case_access_get_404(self, case, role):
        assert (
            signed_in_client(member(role, case.world.trust_a)).get(f"/referrals/{case.referral.pk}/").status_code == 404
        )

    def test_supplier_gets_404(self, case):
        assert (
            signed_in_client(member(Role.SUPPLIER, case.world.supplier))
            .get(f"/referrals/{case.referral.pk}/")
            .status_code
            == 404
        )


class TestJourneyThroughPages:
    def test_triage_book_attend_report_consent(self, case):
        pk = case.referral.pk
        admin = signed_in_client(case.oh_admin)
        assert b"Trust A" in admin.get("/referrals/triage/").content
        response = admin.post(
            f"/referrals/{pk}/triage/",
            {"decision": "accept", "priority": "urgent", "practitioner_type": "oh_physician"},
        )
        assert response.status_code == 302
        from datetime import timedelta

        from django.utils import timezone

        from ohwb_portal.working_days import add_working_days

        day = add_working_days(timezone.localdate(), 5)  # a weekend day would be a warning first
        response = admin.post(
            f"/referrals/{pk}/book/",
            {
                "clinician": case.clinician.pk,
                "date_0": day.day,
                "date_1": day.month,
                "date_2": day.year,
                "time": "10:30",
                "length_minutes": "45",
                "modality": "video",
                "location": "Teams link",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        appointment = case.referral.appointments.get()
        Appointment.objects.filter(pk=appointment.pk).update(start=timezone.now() - timedelta(minutes=1))  # it starts
        admin.post(f"/referrals/{pk}/appointments/{appointment.pk}/attendance/", {"attended": "yes"})
        clinician = signed_in_client(case.clinician)
        clinician.post(f"/referrals/{pk}/measures/", {"work_ability": "5"})
        report_data = {
            "fitness": "fit",
            "adjustments": "Flexible start times",
            "equality_act": "unclear",
            "answer_0": "Yes, fit",
            "answer_1": "Flexible start times",
            "send_for_consent": "",
        }
        response = clinician.post(f"/referrals/{pk}/report/", report_data)
        assert response.status_code == 302, response.content.decode()[:3000]
        employee = signed_in_client(case.employee_user)
        assert b"Decide about your report" in employee.get(f"/referrals/{pk}/").content
        page = employee.get(f"/referrals/{pk}/consent/")
        assert b"Flexible start times" in page.content and b"Show me the report first" not in page.content
        employee.post(f"/referrals/{pk}/consent/", {"choice": "release_now"})
        assert Referral.objects.get(pk=pk).status == Status.RELEASED
        manager = signed_in_client(case.manager)
        page = manager.get(f"/referrals/{pk}/adjustments/")
        assert b"Flexible start times" in page.content and b"Guidance" in page.content


class TestListsHaveFixedQueryCounts:
    def count(self, client, url):
        client.get(url)  # a first page fills the cache (session, authenticator, unread count): count the next
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def test_lists(self, world):
        manager = member(Role.MANAGER, world.trust_a)
        clinician = member(Role.CLINICIAN, world.oh_service)
        admin = member(Role.OH_ADMIN, world.oh_service)

        def make(n):
            for _ in range(n):
                ReferralFactory(
                    employee=EmployeeFactory(organisation=world.trust_a),
                    referred_by=manager,
                    oh_service=world.oh_service,
                    status=Status.SUBMITTED,
                )

        clients = {
            "/referrals/mine/": signed_in_client(manager),
            "/referrals/caseload/": signed_in_client(clinician),
            "/referrals/triage/": signed_in_client(admin),
        }
        make(2)
        few = {url: self.count(c, url) for url, c in clients.items()}
        make(18)
        many = {url: self.count(c, url) for url, c in clients.items()}
        assert few == many

    def test_case_record_is_a_fixed_number_of_queries_however_long_its_history(self, world):
        """A case can gather dozens of events, appointments, notes and files; the page must not query per row."""
        clinician = member(Role.CLINICIAN, world.oh_service)
        manager = member(Role.MANAGER, world.trust_a)
        referral = ReferralFactory(
            employee=EmployeeFactory(organisation=world.trust_a),
            referred_by=manager,
            oh_service=world.oh_service,
            status=Status.APPOINTMENT_BOOKED,
        )

        def grow(n):
            for i in range(n):
                author = member(Role.CLINICIAN, world.oh_service)  # a different person each time
                CaseEvent.objects.create(
                    referral=referral, by=author, from_status=Status.TRIAGED, to_status=Status.APPOINTMENT_BOOKED
                )
                Appointment.objects.create(
                    referral=referral,
                    clinician=author,
                    booked_by=author,
                    modality=Modality.VIDEO,
                    start=timezone.now() + timedelta(days=i + 1),
                )
                ClinicalNote.objects.create(referral=referral, author=author, text=f"Note {i}")
                Attachment.objects.create(
                    referral=referral,
                    file=f"referrals/x{i}.pdf",
                    original_name=f"letter {i}.pdf",
                    content_type="application/pdf",
                    size=100,
                    uploaded_by=author,
                )

        clients = {role: signed_in_client(user) for role, user in (("clinician", clinician), ("manager", manager))}
        url = f"/referrals/{referral.pk}/"
        grow(1)
        for client in clients.values():  # a first visit also records where the reader's messages were read up to
            self.count(client, url)
        few = {role: self.count(client, url) for role, client in clients.items()}
        grow(15)
        many = {role: self.count(client, url) for role, client in clients.items()}
        assert few == many


class TestAttachmentLimits:
    """A referral takes a capped number of documents and a capped total size (page and API)."""

    def _pdfs(self, count, size=0):
        body = PDF + b" " * max(0, size - len(PDF))
        return [SimpleUploadedFile(f"doc{n}.pdf", body, content_type="application/pdf") for n in range(count)]

    def test_defaults(self, settings):
        assert settings.OHWB_ATTACHMENTS_MAX_COUNT == 10
        assert settings.OHWB_ATTACHMENTS_MAX_TOTAL_MB == 25

    def test_page_refuses_more_documents_than_the_cap_and_saves_nothing(self, world):
        manager = member(Role.MANAGER, world.trust_a)
        employee = EmployeeFactory(organisation=world.trust_a)
        data = referral_form(employee, attachments=self._pdfs(11), work_details="Theatre porter")
        response = signed_in_client(manager).post("/referrals/new/", data)
        html = response.content.decode()
        assert response.status_code == 200
        assert "You can attach up to 10 documents to a referral" in html and "Theatre porter" in html
        assert not Referral.objects.exists() and not Attachment.objects.exists()

    def test_page_refuses_documents_over_the_total_size(self, world, settings):
        settings.OHWB_ATTACHMENTS_MAX_TOTAL_MB = 1
        manager = member(Role.MANAGER, world.trust_a)
        employee = EmployeeFactory(organisation=world.trust_a)
        data = referral_form(employee, attachments=self._pdfs(3, size=400 * 1024))
        response = signed_in_client(manager).post("/referrals/new/", data)
        assert "The documents on a referral can add up to 1 MB" in response.content.decode()
        assert not Referral.objects.exists() and not Attachment.objects.exists()

    def test_api_counts_the_documents_already_on_the_referral(self, world, settings):
        settings.OHWB_ATTACHMENTS_MAX_COUNT = 3
        manager = member(Role.MANAGER, world.trust_a)
        referral = ReferralFactory(employee=EmployeeFactory(organisation=world.trust_a), referred_by=manager)
        client = signed_in_client(manager)
        url = f"/api/v1/referrals/{referral.pk}/attachments/"
        first = client.post(url, {"files": self._pdfs(2)})
        assert first.status_code == 201, first.content
        assert [a["original_name"] for a in first.json()] == ["doc0.pdf", "doc1.pdf"]
        refused = client.post(url, {"files": self._pdfs(2)})
        assert refused.status_code == 400
        assert "You can attach up to 3 documents to a referral" in refused.json()["files"][0]
        assert Attachment.objects.filter(referral=referral).count() == 2

    def test_api_checks_type_by_content_and_who_may_add(self, world):
        manager = member(Role.MANAGER, world.trust_a)
        referral = ReferralFactory(employee=EmployeeFactory(organisation=world.trust_a), referred_by=manager)
        url = f"/api/v1/referrals/{referral.pk}/attachments/"
        fake = SimpleUploadedFile("risk.pdf", b"MZ\x90\x00 program", content_type="application/pdf")
        assert signed_in_client(manager).post(url, {"files": [fake]}).status_code == 400
        colleague = member(Role.MANAGER, world.trust_a)
        assert signed_in_client(colleague).post(url, {"files": self._pdfs(1)}).status_code == 404
        assert not Attachment.objects.exists()
