"""The demo DPS: lots, the seven NHS England regions, ten suppliers and two call-offs (runs once)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from organisations.models import Organisation
from organisations.roles import OrganisationKind

from .models import (
    CallOff,
    CallOffStatus,
    DeliveryMode,
    Framework,
    Lot,
    LotCode,
    MonthlyReturn,
    RateCard,
    Region,
    RegionCode,
    ServiceLevel,
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
UNITS = {
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


def seed(world: Any) -> None:
    if Framework.objects.filter(name="OH capacity DPS").exists():
        return
    rng = world.rng
    today = timezone.localdate()
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
        if n == 0 and LotCode.MANAGEMENT_REFERRALS not in chosen:
            chosen.append(LotCode.MANAGEMENT_REFERRALS)
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


def _call_offs(world: Any, supplier: Supplier, lots: dict[str, Lot], today: Any) -> None:
    now = timezone.now()
    active = CallOff.objects.create(
        client=world.trusts[1],
        supplier=supplier,
        start_date=today - timedelta(days=240),
        end_date=today + timedelta(days=80),
        estimated_value=Decimal("240000"),
        client_signatory=world.users["procurement2"],
        supplier_signatory_name="Jane Doe, Commercial Director",
        created_by=world.users["procurement2"],
    )
    active.lots.set([lots[LotCode.MANAGEMENT_REFERRALS]])
    levels = [
        ServiceLevel.objects.create(
            call_off=active, metric=ServiceLevelMetric.APPOINTMENT_WITHIN, working_days=10, target_percent=95
        ),
        ServiceLevel.objects.create(
            call_off=active, metric=ServiceLevelMetric.REPORT_WITHIN, working_days=2, target_percent=90
        ),
    ]
    # Signed once its terms are complete: after the supplier's signature they are frozen.
    active.status = CallOffStatus.ACTIVE
    active.client_signed_by, active.client_signed_at = world.users["procurement2"], now - timedelta(days=250)
    active.supplier_signed_by, active.supplier_signed_at = world.users["supplier"], now - timedelta(days=248)
    active.save()
    for months_ago in range(1, 7):
        month = (today.replace(day=1) - timedelta(days=28 * months_ago)).replace(day=1)
        MonthlyReturn.objects.get_or_create(
            call_off=active,
            month=month,
            defaults={
                "cases_handled": world.rng.randint(20, 45),
                "submitted_by": world.users["supplier"],
                "levels_met": {str(level.pk): world.rng.randint(85, 100) for level in levels},
            },
        )
    draft = CallOff.objects.create(
        client=world.trusts[0],
        supplier=supplier,
        start_date=today + timedelta(days=30),
        end_date=today + timedelta(days=395),
        estimated_value=Decimal("90000"),
        client_signatory=world.users["procurement"],
        supplier_signatory_name="Jane Doe, Commercial Director",
        created_by=world.users["procurement"],
    )
    draft.lots.set([lots[LotCode.PRE_EMPLOYMENT]])
