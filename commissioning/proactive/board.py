"""What the board sees of proactive support: counts only, by month, under the disclosure control of every board
figure (metrics.disclosure): small counts shown as "<5", and no total that gives a hidden month away."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from metrics.disclosure import protect
from metrics.periods import MonthRange, month_end
from metrics.scopes import Scope, ScopeKind

from . import selectors

# Offered and taken up only. A third count ("not now") would let a suppressed cell be worked out by subtraction
# once a month's suggestions are all decided (offered - taken up - not now = 0 undecided).
MEASURES = {
    "offered": "Suggested to line managers",
    "taken_up": "Referral sent",
}


@dataclass(frozen=True)
class UptakeTable:
    months: list[tuple[date, dict[str, float | str | None]]]
    totals: dict[str, float | str | None]
    measures: dict[str, str]

    @property
    def empty(self) -> bool:
        return all(not total for total in self.totals.values())


def scope_organisation_ids(scope: Scope) -> list[int]:
    """A board's own organisation; an ICS board's figures add up its members'."""
    organisation = scope.organisation
    if scope.kind == ScopeKind.ICS:
        return [organisation.pk, *organisation.members.values_list("pk", flat=True)]
    return [organisation.pk]


def uptake_table(scope: Scope, period: MonthRange | None = None) -> UptakeTable:
    period = period or MonthRange.default()
    months = period.months
    raw = selectors.uptake_by_month(
        organisation_ids=scope_organisation_ids(scope), first=months[0], last=month_end(months[-1])
    )
    columns: dict[str, dict[date, float | str | None]] = {}
    totals: dict[str, float | str | None] = {}
    for measure in MEASURES:
        # Each measure is a column of months beside its total: protected as one set.
        columns[measure], totals[measure] = protect({m: raw.get(m, {}).get(measure, 0) for m in months})
    rows = [(m, {measure: columns[measure][m] for measure in MEASURES}) for m in months]
    return UptakeTable(rows, totals, MEASURES)
