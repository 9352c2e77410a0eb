"""Suppliers as people read them: the accreditation's number, whether it is valid today, and until when."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ohwb_portal.money import pounds

from .models import AgreementStatus, Lot, Supplier

# Numbers are often typed with the scheme's name in front ("SEQOHS-1006"); the page says "SEQOHS" once.
_SCHEME_PREFIX = re.compile(r"^\s*SEQOHS[\s:_-]*", re.IGNORECASE)


@dataclass(frozen=True)
class Accreditation:
    number: str
    expires: date | None
    valid: bool


def accreditation(supplier: Supplier, today: date) -> Accreditation:
    return Accreditation(
        number=_SCHEME_PREFIX.sub("", supplier.seqohs_number),
        expires=supplier.accreditation_expires,
        valid=supplier.accreditation_expires is not None and not supplier.accreditation_lapsed_on(today),
    )


@dataclass(frozen=True)
class CompareRow:
    lot: Lot
    cells: list[tuple[Supplier, list[str]]]  # per supplier, as compared: its rates for the lot, or what it offers


def compare_rows(shown: list[Supplier], lots: Iterable[Lot]) -> list[CompareRow]:
    """A lot row per lot any compared supplier offers; a supplier that does not offer it says so, never a blank."""
    rows = []
    for lot in lots:
        cells = []
        for supplier in shown:
            rates = [
                f"{pounds(r.price)} {r.unit}" for r in getattr(supplier, "visible_rates", []) if r.lot_id == lot.pk
            ]
            offered = any(own.pk == lot.pk for own in supplier.lots.all())
            cells.append((supplier, rates or (["On this lot"] if offered else ["Not offered"])))
        rows.append(CompareRow(lot, cells))
    return rows


STATUS_TAG_COLOURS = {"draft": "grey", "signed": "blue", "active": "green", "terminated": "red", "expired": "grey"}


def status_tag_colour(status: AgreementStatus) -> str:
    return STATUS_TAG_COLOURS.get(status.code, "yellow")
