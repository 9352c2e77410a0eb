"""Real objects for the own-versus-other-organisation sweep in test_authorization_matrix.py.

`Sweep` holds one signed-in user per role at that role's home organisation in the `world` fixture (trust A,
its OH service, the supplier, the framework operator). Each builder makes a real object through the services
where they exist and returns the URL arguments for it:
  side "own"   -> belongs to the acting role's own organisation (trust A, its OH service, the DPS it runs...)
  side "other" -> belongs to trust B, the OH service serving trust B, or another framework: no test user's
Builders are keyed by model in BUILDERS; the test maps each route with an object in its address to one.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from accounts.models import User
from assessments import services as assessment_services
from commissioning.maturity.tests import sweep as maturity_sweep
from commissioning.proactive.tests import sweep as proactive_sweep
from commissioning.wellbeing_plan import services as wellbeing_plan_services
from conftest import ROLE_HOME, World, signed_in_client
from health_protection.immunisation.tests import sweep as immunisation_sweep
from health_protection.injuries.tests.factories import People, injury_at
from health_protection.surveillance import services as surveillance_services
from health_protection.surveillance.models import Enrolment as SurveillanceEnrolment
from health_protection.surveillance.models import Programme as SurveillanceProgramme
from metrics.models import BoardReport, BoardReportStatus, SatisfactionSurvey
from notifications.models import Notification, OutboxMessage
from organisations.models import Organisation
from organisations.roles import OrganisationKind, Role
from organisations.tests.factories import EmployeeFactory, OrganisationFactory, member
from referrals import services as referral_services
from referrals.models import Appointment, Attachment, ConsentChoice, MeasureStage, Referral
from suppliers import services as supplier_services
from suppliers.models import (
    CallOff,
    CallOffStatus,
    Framework,
    Lot,
    LotCode,
    ProfileChangeRequest,
    Region,
    RegionCode,
    ServiceLevelMetric,
    Supplier,
    SupplierStatus,
)

# How far a case is taken through its life cycle before a route is tried on it.
CASE_STAGES = ["draft", "submitted", "triaged", "booked", "assessed", "report_drafted", "awaiting_consent", "released"]


class Sweep:
    def __init__(self, world: World) -> None:
        self.world = world
        self.users: dict[str, User] = {role: member(role, getattr(world, ROLE_HOME[role])) for role in Role.values}
        self.clients: dict[str, Client] = {role: signed_in_client(user) for role, user in self.users.items()}
        self.anonymous = Client()
        # An address of its own per client and run: the single-use links are rate limited per address.
        for client in [*self.clients.values(), self.anonymous]:
            client.defaults["REMOTE_ADDR"] = "10." + ".".join(str(secrets.randbelow(250)) for _ in range(3))
        # Trust B's people: the owners of every "other" object.
        self.b_manager = member(Role.MANAGER, world.trust_b)
        self.b_employee = member(Role.EMPLOYEE, world.trust_b)
        self.b_recruiter = member(Role.RECRUITER, world.trust_b)
        self.b_procurement = member(Role.PROCUREMENT, world.trust_b)
        self.b_oh_admin = member(Role.OH_ADMIN, world.other_oh_service)
        self.b_clinician = member(Role.CLINICIAN, world.other_oh_service)
        # The DPS run by the framework admin's operator, with the test supplier admitted to it...
        today = timezone.localdate()
        self.regions = {code: Region.objects.get_or_create(code=code)[0] for code in RegionCode.values}
        self.framework = Framework.objects.create(name="OH capacity DPS", operator=world.framework_operator)
        self.lots = {code: Lot.objects.create(framework=self.framework, code=code) for code in LotCode.values}
        self.supplier = self._supplier(world.supplier, self.framework, SupplierStatus.ADMITTED, today)
        # ...and another operator's DPS, where another supplier has applied (not listed for anyone here).
        other_operator = OrganisationFactory(name="Other operator", kind=OrganisationKind.FRAMEWORK_OPERATOR)
        self.other_framework = Framework.objects.create(name="Other DPS", operator=other_operator)
        for code in LotCode.values:
            Lot.objects.create(framework=self.other_framework, code=code)
        self.other_supplier_org = OrganisationFactory(name="Gamma Health", kind=OrganisationKind.SUPPLIER)
        self.other_supplier = self._supplier(
            self.other_supplier_org, self.other_framework, SupplierStatus.APPLIED, today
        )
        # An organisation no test user is related to (another ICS's trust).
        other_ics = OrganisationFactory(name="South Test ICS", kind=OrganisationKind.ICS)
        self.unrelated_trust = OrganisationFactory(name="Trust Z", ics=other_ics)

    def client(self, role: str | None) -> Client:
        return self.anonymous if role is None else self.clients[role]

    def _supplier(self, organisation: Organisation, framework: Framework, status: str, today: Any) -> Supplier:
        supplier = Supplier.objects.create(
            organisation=organisation,
            framework=framework,
            legal_name=f"{organisation.name} Ltd",
            seqohs_number="SEQ-1",
            accreditation_expires=today + timedelta(days=300),
            status=status,
            delivery_modes="telephone",
        )
        supplier.lots.set(framework.lots.filter(code__in=[LotCode.MANAGEMENT_REFERRALS, LotCode.VACCINATION]))
        supplier.regions.set([self.regions[RegionCode.LONDON]])
        return supplier

    # --- cases -----------------------------------------------------------------------------------------------
    def case(self, side: str, stage: str = "released") -> Referral:
        """A management referral taken to `stage` by the real services, with a document attached."""
        if side == "own":
            manager, employee_user = self.users[Role.MANAGER], self.users[Role.EMPLOYEE]
            oh_admin, clinician, trust = self.users[Role.OH_ADMIN], self.users[Role.CLINICIAN], self.world.trust_a
        else:
            manager, employee_user = self.b_manager, self.b_employee
            oh_admin, clinician, trust = self.b_oh_admin, self.b_clinician, self.world.trust_b
        employee = EmployeeFactory(organisation=trust, user=employee_user)
        # "returned": submitted, then returned to the manager by triage.
        done = CASE_STAGES[: CASE_STAGES.index("submitted" if stage == "returned" else stage) + 1]
        referral = referral_services.create_management_referral(
            manager=manager,
            employee=employee,
            submit="submitted" in done,
            reason_category="musculoskeletal",
            absent_at_referral=False,
            manager_questions=["fit_for_role"],
            work_details="Porter",
            employee_agreed=True,
        )
        Attachment.objects.create(
            referral=referral,
            file=ContentFile(b"%PDF-1.4\n%%EOF", name="risk.pdf"),
            original_name="risk.pdf",
            content_type="application/pdf",
            size=14,
            uploaded_by=manager,
        )
        if stage == "returned":
            referral_services.return_to_manager(referral=referral, by=oh_admin, reason="Add the risk assessment")
        if "triaged" in done:
            referral_services.accept(referral=referral, by=oh_admin, priority="routine", practitioner_type="oh_nurse")
        if "booked" in done:
            referral_services.book_appointment(
                referral=referral,
                by=oh_admin,
                clinician=clinician,
                start=timezone.now() + timedelta(days=2),
                length_minutes=30,
                modality="telephone",
            )
        if "assessed" in done:
            appointment = referral.appointments.get()
            Appointment.objects.filter(pk=appointment.pk).update(start=timezone.now() - timedelta(minutes=1))
            referral_services.record_attendance(appointment=appointment, by=clinician, attended=True)
            referral_services.record_measures(
                referral=referral, by=clinician, stage=MeasureStage.INTAKE, work_ability=5
            )
        if "report_drafted" in done:
            report = referral_services.save_report_draft(
                referral=referral,
                author=clinician,
                fitness="fit",
                adjustments=["No night shifts"],
                answers={"Is the employee fit to do their role?": "Yes"},
                equality_act="unlikely",
                follow_up_plan="None",
            )
        if "awaiting_consent" in done:
            referral_services.send_for_consent(report=report, by=clinician)
        if "released" in done:
            referral_services.record_consent(report=report, by=employee_user, choice=ConsentChoice.RELEASE_NOW)
        referral.refresh_from_db()
        return referral

    # --- pre-employment checks ----------------------------------------------------------------------------------
    def check(self, side: str, submitted: bool = True) -> tuple[Any, str]:
        recruiter = self.users[Role.RECRUITER] if side == "own" else self.b_recruiter
        started = assessment_services.start_check(
            recruiter=recruiter,
            candidate_name="Sam Candidate",
            candidate_email="sam@example.com",
            job_role="Porter",
            exposure_prone=False,
        )
        token = started.link_url.rstrip("/").rsplit("/", 1)[-1]
        if submitted:
            answers = dict.fromkeys(["conditions", "medication", "absence", "adjustments", "infections"], "no")
            answers["immunisation_history"] = "MMR"
            assessment_services.save_answers(raw_token=token, answers=answers, submit=True)
        return started.assessment, token

    # --- call-offs ------------------------------------------------------------------------------------------------
    def call_off(self, side: str, status: str = CallOffStatus.DRAFT) -> CallOff:
        """Own: trust A's call-off with the test supplier on the DPS above, taken to `status` by the services.
        Other: trust B's agreement with a supplier on another framework."""
        if side == "other":
            signatory = self.b_procurement
            return CallOff.objects.create(
                client=self.world.trust_b,
                supplier=self.other_supplier,
                start_date=timezone.localdate(),
                end_date=timezone.localdate() + timedelta(days=365),
                estimated_value=Decimal("1000"),
                status=status,
                client_signatory=signatory,
                supplier_signatory=self.users[Role.SUPPLIER],
                created_by=signatory,
            )
        procurement, supplier_user = self.users[Role.PROCUREMENT], self.users[Role.SUPPLIER]
        call_off = supplier_services.raise_call_off(
            by=procurement,
            supplier=self.supplier,
            lots=[self.lots[LotCode.MANAGEMENT_REFERRALS]],
            start_date=timezone.localdate() + timedelta(days=30),
            end_date=timezone.localdate() + timedelta(days=400),
            estimated_value=Decimal("50000"),
            client_signatory=procurement,
            supplier_signatory=supplier_user,
            service_levels=[{"metric": ServiceLevelMetric.APPOINTMENT_WITHIN, "working_days": 10}],
        )
        steps = [CallOffStatus.AWAITING_CLIENT, CallOffStatus.AWAITING_SUPPLIER, CallOffStatus.ACTIVE]
        if status in steps:
            supplier_services.send_for_signature(call_off=call_off, by=procurement)
        if status in steps[1:]:
            supplier_services.sign(call_off=call_off, by=procurement, declared=True)
        if status == CallOffStatus.ACTIVE:
            supplier_services.sign(call_off=call_off, by=supplier_user, declared=True)
        call_off.refresh_from_db()
        assert call_off.status == status
        return call_off

    # --- board reports, surveys, notifications -----------------------------------------------------------------------
    def board_report(self, side: str, role: str | None) -> BoardReport:
        """Own: the acting role's own scope (a board's trust, an OH service's own figures). Other: trust B's,
        or the OH service serving trust B."""
        if side == "other":
            scope, by = self.world.trust_b, self.b_manager
        elif side == "other_oh":
            scope, by = self.world.other_oh_service, self.b_clinician
        elif role in (Role.OH_ADMIN, Role.CLINICIAN):
            scope, by = self.world.oh_service, self.users[role]
        else:
            scope, by = self.world.trust_a, self.users[Role.BOARD]
        report = BoardReport.objects.create(
            scope=scope,
            year_ending=timezone.localdate(),
            requested_by=by,
            status=BoardReportStatus.READY,
            finished_at=timezone.now(),
        )
        report.pdf.save(f"report-{report.pk}.pdf", ContentFile(b"%PDF-1.4\n%%EOF"))
        return report

    def survey_token(self, side: str) -> str:
        raw = secrets.token_urlsafe(32)
        SatisfactionSurvey.objects.create(
            referral=self.case(side, "submitted"), token_hash=hashlib.sha256(raw.encode()).hexdigest()
        )
        return raw

    # --- health surveillance ---------------------------------------------------------------------------------------
    def surveillance_programme(self, side: str) -> SurveillanceProgramme:
        """Own: trust A's noise programme, run by its OH service. Other: trust B's, run by the other OH service."""
        by, trust = (
            (self.users[Role.OH_ADMIN], self.world.trust_a) if side == "own" else (self.b_oh_admin, self.world.trust_b)
        )
        return surveillance_services.create_programme(by=by, organisation=trust, kind="noise")

    def surveillance_enrolment(self, side: str) -> SurveillanceEnrolment:
        """A member of staff (the test manager's line report, on the own side) enrolled and sent a recall link."""
        programme = self.surveillance_programme(side)
        by = self.users[Role.OH_ADMIN] if side == "own" else self.b_oh_admin
        manager = self.users[Role.MANAGER] if side == "own" else self.b_manager
        employee = EmployeeFactory(
            organisation=programme.organisation, line_manager=manager, email="staff@example.nhs.uk"
        )
        enrolment = surveillance_services.enrol(programme=programme, by=by, employee=employee)
        surveillance_services.send_recall(enrolment=enrolment)
        return enrolment

    def surveillance_token(self) -> str:
        enrolment = self.surveillance_enrolment("own")
        invitation = enrolment.invitations.get()
        link = OutboxMessage.objects.get(idempotency_key=f"surveillance-link-{invitation.pk}").context["link"]
        return str(link).rstrip("/").rsplit("/", 1)[-1]

    def notification(self, side: str, role: str | None) -> Notification:
        owner = self.users[role] if side == "own" and role else self.b_manager
        return Notification.objects.create(
            user=owner, idempotency_key=secrets.token_hex(8), title="Something happened", link="/"
        )

    # --- inoculation injuries ---------------------------------------------------------------------------------------
    def injury(self, side: str, stage: str = "booked") -> Any:
        """An injury of trust A's member of staff (the test employee, line-managed by the test manager) routed to
        its OH service, or of trust B's; taken to `stage` (health_protection/injuries/tests/factories.py STAGES)."""
        if side == "own":
            employee_user, manager, trust = self.users[Role.EMPLOYEE], self.users[Role.MANAGER], self.world.trust_a
            oh_admin, clinician = self.users[Role.OH_ADMIN], self.users[Role.CLINICIAN]
        else:
            employee_user, manager, trust = self.b_employee, self.b_manager, self.world.trust_b
            oh_admin, clinician = self.b_oh_admin, self.b_clinician
        employee = EmployeeFactory(organisation=trust, user=employee_user, line_manager=manager)
        return injury_at(People(employee_user, employee, manager, oh_admin, clinician), stage)


Kwargs = dict[str, Any]
Builder = Callable[[Sweep, str, str | None, dict[str, Any]], list[Kwargs]]


def _case(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    return [{"pk": sweep.case(side, opts.get("stage", "released")).pk}]


def _attachment(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    referral = sweep.case(side, opts.get("stage", "released"))
    own_case = [{"pk": referral.pk, "attachment_pk": referral.attachments.get().pk}]
    if side == "own":
        return own_case
    # Another organisation's document asked for through the user's own case as well as through its own case.
    mine = sweep.case("own", "submitted")
    return [*own_case, {"pk": mine.pk, "attachment_pk": own_case[0]["attachment_pk"]}]


def _case_appointment(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    referral = sweep.case(side, "booked")
    found = [{"pk": referral.pk, "appointment_pk": referral.appointments.get().pk}]
    if side == "own":
        return found
    mine = sweep.case("own", "booked")
    return [*found, {"pk": mine.pk, "appointment_pk": found[0]["appointment_pk"]}]


def _case_note(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    """A case with a clinical note (written by the side's own clinician), for the addendum page."""
    referral = sweep.case(side, "assessed")
    clinician = sweep.users[Role.CLINICIAN] if side == "own" else sweep.b_clinician
    note = referral_services.add_clinical_note(referral=referral, author=clinician, text="Seen today")
    found = [{"pk": referral.pk, "note_pk": note.pk}]
    if side == "own":
        return found
    mine = sweep.case("own", "assessed")  # another service's note asked for through the user's own case
    return [*found, {"pk": mine.pk, "note_pk": note.pk}]


def _appointment(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    """Booked and started, so attendance can be recorded; `when`: "future" (still movable) or "recorded"
    (attended, recorded today, so it can be corrected)."""
    appointment = sweep.case(side, "booked").appointments.get()
    if opts.get("when") == "future":
        return [{"pk": appointment.pk}]
    Appointment.objects.filter(pk=appointment.pk).update(start=timezone.now() - timedelta(minutes=1))
    if opts.get("when") == "recorded":
        oh_admin = sweep.users[Role.OH_ADMIN] if side == "own" else sweep.b_oh_admin
        appointment.refresh_from_db()
        referral_services.record_attendance(appointment=appointment, by=oh_admin, attended=True)
    return [{"pk": appointment.pk}]


def _assessment(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    """A check the candidate has answered, or (waiting_for_candidate) one whose link is still out."""
    return [{"pk": sweep.check(side, submitted=not opts.get("waiting_for_candidate"))[0].pk}]


def _questionnaire_token(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    """A live link; "other" is a token nobody issued. The token is the only key, whoever holds it."""
    if side == "own":
        return [{"token": sweep.check("own", submitted=False)[1]}]
    return [{"token": secrets.token_urlsafe(32)}]


def _survey_token(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    if side == "own":
        return [{"token": sweep.survey_token("own")}]
    return [{"token": secrets.token_urlsafe(32)}]


def _measures_token(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    """A live work ability link (a case accepted, its intake score not given yet); "other" is a token never issued."""
    if side == "own":
        raw = referral_services.issue_measures_link(sweep.case("own", "triaged"), stage=MeasureStage.INTAKE)[0]
        return [{"token": raw.rstrip("/").rsplit("/", 1)[-1]}]
    return [{"token": secrets.token_urlsafe(32)}]


def _supplier(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    """The test supplier on the DPS (other: one that applied to another DPS); with `applicant`, a fresh supplier
    that has applied to the DPS, to be decided."""
    key = opts.get("param", "pk")
    if opts.get("applicant") and side == "own":
        organisation = OrganisationFactory(kind=OrganisationKind.SUPPLIER)
        applicant = sweep._supplier(organisation, sweep.framework, SupplierStatus.APPLIED, timezone.localdate())
        return [{key: applicant.pk}]
    return [{key: (sweep.supplier if side == "own" else sweep.other_supplier).pk}]


def _call_off(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    status = opts.get("status", CallOffStatus.DRAFT)
    if callable(status):
        status = status(role)
    return [{"pk": sweep.call_off(side, status).pk}]


def _profile_change(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    """Own: a pending change of the test supplier (one pending at a time). Other: one of another DPS's supplier."""
    supplier = sweep.supplier if side == "own" else sweep.other_supplier
    change, created = ProfileChangeRequest.objects.get_or_create(
        supplier=supplier,
        status="pending",
        defaults={
            "legal_name": supplier.legal_name,
            "seqohs_number": supplier.seqohs_number,
            "accreditation_expires": supplier.accreditation_expires,
            "requested_by": sweep.users[Role.SUPPLIER],
        },
    )
    if created:  # asks for what the supplier has: approving it in the sweep changes nothing
        change.lots.set(supplier.lots.all())
        change.regions.set(supplier.regions.all())
    return [{"pk": change.pk}]


def _board_report(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    if side == "own":
        return [{"pk": sweep.board_report("own", role).pk}]
    return [{"pk": sweep.board_report("other", None).pk}, {"pk": sweep.board_report("other_oh", None).pk}]


def _notification(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    return [{"pk": sweep.notification(side, role).pk}]


def _organisation(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    if side == "own":
        home = getattr(sweep.world, ROLE_HOME[role]) if role else sweep.world.trust_a
        return [{"pk": home.pk}]
    return [{"pk": sweep.unrelated_trust.pk}]


def _employee(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    """Own: a member of trust A's staff (for an employee, their own record). Other: trust B's."""
    if side == "other":
        return [{"pk": EmployeeFactory(organisation=sweep.world.trust_b).pk}]
    user = sweep.users[Role.EMPLOYEE] if role == Role.EMPLOYEE else None
    return [{"pk": EmployeeFactory(organisation=sweep.world.trust_a, user=user).pk}]


def _surveillance_programme(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    return [{"pk": sweep.surveillance_programme(side).pk}]


def _surveillance_enrolment(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    return [{"pk": sweep.surveillance_enrolment(side).pk}]


def _surveillance_token(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    """A live recall link; "other" is a token never issued."""
    return [{"token": sweep.surveillance_token() if side == "own" else secrets.token_urlsafe(32)}]


def _injury(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    return [{"pk": sweep.injury(side, opts.get("stage", "booked")).pk}]


def _injury_test(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    """The 6-week test of an injury; for "other", also asked for through the user's own injury."""
    injury = sweep.injury(side, opts.get("stage", "booked"))
    found = [{"pk": injury.pk, "test_pk": injury.tests.get(week=6).pk}]
    if side == "own":
        return found
    mine = sweep.injury("own", opts.get("stage", "booked"))
    return [*found, {"pk": mine.pk, "test_pk": found[0]["test_pk"]}]


BUILDERS: dict[str, Builder] = {
    "referral": _case,
    "referral+attachment": _attachment,
    "referral+appointment": _case_appointment,
    "referral+note": _case_note,
    "appointment": _appointment,
    "assessment": _assessment,
    "questionnaire_token": _questionnaire_token,
    "survey_token": _survey_token,
    "measures_token": _measures_token,
    "supplier": _supplier,
    "call_off": _call_off,
    "profile_change": _profile_change,
    "board_report": _board_report,
    "notification": _notification,
    "organisation": _organisation,
    "employee": _employee,
    "surveillance_programme": _surveillance_programme,
    "surveillance_enrolment": _surveillance_enrolment,
    "surveillance_token": _surveillance_token,
    "injury": _injury,
    "injury+test": _injury_test,
    # Staff immunisation and campaigns (each builder makes one object in every campaign state).
    **immunisation_sweep.BUILDERS,
    **proactive_sweep.BUILDERS,
    # Service maturity (each builder takes the assessment's `state`).
    **maturity_sweep.BUILDERS,
}


# --- clinics and bookings ---------------------------------------------------------------------------


def _clinic_of(sweep: Sweep, side: str) -> Any:
    """The side's clinic (one per side and test: a clinician holds one clinic at a time), made by the services."""
    from clinics import services as clinic_services
    from clinics.models import Clinic

    admin, clinician = (
        (sweep.users[Role.OH_ADMIN], sweep.users[Role.CLINICIAN])
        if side == "own"
        else (sweep.b_oh_admin, sweep.b_clinician)
    )
    found = Clinic.objects.filter(clinician=clinician).first()
    if found is not None:
        return found
    from datetime import time

    return clinic_services.create_clinic(
        by=admin,
        name=f"Clinic {side}",
        clinician=clinician,
        practitioner_type="oh_nurse",
        modality="face_to_face",
        location="Room 1",
        weekdays=[0, 1, 2, 3, 4],
        start_time=time(8),
        end_time=time(18),
        slot_minutes=15,
        starts_on=timezone.localdate(),
    )


def free_slot(sweep: Sweep, side: str = "own") -> Any:
    """A free slot of the side's clinic, starting more than a day ahead."""
    from clinics import selectors as clinic_selectors

    clinic = _clinic_of(sweep, side)
    return (
        clinic_selectors.free_slots_of(clinic).filter(start__gt=timezone.now() + timedelta(days=2)).order_by("start")[0]
    )


def _booking_of(sweep: Sweep, side: str, check: bool = False) -> Any:
    from clinics import services as clinic_services

    admin = sweep.users[Role.OH_ADMIN] if side == "own" else sweep.b_oh_admin
    slot = free_slot(sweep, side)
    if check:
        return clinic_services.book_slot(slot=slot, by=admin, assessment=_further_check(sweep, side))
    return clinic_services.book_slot(slot=slot, by=admin, referral=sweep.case(side, "triaged"))


def _further_check(sweep: Sweep, side: str) -> Any:
    clinician = sweep.users[Role.CLINICIAN] if side == "own" else sweep.b_clinician
    assessment = sweep.check(side)[0]
    return assessment_services.clear(assessment=assessment, by=clinician, outcome="further_assessment")


def _clinic(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    return [{"pk": _clinic_of(sweep, side).pk}]


def _clinic_booking(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    """A booking in the side's clinic: a referral's (or, with `check`, a further assessment's); `state`
    "cancelled" or "started" (attendance can be recorded) take it on from booked."""
    from clinics.models import Booking, BookingStatus

    booking = _booking_of(sweep, side, check=opts.get("check", False))
    if opts.get("state") == "cancelled":
        Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.CANCELLED)
    if opts.get("state") == "started":
        started = timezone.now() - timedelta(minutes=5, hours=booking.pk)  # each build its own hour: none overlap
        Booking.objects.filter(pk=booking.pk).update(start=started, end=started + timedelta(minutes=15))
    return [{"pk": booking.pk}]


def _checks_to_book(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    return [{"pk": _further_check(sweep, side).pk}]


def _booking_token(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    """Own: the employee's live link (`purpose` book: a case to book; change: a booking's); other: never issued."""
    from clinics import services as clinic_services
    from notifications.models import OutboxMessage

    if side == "other":
        return [{"token": secrets.token_urlsafe(32)}]
    _clinic_of(sweep, "own")
    if opts.get("purpose") == "change":
        booking = _booking_of(sweep, "own")
        email = OutboxMessage.objects.filter(idempotency_key=f"booking-{booking.pk}-0-booked-email").get()
        return [{"token": str(email.context["change_link"]).rstrip("/").rsplit("/", 1)[-1]}]
    raw = clinic_services.send_booking_link(referral=sweep.case("own", "triaged"), by=sweep.users[Role.OH_ADMIN])
    return [{"token": raw}]


BUILDERS.update(
    {
        "clinic": _clinic,
        "clinic_booking": _clinic_booking,
        "check_to_book": _checks_to_book,
        "booking_token": _booking_token,
    }
)


def _plan_action(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    """An action of trust A's wellbeing improvement plan (added by its board), or of trust B's."""
    board = sweep.users[Role.BOARD] if side == "own" else member(Role.BOARD, sweep.world.trust_b)
    action = wellbeing_plan_services.add_action(
        by=board,
        action="Wellbeing conversations for every manager",
        owner="Director of people",
        due_on=timezone.localdate() + timedelta(days=90),
        status="on_track",
    )
    return [{"pk": action.pk}]


BUILDERS["plan_action"] = _plan_action
