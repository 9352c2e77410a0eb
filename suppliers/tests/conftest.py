from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from organisations.roles import OrganisationKind, Role
from organisations.tests.factories import OrganisationFactory, member
from suppliers.models import Framework, Lot, LotCode, RateCard, Region, RegionCode, Supplier, SupplierStatus


class Dps:
    def __init__(self, world):
        self.world = world
        today = timezone.localdate()
        self.framework = Framework.objects.create(name="OH capacity DPS", operator=world.framework_operator)
        self.lots = {code: Lot.objects.create(framework=self.framework, code=code) for code in LotCode.values}
        self.regions = {code: Region.objects.create(code=code) for code in RegionCode.values}
        supplier_oh = OrganisationFactory(name="Acme OH service", kind=OrganisationKind.OH_SERVICE)
        self.acme = self.supplier(
            world.supplier,
            "Acme OH Ltd",
            today + timedelta(days=200),
            oh_service=supplier_oh,
            regions=["london", "south_east"],
            lots=["management_referrals", "physiotherapy"],
            modes="face_to_face video",
            price="180.00",
        )
        other = OrganisationFactory(name="Beta Health", kind=OrganisationKind.SUPPLIER)
        self.beta = self.supplier(
            other,
            "Beta Health Ltd",
            today + timedelta(days=20),
            regions=["north_west"],
            lots=["management_referrals", "vaccination"],
            modes="telephone",
            price="150.00",
        )
        self.procurement = member(Role.PROCUREMENT, world.trust_a)
        self.acme_user = member(Role.SUPPLIER, world.supplier)
        self.beta_user = member(Role.SUPPLIER, other)
        self.admin = member(Role.FRAMEWORK_ADMIN, world.framework_operator)

    def supplier(self, organisation, name, expires, *, regions, lots, modes, price, oh_service=None):
        supplier = Supplier.objects.create(
            organisation=organisation,
            framework=self.framework,
            legal_name=name,
            seqohs_number=f"SEQ-{name[:3]}",
            accreditation_expires=expires,
            status=SupplierStatus.ADMITTED,
            delivery_modes=modes,
            oh_service=oh_service,
        )
        supplier.regions.set([self.regions[r] for r in regions])
        supplier.lots.set([self.lots[code] for code in lots])
        RateCard.objects.create(
            supplier=supplier,
            lot=self.lots[lots[0]],
            unit="per assessment",
            price=Decimal(price),
            valid_from=timezone.localdate(),
        )
        return supplier


@pytest.fixture
def dps(world):
    return Dps(world)
