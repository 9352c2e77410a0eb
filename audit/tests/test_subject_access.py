"""Subject access export (PRODUCT.md section 8): complete, in words, in both formats; clinical note content
only for a clinician of the OH service that holds the notes, tried as each IG lead who must not get it."""

import json
import secrets
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from assessments import services as assessment_services
from audit.models import AccessLogEntry
from conftest import signed_in_client
from organisations.models import Membership
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member
from referrals import services
from referrals.models import AdjustmentStatus, Appointment, ConsentChoice, MeasureStage, Referral

pytestmark = pytest.mark.django_db

FORMATS = ["html", "pdf", "json"]
# Every state a case with notes can be in (notes are written once a case is accepted).
STATES = [
    "triaged",
    "booked",
    "assessed",
    "report_drafted",
    "awaiting_consent",
    "show_me_first",
    "released",
    "withheld",
    "corrections",
    "closed",
]


def export(user, employee, fmt="json"):
    """(the JSON document or None, the text the format shows: for the PDF, the HTML it was printed from)."""
    import weasyprint

    printed: list[str] = []

    class Printing(weasyprint.HTML):
        def __init__(self, *args, string="", **kwargs):
            printed.append(string)
            super().__init__(*args, string=string, **kwargs)

    with mock.patch.object(weasyprint, "HTML", Printing):
        response = signed_in_client(user).post("/audit/subject-access/", {"employee": employee.pk, "format": fmt})
    assert response.status_code == 200, response.status_code
    assert "no-store" in response["Cache-Control"]
    if fmt == "pdf":
        assert response.content.startswith(b"%PDF") and len(printed) == 1
        return None, printed[0]
    text = response.content.decode()
    return (json.loads(text) if fmt == "json" else None), text


class Record:
    """One employee of trust A with a case in every state, each with a clinical note whose text is a marker,
    a self-referral, a pre-employment check and a survey."""

    def __init__(self, world):
        from referrals.tests.conftest import Case

        self.world = world
        first = Case(world)
        self.employee, self.employee_user = first.employee, first.employee_user
        self.employee.email = "patel@example.org"
        self.employee.save()
        self.manager, self.oh_admin, self.clinician = first.manager, first.oh_admin, first.clinician
        self.note_markers: list[str] = []
        self.cases = {state: self._case(first if state == "closed" else None, state) for state in STATES}
        self.self_referral = services.self_refer(
            user=self.employee_user, service_line="general_oh", description="Private words of my own"
        )
        started = assessment_services.start_check(
            recruiter=member(Role.RECRUITER, world.trust_a),
            candidate_name="S Patel",
            candidate_email="Patel@example.org",
            job_role="Ward nurse",
            exposure_prone=False,
        )
        token = started.link_url.rstrip("/").rsplit("/", 1)[-1]
        answers = dict.fromkeys(["conditions", "medication", "absence", "adjustments", "infections"], "no")
        answers["immunisation_history"] = "Questionnaire marker MMR"
        assessment_services.save_answers(raw_token=token, answers=answers, submit=True)
        self.check = started.assessment

    def _referral(self):
        return services.create_management_referral(
            manager=self.manager,
            employee=self.employee,
            submit=True,
            reason_category="long_covid",
            absent_at_referral=True,
            absent_since=timezone.localdate() - timedelta(days=10),
            manager_questions=["fit_for_role"],
            work_details="Ward nurse",
            employee_agreed=True,
        )

    def _case(self, case, state):
        referral = case.referral if case else self._referral()
        services.accept(referral=referral, by=self.oh_admin, priority="routine", practitioner_type="oh_nurse")
        marker = f"notemarker{secrets.token_hex(4)}"
        self.note_markers.append(marker)
        note = services.add_clinical_note(referral=referral, author=self.clinician, text=marker)
        services.add_clinical_note(
            referral=referral, author=self.clinician, text=f"{marker} addendum", addendum_to=note
        )
        if state == "triaged":
            return referral
        appointment = services.book_appointment(
            referral=referral,
            by=self.oh_admin,
            clinician=self.clinician,
            start=timezone.now() + timedelta(days=3),
            length_minutes=45,
            modality="telephone",
            location="Room 4",
        )
        if state == "booked":
            return referral
        Appointment.objects.filter(pk=appointment.pk).update(start=timezone.now() - timedelta(minutes=1))  # it starts
        services.record_attendance(appointment=appointment, by=self.clinician, attended=True)
        services.record_measures(referral=referral, by=self.clinician, stage=MeasureStage.INTAKE, work_ability=4)
        if state == "assessed":
            return referral
        report = services.save_report_draft(
            referral=referral,
            author=self.clinician,
            fitness="fit_with_adjustments",
            adjustments=["Reduced hours for 4 weeks"],
            answers=dict.fromkeys(referral.question_texts, f"Answer for {state}"),
            equality_act="unlikely",
            follow_up_plan="Review in 6 weeks",
        )
        if state == "report_drafted":
            return referral
        services.send_for_consent(report=report, by=self.clinician)
        choice = {
            "show_me_first": ConsentChoice.SHOW_ME_FIRST,
            "released": ConsentChoice.RELEASE_NOW,
            "closed": ConsentChoice.RELEASE_NOW,
            "withheld": ConsentChoice.WITHHOLD,
            "corrections": None,
        }.get(state)
        if state == "corrections":
            services.record_consent(report=report, by=self.employee_user, choice=ConsentChoice.SHOW_ME_FIRST)
            services.record_consent(
                report=report, by=self.employee_user, choice=ConsentChoice.CORRECTIONS, comment="Wrong start date"
            )
        elif choice:
            services.record_consent(report=report, by=self.employee_user, choice=choice)
        if state in ("released", "closed"):
            follow_up = report.follow_ups.get()
            services.answer_adjustment(
                follow_up=follow_up, by=self.manager, status=AdjustmentStatus.NOT_POSSIBLE, reason="No cover"
            )
        if state == "closed":
            services.close_case(referral=referral, by=self.clinician, outcome="phased_return", work_ability=7)
        return referral


@pytest.fixture
def record(world):
    return Record(world)


def _no_note_content(record, text):
    leaked = [marker for marker in record.note_markers if marker in text]
    assert leaked == [], f"clinical note content in the export: {leaked}"


@pytest.mark.parametrize("fmt", FORMATS)
def test_oh_service_ig_lead_who_is_not_a_clinician_gets_no_note_content(record, fmt):
    data, text = export(member(Role.IG_LEAD, record.world.oh_service), record.employee, fmt)
    _no_note_content(record, text)
    assert "clinical notes held by Trust A Occupational Health" in text
    if data:
        # Every case of the OH service is there, in every state; none carries a note's text.
        assert len(data["cases"]) == len(STATES) + 1
        assert all(case["clinical_notes"] == [] for case in data["cases"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_ig_lead_who_is_a_clinician_of_another_service_gets_no_note_content(record, fmt):
    ig_lead = member(Role.IG_LEAD, record.world.oh_service)
    Membership.objects.create(user=ig_lead, organisation=record.world.other_oh_service, role=Role.CLINICIAN)
    _, text = export(ig_lead, record.employee, fmt)
    _no_note_content(record, text)


@pytest.mark.parametrize("fmt", FORMATS)
def test_employer_ig_lead_gets_no_note_content_nor_anything_only_oh_holds(record, fmt):
    ig_lead = member(Role.IG_LEAD, record.world.trust_a)
    # Even one who is also a clinician of the OH service: an employer's export holds no clinical part.
    Membership.objects.create(user=ig_lead, organisation=record.world.oh_service, role=Role.CLINICIAN)
    data, text = export(ig_lead, record.employee, fmt)
    _no_note_content(record, text)
    for private in ("Private words of my own", "Questionnaire marker", "Wrong start date", "Room 4"):
        assert private not in text
    for state in ("report_drafted", "awaiting_consent", "show_me_first", "withheld", "corrections"):
        assert f"Answer for {state}" not in text  # never released to the manager
    assert "Answer for released" in text and "Answer for closed" in text
    if data:
        assert len(data["cases"]) == len(STATES)  # the self-referral is not the employer's
        assert not any("measures" in case or "clinical_notes" in case for case in data["cases"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_clinician_of_the_holding_service_acting_as_ig_lead_gets_the_notes(record, fmt):
    ig_lead = member(Role.IG_LEAD, record.world.oh_service)
    Membership.objects.create(user=ig_lead, organisation=record.world.oh_service, role=Role.CLINICIAN)
    data, text = export(ig_lead, record.employee, fmt)
    for marker in record.note_markers:
        assert marker in text
    if data:
        closed = next(c for c in data["cases"] if c["summary"]["Status"] == "Closed")
        assert [n["Addendum to note"] for n in closed["clinical_notes"]] == ["", "1"]


def test_oh_export_is_complete_and_in_words(record):
    data, _ = export(member(Role.IG_LEAD, record.world.oh_service), record.employee)
    assert data["staff_record"]["Last name"] == "Patel"
    closed = next(c for c in data["cases"] if c["summary"]["Status"] == "Closed")
    reasons = {c["summary"]["Reason category"] for c in data["cases"]}
    assert reasons == {"Musculoskeletal", "Long COVID", "Other"}  # a self-referral is "Other"
    assert closed["summary"]["Closure outcome"] == "Phased return"
    assert [e["To"] for e in closed["history"]][-1] == "Closed"
    assert closed["appointments"][0]["Modality"] == "Telephone" and closed["appointments"][0]["Location or link"]
    assert closed["measures"][0]["Work ability (0 to 10)"] == "4"
    version = closed["report_versions"][0]
    assert version["summary"]["Fitness"] == "Fit with adjustments"
    assert version["consent_decisions"][0]["Decision"] == "Release the report to my manager now"
    assert version["adjustment_answers"][0]["Answer"] == "Not possible"
    assert version["answers"][0] == {"Question": "Is the employee fit to do their role?", "Answer": "Answer for closed"}
    assert "survey" in closed
    self_referral = next(c for c in data["cases"] if c["summary"]["Kind"] == "Self-referral")
    assert self_referral["summary"]["Description"] == "Private words of my own"
    [check] = data["pre_employment_checks"]
    assert any(a["Answer"] == "Questionnaire marker MMR" for a in check["answers"])
    # Codes never appear as values: every state and choice is said in words.
    values = json.dumps(data)
    for code in ("long_covid", "awaiting_consent", "fit_with_adjustments", "phased_return", "oh_nurse", "release_now"):
        assert f'"{code}"' not in values and f"{code}," not in values
    # Who has read the record, this export included.
    [own_row] = [row for row in data["access_log"] if row["What"] == "Subject access export"]
    assert (own_row["Role"], own_row["Organisation"]) == ("Information governance lead", "Trust A Occupational Health")


def test_the_export_writes_its_row_and_a_row_per_record_shown(record):
    ig_lead = member(Role.IG_LEAD, record.world.oh_service)
    before = AccessLogEntry.objects.count()
    export(ig_lead, record.employee, "html")
    rows = AccessLogEntry.objects.filter(user=ig_lead)
    assert AccessLogEntry.objects.count() - before == rows.count()
    assert rows.filter(kind="subject_access", object_type="organisations.employee").count() == 1
    reports = rows.filter(object_type="referrals.outcomereport").count()
    assert reports == sum(r.reports.count() for r in Referral.objects.filter(employee=record.employee))
    assert rows.filter(object_type="assessments.questionnaireresponse").count() == 1
    assert {r.reason for r in rows} == {"Subject access export"}


def test_other_organisation_and_other_roles_refused(record):
    stranger = EmployeeFactory(organisation=record.world.trust_b)
    for ig_lead in (member(Role.IG_LEAD, record.world.trust_a), member(Role.IG_LEAD, record.world.oh_service)):
        response = signed_in_client(ig_lead).post("/audit/subject-access/", {"employee": stranger.pk})
        assert response.status_code == 404
    other_oh_ig_lead = member(Role.IG_LEAD, record.world.other_oh_service)
    response = signed_in_client(other_oh_ig_lead).post("/audit/subject-access/", {"employee": record.employee.pk})
    assert response.status_code == 404
    for role in (Role.MANAGER, Role.BOARD, Role.CLINICIAN, Role.EMPLOYEE):
        organisation = record.world.oh_service if role == Role.CLINICIAN else record.world.trust_a
        client = signed_in_client(member(role, organisation))
        assert client.post("/audit/subject-access/", {"employee": record.employee.pk}).status_code == 403


def test_oh_admin_who_is_also_a_clinician_there_acting_as_admin_gets_no_export(record):
    # Acting as OH admin, a second (clinician) membership of the same service gives nothing here: the export
    # is an IG lead's, so the request is refused and no note text is sent.
    oh_admin = record.oh_admin
    Membership.objects.get_or_create(user=oh_admin, organisation=record.world.oh_service, role=Role.CLINICIAN)
    assert oh_admin.active_membership.role == Role.OH_ADMIN
    response = signed_in_client(oh_admin).post(
        "/audit/subject-access/", {"employee": record.employee.pk, "format": "json"}
    )
    assert response.status_code == 403
    _no_note_content(record, response.content.decode())


def test_the_pdf_is_tagged_for_assistive_technology_and_says_what_the_page_says(world):
    """PDF/UA-1, as the board report: a structure tree (MarkInfo /Marked), a title and a language."""
    from io import BytesIO

    from pypdf import PdfReader

    employee = EmployeeFactory(organisation=world.trust_a, first_name="Ada", last_name="Okoro")
    response = signed_in_client(member(Role.IG_LEAD, world.trust_a)).post(
        "/audit/subject-access/", {"employee": employee.pk, "format": "pdf"}
    )
    pdf = PdfReader(BytesIO(response.content))
    root = pdf.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    assert str(root["/Lang"]).startswith("en")
    assert "Ada Okoro" in (pdf.metadata.title or "")
    assert "Ada Okoro" in "".join(page.extract_text() for page in pdf.pages)
