"""Every write of staff immunisation and seasonal campaigns: keyword-only, atomic, the rule checked first
(actions), messages through the outbox with no health detail (notifications)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.services import queue_message
from organisations.models import Employee, Organisation, ServiceAssignment, active_membership
from organisations.roles import OrganisationKind, Role, ServiceLine

from . import selectors
from .actions import ImmunisationError, check_campaign, check_record
from .models import (
    Antigen,
    AntigenStatus,
    Campaign,
    CampaignClinic,
    CampaignVaccinator,
    EntryKind,
    ImmunisationEntry,
    ImmunisationRecord,
    Outcome,
    ScreeningResult,
    Vaccination,
    VaccineBatch,
    VaccineProduct,
)
from .schedule import status_of

# --- the staff record -----------------------------------------------------------------------------------------------


def serving_oh_service(employee: Employee) -> Organisation | None:
    """The OH service that serves the member of staff's organisation (general occupational health)."""
    assignment = (
        ServiceAssignment.objects.filter(client_id=employee.organisation_id, service_line=ServiceLine.GENERAL_OH)
        .select_related("oh_service")
        .first()
    )
    return assignment.oh_service if assignment else None


def refresh_statuses(record: ImmunisationRecord) -> list[AntigenStatus]:
    """Work out every antigen's status again from the entries and the pre-employment check, and store it."""
    entries = list(ImmunisationEntry.objects.filter(record=record).order_by("on", "pk"))
    checked = selectors.check_statuses(record.pre_employment_check)
    since = timezone.localdate(record.created_at)
    rows = []
    for antigen in Antigen.values:
        status = status_of(
            antigen,
            [e for e in entries if e.antigen == antigen],
            check=checked.get(antigen),
            maternity_role=record.maternity_role,
            since=since,
        )
        rows.append(
            AntigenStatus(
                record=record,
                antigen=antigen,
                state=status.state,
                next_step=status.next_step,
                next_due_on=status.next_due_on,
                source=status.source,
            )
        )
    return AntigenStatus.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["record", "antigen"],
        update_fields=["state", "next_step", "next_due_on", "source", "updated_at"],
    )


def _open_record(*, employee: Employee, oh_service: Organisation) -> ImmunisationRecord:
    record, created = ImmunisationRecord.objects.select_for_update().get_or_create(
        employee=employee,
        defaults={"oh_service": oh_service, "pre_employment_check": selectors.matching_check(employee)},
    )
    if created:
        refresh_statuses(record)
    return record


@transaction.atomic
def open_record(*, by: User, employee: Employee) -> ImmunisationRecord:
    """The member of staff's record, opened if it was not: linked to their pre-employment check (matched by e-mail
    address at the same organisation, as the subject access export matches it), whose statuses it then shows."""
    existing = ImmunisationRecord.objects.filter(employee=employee).first()
    oh_service = existing.oh_service if existing else serving_oh_service(employee)
    check_record(by, existing, oh_service_id=oh_service.pk if oh_service else None)
    assert oh_service is not None  # check_record refuses when no service serves the organisation
    return _open_record(employee=employee, oh_service=oh_service)


@dataclass(frozen=True)
class EntryDetails:
    antigen: str
    kind: str
    on: date
    antibody_level: Decimal | None = None
    screening_result: str = ""
    product: str = ""
    batch_number: str = ""


ENTRY_KINDS_FOR: dict[str, set[str]] = {
    Antigen.HEPATITIS_B: {EntryKind.DOSE, EntryKind.ANTIBODY, EntryKind.IMMUNITY},
    Antigen.MMR: {EntryKind.DOSE, EntryKind.IMMUNITY},
    Antigen.VARICELLA: {EntryKind.DOSE, EntryKind.IMMUNITY},
    Antigen.TB: {EntryKind.DOSE, EntryKind.SCREENING, EntryKind.IMMUNITY},
    Antigen.PERTUSSIS: {EntryKind.DOSE},
}


def _entry_problem(details: EntryDetails) -> str:
    antigen = Antigen(details.antigen).label
    if details.kind not in ENTRY_KINDS_FOR[details.antigen]:
        return f"{EntryKind(details.kind).label} is not something recorded for {antigen}."
    if details.on > timezone.localdate():
        return "The date cannot be in the future."
    if details.kind == EntryKind.ANTIBODY and details.antibody_level is None:
        return "Enter the antibody level in mIU/mL."
    if details.kind == EntryKind.SCREENING and details.screening_result not in ScreeningResult.values:
        return "Choose the screening result."
    return ""


@transaction.atomic
def add_entry(*, by: User, employee: Employee, details: EntryDetails) -> ImmunisationEntry:
    """A dose, antibody level, screening result or evidence of immunity; opens the record with its first entry."""
    record = open_record(by=by, employee=employee)
    problem = _entry_problem(details)
    if problem:
        raise ImmunisationError(problem)
    keep_result = details.kind == EntryKind.SCREENING
    entry = ImmunisationEntry.objects.create(
        record=record,
        antigen=details.antigen,
        kind=details.kind,
        on=details.on,
        antibody_level=details.antibody_level if details.kind == EntryKind.ANTIBODY else None,
        screening_result=details.screening_result if keep_result else "",
        product=details.product if details.kind == EntryKind.DOSE else "",
        batch_number=details.batch_number if details.kind == EntryKind.DOSE else "",
        recorded_by=by,
    )
    refresh_statuses(record)
    return entry


@transaction.atomic
def set_maternity_role(*, by: User, employee: Employee, maternity_role: bool) -> ImmunisationRecord:
    record = open_record(by=by, employee=employee)
    record.maternity_role = maternity_role
    record.save(update_fields=["maternity_role"])
    refresh_statuses(record)
    return record


# Recalls: told a fortnight before a dose or test is due, and once more four weeks after it was due.
RECALL_AHEAD = timedelta(days=14)
CHASE_AFTER = timedelta(days=28)
RECALL_WINDOW = timedelta(days=365)  # nothing is sent about what fell due more than a year ago


def _recall(status: AntigenStatus, *, stage: str) -> bool:
    employee = status.record.employee
    if employee.user is None and not employee.email:
        return False
    due = status.next_due_on
    assert due is not None
    message = queue_message(
        template="immunisation_recall" if stage == "due" else "immunisation_recall_overdue",
        # The event is "this due date of this antigen", so a task run twice, or a status worked out again
        # with the same date, sends one message; a new due date is a new recall.
        idempotency_key=f"immunisation-recall-{status.record_id}-{status.antigen}-{due:%Y%m%d}-{stage}",
        to_user=employee.user,
        to_address="" if employee.user else employee.email,
        context={"service": status.record.oh_service.name, "when": f"{due:%-d %B %Y}"},
        link=reverse("immunisation:my_record"),
        in_portal=employee.user is not None,
    )
    return message is not None


@transaction.atomic
def send_recalls(*, today: date | None = None) -> int:
    """Recall staff whose next dose or test is due soon, and chase those four weeks overdue. Safe to run twice."""
    today = today or timezone.localdate()
    sent = 0
    due = selectors.recalls_due(today + RECALL_AHEAD, not_before=today - RECALL_WINDOW)
    for status in due:
        sent += _recall(status, stage="due")
        if status.next_due_on is not None and status.next_due_on + CHASE_AFTER <= today:
            sent += _recall(status, stage="overdue")
    return sent


# --- campaigns ------------------------------------------------------------------------------------------------------


def _oh_service_of(by: User) -> Organisation:
    m = active_membership(by)
    if m is None or m.role not in (Role.OH_ADMIN, Role.CLINICIAN) or m.organisation.kind != OrganisationKind.OH_SERVICE:
        raise PermissionDenied("Only an OH service's administrators and clinicians run campaigns.")
    return m.organisation


@transaction.atomic
def create_campaign(
    *, by: User, organisation: Organisation, kind: str, starts_on: date, ends_on: date, target_percent: int
) -> Campaign:
    oh_service = _oh_service_of(by)
    if not ServiceAssignment.objects.filter(client=organisation, oh_service=oh_service).exists():
        raise PermissionDenied("Your OH service does not serve this organisation.")
    if ends_on <= starts_on:
        raise ImmunisationError("The campaign must end after it starts.")
    if not 1 <= target_percent <= 100:
        raise ImmunisationError("The target is a percentage from 1 to 100.")
    if Campaign.objects.filter(organisation=organisation, kind=kind, starts_on=starts_on).exists():
        raise ImmunisationError(f"{organisation} already has this campaign starting on {starts_on:%-d %B %Y}.")
    return Campaign.objects.create(
        organisation=organisation,
        oh_service=oh_service,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        target_percent=target_percent,
        created_by=by,
    )


def _check_batch(batch: VaccineBatch, campaign: Campaign, on: date) -> None:
    """A batch of the campaign's OH service, of the campaign's vaccine, in date on the day it is given."""
    if batch.oh_service_id != campaign.oh_service_id:
        raise ImmunisationError("That batch is not held by the OH service running this campaign.")
    if batch.product.kind != campaign.kind:
        raise ImmunisationError(
            f"Batch {batch.batch_number} is a {batch.product.get_kind_display()} vaccine: "
            f"this is a {campaign.get_kind_display()} campaign."
        )
    if batch.expires_on < on:
        raise ImmunisationError(
            f"Batch {batch.batch_number} expired on {batch.expires_on:%-d %B %Y} and must not be given. "
            "Take a batch that is in date, and set the expired one aside."
        )


@transaction.atomic
def add_clinic(*, by: User, campaign: Campaign, place: str, on: date, batch: VaccineBatch | None) -> CampaignClinic:
    check_campaign(by, campaign, "add_clinic")
    if not campaign.starts_on <= on <= campaign.ends_on:
        raise ImmunisationError(
            f"A clinic of this campaign falls between {campaign.starts_on:%-d %B %Y} and {campaign.ends_on:%-d %B %Y}."
        )
    if batch is not None:
        _check_batch(batch, campaign, on)
    return CampaignClinic.objects.create(campaign=campaign, place=place.strip(), on=on, batch=batch, created_by=by)


@transaction.atomic
def set_clinic_batch(*, by: User, clinic: CampaignClinic, batch: VaccineBatch) -> CampaignClinic:
    """The batch in use at a clinic (a vial runs out, a new box is opened): offered first on each vaccination."""
    check_campaign(by, clinic.campaign, "record_vaccination")
    _check_batch(batch, clinic.campaign, timezone.localdate())
    clinic.batch = batch
    clinic.save(update_fields=["batch"])
    return clinic


@transaction.atomic
def name_vaccinator(*, by: User, campaign: Campaign, user: User) -> CampaignVaccinator:
    check_campaign(by, campaign, "name_vaccinator")
    if not user.memberships.filter(
        role=Role.VACCINATOR, organisation_id__in=[campaign.organisation_id, campaign.oh_service_id]
    ).exists():
        raise ImmunisationError(
            f"{user.get_full_name() or user.username} is not a vaccinator of {campaign.organisation} "
            f"or {campaign.oh_service}."
        )
    named, _ = CampaignVaccinator.objects.get_or_create(campaign=campaign, user=user, defaults={"added_by": by})
    return named


@transaction.atomic
def add_batch(*, by: User, product: VaccineProduct, batch_number: str, expires_on: date) -> VaccineBatch:
    oh_service = _oh_service_of(by)
    batch_number = batch_number.strip().upper()
    if expires_on < timezone.localdate():
        raise ImmunisationError(f"Batch {batch_number} has already expired: it cannot be added.")
    if VaccineBatch.objects.filter(oh_service=oh_service, product=product, batch_number=batch_number).exists():
        raise ImmunisationError(f"Batch {batch_number} of {product} is already held.")
    return VaccineBatch.objects.create(
        oh_service=oh_service, product=product, batch_number=batch_number, expires_on=expires_on, added_by=by
    )


@dataclass(frozen=True)
class VaccinationDetails:
    outcome: str
    consent_given: bool = False
    batch: VaccineBatch | None = None
    site: str = ""
    decline_reason: str = ""
    elsewhere: str = ""
    given_on: date | None = None  # vaccinated elsewhere: when, as the person says; otherwise today


def _vaccination_fields(campaign: Campaign, details: VaccinationDetails, today: date) -> dict[str, object]:
    if details.outcome == Outcome.VACCINATED:
        if not details.consent_given:
            raise ImmunisationError("Record that the person has given their consent before recording the vaccination.")
        if details.batch is None:
            raise ImmunisationError("Choose the batch the vaccine came from.")
        _check_batch(details.batch, campaign, today)
        if not details.site:
            raise ImmunisationError("Choose the arm the vaccine was given in.")
        return {"consent_given": True, "batch": details.batch, "site": details.site, "given_on": today}
    if details.outcome == Outcome.DECLINED:
        if not details.decline_reason:
            raise ImmunisationError("Choose the reason the person gave for declining.")
        return {"decline_reason": details.decline_reason, "given_on": today}
    if details.outcome == Outcome.VACCINATED_ELSEWHERE:
        given_on = details.given_on or today
        if given_on > today:
            raise ImmunisationError("The date they were vaccinated cannot be in the future.")
        if given_on < campaign.starts_on - timedelta(days=31):
            raise ImmunisationError(
                f"A vaccination before {campaign.starts_on - timedelta(days=31):%-d %B %Y} is last season's: "
                "it does not count for this campaign."
            )
        if not details.elsewhere:
            raise ImmunisationError("Choose where they were vaccinated.")
        return {"elsewhere": details.elsewhere, "given_on": max(given_on, campaign.starts_on)}
    raise ImmunisationError("Choose whether the person was vaccinated, was vaccinated elsewhere, or declined.")


@transaction.atomic
def record_vaccination(
    *,
    by: User,
    campaign: Campaign,
    employee: Employee,
    details: VaccinationDetails,
    clinic: CampaignClinic | None = None,
) -> Vaccination:
    """One outcome per member of staff per campaign. A decline may later become a vaccination (people change their
    minds); a vaccination is not recorded twice."""
    check_campaign(by, campaign, "record_vaccination")
    if employee.organisation_id != campaign.organisation_id:
        raise ImmunisationError(f"{employee.full_name} is not on the staff of {campaign.organisation}.")
    if clinic is not None and clinic.campaign_id != campaign.pk:
        raise ImmunisationError("That clinic belongs to another campaign.")
    today = timezone.localdate()
    fields = _vaccination_fields(campaign, details, today)
    existing = Vaccination.objects.select_for_update().filter(campaign=campaign, employee=employee).first()
    if existing is not None and existing.outcome != Outcome.DECLINED:
        raise ImmunisationError(
            f"{employee.full_name} is already recorded as {existing.get_outcome_display().lower()} "
            f"on {existing.given_on:%-d %B %Y}."
        )
    values = {
        "outcome": details.outcome,
        "consent_given": False,
        "decline_reason": "",
        "elsewhere": "",
        "batch": None,
        "site": "",
        **fields,
        "clinic": clinic,
        "recorded_by": by,
    }
    if existing is None:
        return Vaccination.objects.create(campaign=campaign, employee=employee, **values)
    for name, value in values.items():
        setattr(existing, name, value)
    existing.save()
    return existing
