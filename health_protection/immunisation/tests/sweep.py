"""Objects for the authorization matrix's own-versus-other sweep (ohwb_portal/tests/sweep_objects.py BUILDERS):
campaigns and clinics in every state (not started, running, ended), and staff with and without an immunisation record.

Own: trust A's campaign, run by the test OH service, with the sweep's vaccinator named on it. Other: trust B's, run
by the OH service serving trust B, with a vaccinator of that service named on it. Every role that the route lets in
must get its answer on each own object and 404 on each other one.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from accounts.models import User
from health_protection.immunisation import services
from health_protection.immunisation.models import (
    Campaign,
    CampaignClinic,
    CampaignKind,
    CampaignVaccinator,
    VaccineBatch,
    VaccineProduct,
)
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member

if TYPE_CHECKING:
    from ohwb_portal.tests.sweep_objects import Kwargs, Sweep

_CALLS = itertools.count()


def _dates(state: str, n: int, today: date) -> tuple[date, date]:
    """(starts, ends) of a campaign in `state`; `n` moves the start so that each call makes a season of its own
    (one campaign per organisation, vaccine and start date)."""
    if state == "planned":
        return today + timedelta(days=1 + n), today + timedelta(days=150 + n)
    if state == "running":
        return today - timedelta(days=1 + n), today + timedelta(days=120)
    return today - timedelta(days=200 + n), today - timedelta(days=1)


STATES = ("planned", "running", "ended")


def _people(sweep: Sweep, side: str) -> tuple[Any, Any]:
    """(the OH clinician running it, the vaccinator named on it) for one side."""
    if side == "own":
        return sweep.users[Role.CLINICIAN], sweep.users[Role.VACCINATOR]
    # Looked up, not kept on the sweep: each route's test runs in a savepoint rolled back after it.
    vaccinator = User.objects.filter(username="sweep-b-vaccinator").first()
    return sweep.b_clinician, vaccinator or member(Role.VACCINATOR, sweep.world.other_oh_service, "sweep-b-vaccinator")


def _batch(clinician: Any, oh_service: Any) -> VaccineBatch:
    found = VaccineBatch.objects.filter(oh_service=oh_service, expires_on__gte=timezone.localdate()).first()
    if found:
        return found
    product = VaccineProduct.objects.filter(kind=CampaignKind.FLU).first()
    assert product is not None  # the migration's reference data
    return services.add_batch(
        by=clinician, product=product, batch_number="SWEEP1", expires_on=timezone.localdate() + timedelta(days=365)
    )


def campaigns(sweep: Sweep, side: str) -> list[Campaign]:
    """One campaign in each state, for this side, with the side's vaccinator named on it."""
    clinician, vaccinator = _people(sweep, side)
    trust = sweep.world.trust_a if side == "own" else sweep.world.trust_b
    today, n = timezone.localdate(), next(_CALLS)
    made = []
    for state in STATES:
        starts_on, ends_on = _dates(state, n, today)
        campaign = Campaign.objects.create(
            organisation=trust,
            oh_service=clinician.active_membership.organisation,
            kind=CampaignKind.FLU,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=clinician,
        )
        CampaignVaccinator.objects.create(campaign=campaign, user=vaccinator, added_by=clinician)
        made.append(campaign)
    return made


def campaign_kwargs(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    return [{"pk": c.pk} for c in campaigns(sweep, side)]


def clinics(sweep: Sweep, side: str) -> list[CampaignClinic]:
    clinician, _ = _people(sweep, side)
    found = []
    for campaign in campaigns(sweep, side):
        batch = _batch(clinician, campaign.oh_service)
        found.append(
            CampaignClinic.objects.create(
                campaign=campaign,
                place="Ward 7",
                on=min(max(timezone.localdate(), campaign.starts_on), campaign.ends_on),
                batch=batch,
                created_by=clinician,
            )
        )
    return found


def clinic_kwargs(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    return [{"pk": c.pk} for c in clinics(sweep, side)]


def clinic_person_kwargs(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    found = []
    for clinic in clinics(sweep, side):
        person = EmployeeFactory(organisation=clinic.campaign.organisation)
        found.append({"pk": clinic.pk, "employee_pk": person.pk})
    return found


def campaign_person_kwargs(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    """A member of the campaign's staff on campaigns in every state; for the roles in `running_only_for` on their
    own side, the running campaign only (the one state their request succeeds in)."""
    found = campaigns(sweep, side)
    if side == "own" and role in opts.get("running_only_for", ()):
        found = [c for c in found if c.starts_on <= timezone.localdate() <= c.ends_on]
    return [{"pk": c.pk, "employee_pk": EmployeeFactory(organisation=c.organisation).pk} for c in found]


def record_kwargs(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    clinician, _ = _people(sweep, side)
    trust = sweep.world.trust_a if side == "own" else sweep.world.trust_b
    return [{"pk": services.open_record(by=clinician, employee=EmployeeFactory(organisation=trust)).pk}]


def staff_kwargs(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    """A member of staff with an immunisation record and one without, of trust A (own) or trust B (other)."""
    clinician, _ = _people(sweep, side)
    trust = sweep.world.trust_a if side == "own" else sweep.world.trust_b
    with_record, without = EmployeeFactory(organisation=trust), EmployeeFactory(organisation=trust)
    services.open_record(by=clinician, employee=with_record)
    return [{"pk": with_record.pk}, {"pk": without.pk}]


BUILDERS = {
    "campaign": campaign_kwargs,
    "campaign_clinic": clinic_kwargs,
    "campaign_clinic+employee": clinic_person_kwargs,
    "immunisation_staff": staff_kwargs,
    "immunisation_record": record_kwargs,
    "campaign+employee": campaign_person_kwargs,
}
