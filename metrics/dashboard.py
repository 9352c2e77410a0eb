"""The board dashboard assembled: tiles, trends, breakdowns and the ICS benchmark, as the page and the annual
report's PDF show them (small numbers suppressed for the board)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings

from health_protection.immunisation.selectors import season_campaigns, season_uptake
from ohwb_portal.caching import remembered

from . import charts, presenters, selectors
from .compute import Figure
from .definitions import KPIS, Kpi
from .disclosure import SUPPRESSED, breakdown_total, protect, suppress_breakdown, suppress_rate, threshold
from .periods import MonthRange, month_end
from .scopes import Scope, campaign_filter

TREND_KPIS = [
    "REFERRALS_RECEIVED",
    "WAIT_TO_FIRST_APPT",
    "REPORT_TURNAROUND",
    "RETURN_TO_WORK",
    "OUTCOME_CAPTURE",
    "SATISFACTION",
    "INJURIES_ASSESSED_SAME_DAY",
    "SURVEILLANCE_COMPLIANCE",
    "FLU_UPTAKE_FRONTLINE",
]
BENCHMARK_KPIS = [
    "REFERRALS_RECEIVED",
    "WAIT_TO_FIRST_APPT",
    "REPORT_TURNAROUND",
    "RETURN_TO_WORK",
    "OUTCOME_CAPTURE",
    "ADJUSTMENTS_IN_PLACE",
    "SURVEILLANCE_COMPLIANCE",
]


def breakdown_tables(scope: Scope, start: date, end: date, *, suppress: bool) -> list[dict[str, Any]]:
    """Referrals by each breakdown over a period, in words, small numbers protected (the page, PDF and CSV)."""
    tables = []
    for key, (label, field) in selectors.BREAKDOWNS.items():
        counts = selectors.referral_breakdown(scope, start, end, field)
        shown_counts = suppress_breakdown(counts) if suppress else counts
        tables.append(
            {
                "key": key,
                "label": label,
                "rows": [(selectors.breakdown_label(field, value), n) for value, n in shown_counts.items()],
                "total": breakdown_total(counts) if suppress else sum(counts.values()),
            }
        )
    return tables


def monthly_rows(
    kpi: Kpi, period: MonthRange, points: list[tuple[date, Figure]], *, suppress: bool, scope: Scope
) -> list[dict[str, Any]]:
    """Each month of a KPI as shown: its label in words (this month marked "month to date") and value."""
    hidden = selectors.hidden_months(kpi.code, scope, period.today) if suppress else set()
    shown = presenters.monthly_values(kpi, points, suppress=suppress, hidden=hidden)
    return [
        {
            "month": month,
            "label": presenters.month_label(month, incomplete=month == period.incomplete),
            "incomplete": month == period.incomplete,
            "value": value,
            "shown": presenters.display(kpi, value),
        }
        for (month, _), value in zip(points, shown, strict=True)
    ]


def flu_season(scope: Scope, *, suppress: bool, today: date) -> dict[str, Any] | None:
    """This flu season week by week and by the national return's staff groups, for the scope's organisations; None
    when none of them has a campaign this season. For the board, a rate whose count or complement is 1 to 4 is
    hidden (disclosure control), and counts are not shown at all: only shares."""
    campaigns = season_campaigns(campaign_filter(scope), today)
    if not campaigns:
        return None
    season = season_uptake(campaigns, today)

    def shown(vaccinated: int, staff: int) -> float | str | None:
        value = round(100.0 * vaccinated / staff, 1) if staff else None
        return suppress_rate(value, vaccinated, staff) if suppress else value

    weeks = [(w.week_ending, shown(w.vaccinated, w.staff)) for w in season.weeks]
    numeric = [v if isinstance(v, int | float) else None for _, v in weeks]
    groups = [*season.groups.values(), season.frontline, season.other]
    return {
        "season": f"{min(c.starts_on for c in campaigns):%B %Y} to {max(c.ends_on for c in campaigns):%B %Y}",
        "target": season.target_percent,
        "svg": charts.weekly_svg(
            "Flu vaccination, frontline staff (%)", [w for w, _ in weeks], numeric, season.target_percent
        ),
        "weeks": [(w, presenters.display(KPIS["FLU_UPTAKE_FRONTLINE"], v)) for w, v in weeks],
        "groups": [
            (g.label, presenters.display(KPIS["FLU_UPTAKE_FRONTLINE"], shown(g.vaccinated, g.staff))) for g in groups
        ],
        "organisations": len(campaigns),
    }


@dataclass(frozen=True)
class BenchmarkMember:
    """A member organisation as the benchmark names it: its figures are kept in the cache, not the organisation."""

    pk: int
    name: str


def board_figures(scope: Scope, scopes: list[Scope], *, suppress: bool, period: MonthRange) -> dict[str, Any]:
    """Everything the dashboard shows of a scope over a period, small numbers already protected: aggregates only,
    so it may be kept in a shared cache (`cached_dashboard_context`)."""
    # Tiles, breakdowns and the benchmark add up the whole months of the range from the monthly rollup; the
    # trend charts also show this month so far (rolled up every 10 minutes), marked incomplete.
    start, end = period.headline_period
    judged = period.judged
    tiles = [
        presenters.tile(t.kpi, t.figure, suppress=suppress, judged=judged)
        for t in selectors.headline(scope, start, end)
    ]
    months = period.months
    trend_series = selectors.many_series(TREND_KPIS, scope, months)
    trends = []
    for code in TREND_KPIS:
        kpi = KPIS[code]
        month_rows = monthly_rows(kpi, period, trend_series[code], suppress=suppress, scope=scope)
        numeric = [r["value"] if isinstance(r["value"], int | float) else None for r in month_rows]
        trends.append(
            {
                "kpi": kpi,
                "svg": charts.trend_svg(kpi.name, months, numeric, kpi.target, period.incomplete is not None),
                "rows": month_rows,
            }
        )
    breakdowns = breakdown_tables(scope, start, end, suppress=suppress)
    if suppress and selectors.period_total_hidden("REFERRALS_RECEIVED", scope, start, end):
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
                cell = presenters.tile(t.kpi, t.figure, suppress=suppress, judged=judged)
                if code in protected and protected[code][org.name] == SUPPRESSED:
                    cell = {**cell, "value": SUPPRESSED, "meets_target": None}
                row.append(cell)
            benchmark.append((BenchmarkMember(org.pk, org.name), row))
    return {
        "tiles": tiles,
        "trends": trends,
        "breakdowns": breakdowns,
        "benchmark": benchmark,
        "benchmark_kpis": [KPIS[c] for c in BENCHMARK_KPIS],
        "start": start,
        "end": end,
        "judged": judged,
        "suppressed": suppress,
        "flu": flu_season(scope, suppress=suppress, today=min(period.today, month_end(period.last))),
    }


def dashboard_context(
    scope: Scope, scopes: list[Scope], *, suppress: bool, period: MonthRange | None = None
) -> dict[str, Any]:
    """The dashboard assembled now (the annual report's PDF, which must show the figures of the moment)."""
    period = period or MonthRange.default()
    return {
        "scope": scope,
        "scopes": scopes,
        "period": period,
        **board_figures(scope, scopes, suppress=suppress, period=period),
    }


# While this month's rollup is stale its figures are computed at each assembly: kept this long, so a busy board
# page computes them once in a while, not on every view.
STALE_SECONDS = 5 * 60


def cached_dashboard_context(
    scope: Scope, scopes: list[Scope], *, suppress: bool, period: MonthRange
) -> dict[str, Any]:
    """The dashboard as `dashboard_context`, its figures kept in the cache under the scope, period, suppression
    threshold and rollup stamp: a new rollup, or this month's going stale, is a new key. Kept until this month's
    rows go stale (a range reaching this month), `STALE_SECONDS` while they are, and as long as a rolled-up
    figure otherwise (a past period's breakdowns are kept as long). One query (the stamp) when kept."""
    stamp = selectors.rollup_stamp(scope)
    members = ",".join(str(s.organisation.pk) for s in scopes[1:]) if scope.kind == "ics" else ""
    key = ":".join(
        [
            "dashboard:v1",
            scope.key,
            f"{period.first}-{period.last}-{period.today}",
            f"suppress={threshold() if suppress else 0}",
            stamp.last.isoformat() if stamp.last else "never",
            "fresh" if stamp.this_month_fresh else "stale",
            hashlib.sha256(members.encode()).hexdigest()[:16],
        ]
    )
    if period.incomplete is None:
        seconds = settings.OHWB_KPI_FRESH_MINUTES * 60
    else:
        seconds = stamp.seconds_fresh() if stamp.this_month_fresh else STALE_SECONDS
    figures = remembered(key, seconds, lambda: board_figures(scope, scopes, suppress=suppress, period=period))
    return {"scope": scope, "scopes": scopes, "period": period, **figures}
