"""Suppliers as people read them: the accreditation's number, whether it is valid today, and until when."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .models import Supplier

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
