"""Board dashboard, KPI definitions, CSV export, annual report requests and the satisfaction survey."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django_ratelimit.core import get_usage

from assessments.views import client_address  # the one rule for which address a limit counts
from audit.models import AccessKind
from audit.services import log_access, log_shown
from ohwb_portal.access import roles_required
from ohwb_portal.csv_export import SafeWriter
from organisations.roles import Role

from . import charts, presenters, selectors, services
from .definitions import KPIS
from .disclosure import SUPPRESSED, breakdown_total, protect, suppress_breakdown
from .forms import BoardReportForm, SurveyForm
from .models import BoardReport, BoardReportStatus, SatisfactionSurvey
from .scopes import Scope, scopes_visible_to, suppresses_small_numbers

DASHBOARD_ROLES = (Role.BOARD, Role.OH_ADMIN, Role.CLINICIAN, Role.SUPPLIER)
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


def chosen_scope(request: HttpRequest) -> tuple[Scope, list[Scope]]:
    """The scope asked for (?scope=<organisation id>) if this user may see it, else 404."""
    scopes = scopes_visible_to(request.user)
    if not scopes:
        raise Http404
    wanted = request.GET.get("scope")
    if not wanted:
        return scopes[0], scopes
    for scope in scopes:
        if str(scope.organisation.pk) == wanted:
            return scope, scopes
    raise Http404


def dashboard_context(scope: Scope, scopes: list[Scope], *, suppress: bool) -> dict[str, Any]:
    # Tiles, breakdowns and the benchmark cover the last 12 whole months, added up from the monthly
    # rollup; the trend charts also show this month so far (rolled up every 10 minutes).
    today = timezone.localdate()
    start, end = selectors.last_complete_months(12, today)
    tiles = [presenters.tile(t.kpi, t.figure, suppress=suppress) for t in selectors.headline(scope, start, end)]
    months = selectors.last_months(13, today)
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


@roles_required(*DASHBOARD_ROLES)
def dashboard(request: HttpRequest) -> HttpResponse:
    scope, scopes = chosen_scope(request)
    context = dashboard_context(scope, scopes, suppress=suppresses_small_numbers(request.user))
    return render(request, "metrics/dashboard.html", context)


@roles_required(*DASHBOARD_ROLES)
def definitions(request: HttpRequest) -> HttpResponse:
    return render(request, "metrics/definitions.html", {"kpis": KPIS.values()})


@roles_required(*DASHBOARD_ROLES)
def export_csv(request: HttpRequest) -> HttpResponse:
    scope, _ = chosen_scope(request)
    suppress = suppresses_small_numbers(request.user)
    months = selectors.last_months(13)  # the dashboard's trend months, hidden alike
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kpis-{scope.organisation.ods_code}.csv"'
    writer = SafeWriter(response)  # quotes any cell a spreadsheet could run as a formula
    writer.writerow(["scope", "kpi", "name", "month", "value", "target"])
    for code, kpi in KPIS.items():
        points = selectors.series(code, scope, months)
        hidden = selectors.hidden_months(code, scope) if suppress else set()
        values = presenters.monthly_values(kpi, points, suppress=suppress, hidden=hidden)
        for (month, _), value in zip(points, values, strict=True):
            writer.writerow([scope.organisation.name, code, kpi.name, f"{month:%Y-%m}", value, kpi.target_words])
    log_access(user=request.user, kind=AccessKind.EXPORT, obj=scope.organisation, reason="KPI table export (CSV)")
    return response


@roles_required(Role.BOARD, Role.OH_ADMIN, Role.CLINICIAN)
def board_reports(request: HttpRequest) -> HttpResponse:
    scope, _ = chosen_scope(request)
    form = BoardReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.request_board_report(user=request.user, scope=scope, narrative=form.narrative())
        messages.success(request, "The report is being built. You will get a notification when it is ready.")
        return redirect(f"{request.path}?scope={scope.organisation.pk}")
    reports = BoardReport.objects.filter(scope=scope.organisation)
    return render(request, "metrics/board_reports.html", {"form": form, "reports": reports, "scope": scope})


@roles_required(Role.BOARD, Role.OH_ADMIN, Role.CLINICIAN)
def download_report(request: HttpRequest, pk: int) -> HttpResponse:
    allowed = [s.organisation for s in scopes_visible_to(request.user)]
    report = get_object_or_404(BoardReport, pk=pk, scope__in=allowed, status=BoardReportStatus.READY)
    log_shown(user=request.user, objects=[report], kind=AccessKind.EXPORT, reason="Downloaded the board report (PDF)")
    response = HttpResponse(report.pdf.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="annual-wellbeing-report-{report.pk}.pdf"'
    return response


# Failed attempts (unknown or used links) per address in 10 minutes: plenty for someone who mistypes a
# link, far too few to guess tokens. Only failures count, so colleagues behind one NHS address who open
# their own links are never held up; past the limit every request from that address is refused.
SURVEY_RATE_LIMIT = "30/10m"


def _survey_guessing(request: HttpRequest, *, failed: bool = False) -> bool:
    """Count a failed attempt (failed=True), or say whether this address has used up its attempts."""
    usage = get_usage(request, group="metrics.survey", key=client_address, rate=SURVEY_RATE_LIMIT, increment=failed)
    return usage is not None and usage["count"] >= usage["limit"]


def survey(request: HttpRequest, token: str) -> HttpResponse:
    """The service-user survey: no account, single use, rate limited per address."""
    if _survey_guessing(request):
        return render(request, "metrics/survey_done.html", {"limited": True}, status=429)
    record = SatisfactionSurvey.objects.by_token(token)
    if record is None or record.answered_at is not None:
        _survey_guessing(request, failed=True)
        return render(request, "metrics/survey_done.html", {"used": record is not None}, status=410 if record else 404)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.answer_survey(survey=record, **form.cleaned_data)
        return render(request, "metrics/survey_done.html", {"thanks": True})
    return render(request, "metrics/survey.html", {"form": form})
