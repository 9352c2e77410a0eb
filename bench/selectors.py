"""Reads of the control page: every fortune, sorted, in one query (as TechEmpower's fortunes test reads them)."""

from __future__ import annotations

from .models import Fortune

# Added at request time, as the TechEmpower test does, so the sort is the page's work and not only the database's.
EXTRA_FORTUNE = "Additional fortune added at request time."


def fortunes() -> list[str]:
    messages = list(Fortune.objects.values_list("message", flat=True))
    messages.append(EXTRA_FORTUNE)
    return sorted(messages)
