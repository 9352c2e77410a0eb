"""The demo DPS: lots, the seven NHS England regions, ten suppliers and two call-offs (runs once)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from organisations.demo import DemoWorld, at
from organisations.models import Membership, Organisation
from organisations.roles import OrganisationKind, Role

from . import services
from .models import (
    DeliveryMode,
    Framework,
    Lot,
    LotCode,
    RateCard,
    Region,
    RegionCode,
    ServiceLevelMetric,
    Supplier,
    SupplierStatus,
)

EXTRA_SUPPLIERS = [
    "PeoplePlus OH (demo)",
    "Medigold Health (demo)",
    "Duradiamond Healthcare (demo)",
    "Team Prevent (demo)",
    "Heales Medical (demo)",
    "Latus Health (demo)",
    "Maitland Medical (demo)",
    "Northern OH Partnership (demo)",
]
UNITS: dict[str, tuple[str, int, int]] = {
    LotCode.MANAGEMENT_REFERRALS: ("per assessment", 140, 260),
    LotCode.PRE_EMPLOYMENT: ("per check", 25, 60),
    LotCode.VACCINATION: ("per dose", 12, 30),
    LotCode.HEALTH_SURVEILLANCE: ("per employee", 30, 90),
    LotCode.COUNSELLING: ("per session", 45, 90),
    LotCode.PHYSIOTHERAPY: ("per session", 40, 75),
    LotCode.MENTAL_HEALTH: ("per session", 60, 110),
}


def _legal_name(name: str) -> str:
    return name if " Ltd" in name else name.replace(" (demo)", " Ltd (demo)")


def seed(world: DemoWorld) -> None:
    if Framework.objects.filter(name="OH capacity DPS").exists():
        return
    rng = world.rng
    today = world.today
    world.when(at(today - timedelta(days=300), 9))  # the DPS opened before the year of cases
    framework = Framework.objects.create(name="OH capacity DPS", operator=world.framework_operator)
    lots = {code: Lot.objects.create(framework=framework, code=code) for code in LotCode.values}
    regions = [Region.objects.get_or_create(code=code)[0] for code in RegionCode.values]
    organisations = list(world.suppliers)
    for n, name in enumerate(EXTRA_SUPPLIERS):
        organisations.append(
            Organisation.objects.get_or_create(
                ods_code=f"SUPX{n}", defaults={"name": name, "kind": OrganisationKind.SUPPLIER}
            )[0]
        )
    suppliers = []
    for n, organisation in enumerate(organisations):
        expires = today + timedelta(days=rng.randint(120, 700))
        status = SupplierStatus.ADMITTED
        if n == 3:
            expires = today + timedelta(days=21)  # lapsing soon
        elif n == 4:
            expires, status = today - timedelta(days=10), SupplierStatus.SUSPENDED  # lapsed
        elif n == len(organisations) - 1:
            status = SupplierStatus.APPLIED  # waiting for the framework admin
        supplier = Supplier.objects.create(
            organisation=organisation,
            framework=framework,
            legal_name=_legal_name(organisation.name),
            seqohs_number=f"SEQOHS-{1000 + n}",
            accreditation_expires=expires,
            status=status,
            delivery_modes=" ".join(rng.sample(DeliveryMode.values, rng.randint(1, 4))),
            capacity_statement=f"Capacity for about {rng.choice([50, 120, 300, 600])} referrals a month.",
            contact_name="Commercial team",
            contact_email=f"bids@supplier{n}.example.com",
            oh_service=world.supplier_oh_service if n == 0 else None,
        )
        supplier.regions.set(rng.sample(regions, rng.randint(2, 5)))
        chosen = rng.sample(LotCode.values, rng.randint(2, 6))
        # The demo's call-offs with the first supplier are for these two lots.
        for needed in (LotCode.MANAGEMENT_REFERRALS, LotCode.PRE_EMPLOYMENT):
            if n == 0 and needed not in chosen:
                chosen.append(needed)
        supplier.lots.set([lots[c] for c in chosen])
        for code in chosen:
            unit, low, high = UNITS[code]
            RateCard.objects.create(
                supplier=supplier,
                lot=lots[code],
                unit=unit,
                price=Decimal(rng.randint(low * 100, high * 100)) / 100,
                valid_from=today - timedelta(days=200),
            )
        suppliers.append(supplier)
    _call_offs(world, suppliers[0], lots, today)


def _call_offs(world: DemoWorld, supplier: Supplier, lots: dict[str, Lot], today: Any) -> None:
    """Raised, sent, signed by both sides and reported on through the services, on the dates of the story."""
    procurement2, supplier_user = world.users["procurement2"], world.users["supplier"]
    # Signatories are listed by name and job title where they sign.
    for user, title in (
        (procurement2, "Head of Procurement"),
        (world.users["procurement"], "Procurement Lead"),
        (supplier_user, "Commercial Director"),
    ):
        Membership.objects.filter(user=user, role__in=[Role.PROCUREMENT, Role.SUPPLIER]).update(job_title=title)
    world.when(at(today - timedelta(days=255), 10))
    active = services.raise_call_off(
        by=procurement2,
        supplier=supplier,
        lots=[lots[LotCode.MANAGEMENT_REFERRALS]],
        start_date=today - timedelta(days=240),
        end_date=today + timedelta(days=80),
        # Small enough that the cases the supplier runs in the portal take it past 80% (the page, dashboard, alert).
        estimated_value=Decimal("22000"),
        client_signatory=procurement2,
        supplier_signatory=supplier_user,
        service_levels=[
            {"metric": ServiceLevelMetric.APPOINTMENT_WITHIN, "working_days": 10, "target_percent": 95},
            {"metric": ServiceLevelMetric.REPORT_WITHIN, "working_days": 2, "target_percent": 90},
        ],
    )
    world.when(at(today - timedelta(days=252), 10))
    active = services.send_for_signature(call_off=active, by=procurement2)
    # Signed once its terms are complete: after the supplier's signature they are frozen.
    world.when(at(today - timedelta(days=250), 15))
    active = services.sign(call_off=active, by=procurement2, declared=True)
    world.when(at(today - timedelta(days=248), 11))
    active = services.sign(call_off=active, by=supplier_user, declared=True)
    levels = list(active.service_levels.order_by("pk"))
    # Returns count for months without portal cases: sized to 86% of the estimated value over the six months.
    price = (
        RateCard.objects.filter(supplier=supplier, lot=lots[LotCode.MANAGEMENT_REFERRALS]).latest("valid_from").price
    )
    monthly_cases = int(active.estimated_value * Decimal("0.86") / price / 6)
    for months_ago in range(6, 0, -1):
        month = _months_before(today, months_ago)
        # Sent on the first of the next month; the day before if that is still to come this morning.
        next_first = _months_before(today, months_ago - 1)
        if not world.when(at(next_first, 10)):
            world.when(at(next_first - timedelta(days=1), 17))
        services.submit_monthly_return(
            call_off=active,
            by=supplier_user,
            month=month,
            cases_handled=monthly_cases,
            levels_met={str(level.pk): world.rng.randint(85, 100) for level in levels},
        )
    # Signed by both sides before it starts: "Signed, starts ..." until its start date.
    world.when(at(today - timedelta(days=7), 14))
    upcoming = services.raise_call_off(
        by=world.users["procurement"],
        supplier=supplier,
        lots=[lots[LotCode.PRE_EMPLOYMENT]],
        start_date=today + timedelta(days=30),
        end_date=today + timedelta(days=395),
        estimated_value=Decimal("90000"),
        client_signatory=world.users["procurement"],
        supplier_signatory=supplier_user,
    )
    world.when(at(today - timedelta(days=6), 10))
    upcoming = services.send_for_signature(call_off=upcoming, by=world.users["procurement"])
    upcoming = services.sign(call_off=upcoming, by=world.users["procurement"], declared=True)
    world.when(at(today - timedelta(days=5), 11))
    services.sign(call_off=upcoming, by=supplier_user, declared=True)
    services.value_used_alerts()  # procurement told the agreement has passed 80%


def _months_before(day: date, months: int) -> date:
    """The first day of the month `months` before `day`'s month."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, 1)
