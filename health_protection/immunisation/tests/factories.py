"""Test data for staff immunisation: campaigns, batches and clinics made through the services where they exist."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from accounts.models import User
from assessments import services as assessment_services
from assessments.models import Assessment
from health_protection.immunisation import services
from health_protection.immunisation.models import Campaign, CampaignClinic, CampaignKind, VaccineBatch, VaccineProduct
from organisations.models import Employee, Organisation
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member


def product(kind: str = CampaignKind.FLU) -> VaccineProduct:
    return VaccineProduct.objects.filter(kind=kind).order_by("name").first() or VaccineProduct.objects.create(
        name=f"Test {kind} vaccine", kind=kind
    )


def batch(by: User, *, kind: str = CampaignKind.FLU, number: str = "FLU123", expires_in: int = 120) -> VaccineBatch:
    return services.add_batch(
        by=by, product=product(kind), batch_number=number, expires_on=timezone.localdate() + timedelta(days=expires_in)
    )


def campaign(
    by: User,
    organisation: Organisation,
    *,
    kind: str = CampaignKind.FLU,
    starts_on: date | None = None,
    ends_on: date | None = None,
    target: int = 80,
) -> Campaign:
    """Running today unless told otherwise."""
    today = timezone.localdate()
    return services.create_campaign(
        by=by,
        organisation=organisation,
        kind=kind,
        starts_on=starts_on or today - timedelta(days=30),
        ends_on=ends_on or today + timedelta(days=120),
        target_percent=target,
    )


def clinic(
    by: User, campaign_: Campaign, *, batch_: VaccineBatch | None = None, place: str = "Ward 7"
) -> CampaignClinic:
    on = min(max(timezone.localdate(), campaign_.starts_on), campaign_.ends_on)
    return services.add_clinic(by=by, campaign=campaign_, place=place, on=on, batch=batch_)


def vaccinator_on(campaign_: Campaign, organisation: Organisation | None = None, *, by: User) -> User:
    user = member(Role.VACCINATOR, organisation or campaign_.oh_service)
    services.name_vaccinator(by=by, campaign=campaign_, user=user)
    return user


def staff(organisation: Organisation, n: int, **fields: Any) -> list[Employee]:
    return [EmployeeFactory(organisation=organisation, **fields) for _ in range(n)]


def cleared_check(recruiter: User, clinician: User, *, email: str, **states: str) -> Assessment:
    """A pre-employment check cleared as fit with immunisation statuses recorded by its clinician."""
    started = assessment_services.start_check(
        recruiter=recruiter,
        candidate_name="New Starter",
        candidate_email=email,
        job_role="Staff Nurse",
        exposure_prone=False,
    )
    token = started.link_url.rstrip("/").rsplit("/", 1)[-1]
    assessment_services.save_answers(raw_token=token, answers={}, submit=True)
    check = started.assessment
    check.refresh_from_db()
    values = {"mmr": "complete", "varicella": "complete", "hepatitis_b": "outstanding", "tb_screening": "complete"}
    assessment_services.record_immunisations(assessment=check, by=clinician, **{**values, **states})
    return assessment_services.clear(assessment=check, by=clinician, outcome="fit")
