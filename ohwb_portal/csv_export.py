"""The one way the portal writes CSV: every cell through `safe_cell`, against spreadsheet formula injection.

A spreadsheet may run a cell as a formula when it starts with = + - @, and some skip leading blanks
or read full-width and small forms (＝, ﹢) as the ASCII sign. So the cell is normalised (NFKC),
leading blanks and invisible characters are set aside, and if what is left starts with a trigger or
a lookalike (any dash, the minus signs), or the cell starts with a control character (tab, newline),
the cell gets a leading quote. The text itself is kept whole. Numbers (not text) are written as they are.
"""

from __future__ import annotations

import csv
import unicodedata
from decimal import Decimal
from typing import Any

TRIGGERS = frozenset("=+-@")
# Lookalikes NFKC leaves alone: the minus signs and heavy plus/minus; every dash (category Pd) as well.
LOOKALIKES = frozenset("\u2212\u2795\u2796\u2052")


def _invisible(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf")


def is_dangerous(text: str) -> bool:
    if not text:
        return False
    if unicodedata.category(text[0]) in ("Cc", "Cf"):
        return True
    first = next((c for c in unicodedata.normalize("NFKC", text) if not _invisible(c)), "")
    return bool(first) and (first in TRIGGERS or first in LOOKALIKES or unicodedata.category(first) == "Pd")


def safe_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if is_dangerous(text) else text


class SafeWriter:
    """csv.writer whose every cell has gone through safe_cell."""

    def __init__(self, stream: Any) -> None:
        self._writer = csv.writer(stream)

    def writerow(self, row: list[object]) -> Any:
        return self._writer.writerow([safe_cell(cell) for cell in row])
