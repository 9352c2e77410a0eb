"""The vaccines in use for staff campaigns, as reference data.

Migration 0002 adds them to every database. `first_product` adds any that are missing again first, because a
database can lose them after its migrations ran (a test database flushed between tests), and the demo and the load
generator need one to make batches of.
"""

from __future__ import annotations

from .models import CampaignKind, VaccineProduct

PRODUCTS = [
    ("Cell-based influenza vaccine (TIVc)", CampaignKind.FLU),
    ("Recombinant influenza vaccine (QIVr)", CampaignKind.FLU),
    ("Adjuvanted influenza vaccine (aTIV)", CampaignKind.FLU),
    ("COVID-19 mRNA vaccine (Comirnaty)", CampaignKind.COVID_19),
    ("COVID-19 mRNA vaccine (Spikevax)", CampaignKind.COVID_19),
]


def first_product(kind: str) -> VaccineProduct:
    for name, product_kind in PRODUCTS:
        VaccineProduct.objects.get_or_create(name=name, defaults={"kind": product_kind})
    return VaccineProduct.objects.filter(kind=kind).order_by("name").first()  # type: ignore[return-value]
