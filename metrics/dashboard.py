"""The board dashboard assembled: tiles, trends, breakdowns and the ICS benchmark, as the page and the annual
report's PDF show them (small numbers suppressed for the board)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from . import charts, presenters, selectors
from .definitions import KPIS
from .disclosure import SUPPRESSED, breakdown_total, protect, suppress_breakdown
from .periods import last_complete_months, last_months
from .scopes import Scope

TREND_KPIS = [
    "REFERRALS_RECEIVED",
    "WAIT_TO_FIRST_APPT",
    "REPORT_TURNAROUND",
    "RETURN_TO_WORK",
    "OUTCOME_CAPTURE",
    "SATISFACTION",
]
BENCHMARK_KPIS = [
    "REFERRALS_RECEIVED",
    "WAIT_TO_FIRST_APPT",
    "REPORT_TURNAROUND",
    "RETURN_TO_WORK",
    "OUTCOME_CAPTURE",
    "ADJUSTMENTS_IN_PLACE",
]


def dashboard_context(scope: Scope, scopes: list[Scope], *, suppress: bool) -> dict[str, Any]:
    # Tiles, breakdowns and the benchmark cover the last 12 whole months, added up from the monthly
    # rollup; the trend charts also show this month so far (rolled up every 10 minutes).
    today = timezone.localdate()
    start, end = last_complete_months(12, today)
    tiles = [presenters.tile(t.kpi, t.figure, suppress=suppress) for t in selectors.headline(scope, start, end)]
    months = last_months(13, today)
    trend_series = selectors.many_series(TREND_KPIS, scope, months)
    trends = []
    for code in TREND_KPIS:
        kpi = KPIS[code]
        points = trend_series[code]
        hidden = selectors.hidden_months(code, scope, today) if suppress else set()
        shown = presenters.monthly_values(kpi, points, suppress=suppress, hidden=hidden)
        numeric = [v if isinstance(v, int | float) else None for v in shown]
        trends.append(
            {
                "kpi": kpi,
                "svg": charts.trend_svg(kpi.name, months, numeric, kpi.target),
                "rows": [(m, presenters.display(kpi, v)) for m, v in zip(months, shown, strict=True)],
            }
        )
    breakdowns = []
    for key, (label, field) in selectors.BREAKDOWNS.items():
        counts = selectors.referral_breakdown(scope, start, end, field)
        shown_counts = suppress_breakdown(counts) if suppress else counts
        breakdowns.append(
            {
                "key": key,
                "label": label,
                "rows": list(shown_counts.items()),
                "total": breakdown_total(counts) if suppress else sum(counts.values()),
            }
        )
    if suppress and selectors.board_total_hidden("REFERRALS_RECEIVED", scope):
        # A set adding up to the total could not be protected by hiding cells: the total goes, everywhere.
        tiles = [{**t, "value": SUPPRESSED} if t["kpi"].code == "REFERRALS_RECEIVED" else t for t in tiles]
        breakdowns = [{**b, "total": SUPPRESSED} for b in breakdowns]
    benchmark = []
    if scope.kind == "ics":
        rows = [(member.organisation, selectors.headline(member, start, end, BENCHMARK_KPIS)) for member in scopes[1:]]
        # The members of an additive count add up to the ICS tile beside them: protected as one set, keyed by
        # name as the organisation breakdown is, so both make the same choice.
        protected = {
            code: protect({org.name: tiles[i].figure.value for org, tiles in rows})[0]
            for i, code in enumerate(BENCHMARK_KPIS)
            if code in selectors.ADDITIVE_COUNTS and suppress
        }
        for org, member_tiles in rows:
            row = []
            for code, t in zip(BENCHMARK_KPIS, member_tiles, strict=True):
                cell = presenters.tile(t.kpi, t.figure, suppress=suppress)
                if code in protected and protected[code][org.name] == SUPPRESSED:
                    cell = {**cell, "value": SUPPRESSED, "meets_target": None}
                row.append(cell)
            benchmark.append((org, row))
    return {
        "scope": scope,
        "scopes": scopes,
        "tiles": tiles,
        "trends": trends,
        "breakdowns": breakdowns,
        "benchmark": benchmark,
        "benchmark_kpis": [KPIS[c] for c in BENCHMARK_KPIS],
        "start": start,
        "end": end,
        "suppressed": suppress,
    }
