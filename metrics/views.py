"""Board dashboard, KPI definitions, CSV export, annual report requests and the satisfaction survey."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django_ratelimit.core import get_usage

from audit.models import AccessKind
from audit.services import log_access, log_shown
from ohwb_portal.access import roles_required
from ohwb_portal.client_address import client_address  # the one rule for which address a limit counts
from ohwb_portal.csv_export import SafeWriter
from ohwb_portal.requests import AuthenticatedRequest
from organisations.roles import Role

from . import selectors, services
from .agreements_value import agreements_value
from .dashboard import breakdown_tables, cached_dashboard_context, monthly_rows
from .definitions import KPIS
from .disclosure import SUPPRESSED
from .forms import BoardReportForm, DateRangeForm, SurveyForm
from .models import BoardReport, BoardReportStatus
from .scopes import (
    BOARD_REPORT_ROLES,
    Scope,
    requests_board_reports,
    scopes_visible_to,
    suppresses_small_numbers,
)

DASHBOARD_ROLES = (Role.BOARD, Role.OH_ADMIN, Role.CLINICIAN, Role.SUPPLIER)


def chosen_scope(request: AuthenticatedRequest) -> tuple[Scope, list[Scope]]:
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


def chosen_range(request: AuthenticatedRequest) -> DateRangeForm:
    """The months asked for (?from_month=&from_year=&to_month=&to_year=); wrong input keeps the default range
    and the form says what is wrong."""
    return DateRangeForm(request.GET)


@roles_required(*DASHBOARD_ROLES)
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    scope, scopes = chosen_scope(request)
    range_form = chosen_range(request)
    period = range_form.period()
    context = cached_dashboard_context(scope, scopes, suppress=suppresses_small_numbers(request.user), period=period)
    return render(
        request,
        "metrics/dashboard.html",
        {
            **context,
            "range_form": range_form,
            "query": f"scope={scope.organisation.pk}&{period.query()}",
            # The scopes a user may report on are those of their dashboard (board_report_scopes): the role decides.
            "can_report": requests_board_reports(request.user),
            "agreements_value": agreements_value(request.user, scope),
        },
    )


@roles_required(*DASHBOARD_ROLES)
def definitions(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "metrics/definitions.html", {"kpis": KPIS.values()})


CSV_HEADER = ["Organisation", "Measure", "Measure code", "Group", "Period", "Value", "Target", "Note"]
MONTH_TO_DATE_NOTE = "Month to date: not complete, not judged against the target"


@roles_required(*DASHBOARD_ROLES)
def export_csv(request: AuthenticatedRequest) -> HttpResponse:
    """Every KPI by month, and the referrals by each breakdown, over the dashboard's range, in words."""
    scope, _ = chosen_scope(request)
    suppress = suppresses_small_numbers(request.user)
    period = chosen_range(request).period()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kpis-{scope.organisation.ods_code}.csv"'
    writer = SafeWriter(response)  # quotes any cell a spreadsheet could run as a formula
    writer.writerow([*CSV_HEADER])
    name = scope.organisation.name
    every = selectors.many_series(list(KPIS), scope, period.months)
    for code, kpi in KPIS.items():
        for row in monthly_rows(kpi, period, every[code], suppress=suppress, scope=scope):
            note = MONTH_TO_DATE_NOTE if row["incomplete"] else ""
            writer.writerow([name, kpi.name, code, "All referrals", row["label"], row["shown"], kpi.target_words, note])
    start, end = period.headline_period
    tables = breakdown_tables(scope, start, end, suppress=suppress)
    if suppress and selectors.period_total_hidden("REFERRALS_RECEIVED", scope, start, end):
        tables = [{**t, "total": SUPPRESSED} for t in tables]
    period_words = f"{start:%B %Y} to {end:%B %Y}"
    for table in tables:
        measure = f"Referrals by {table['label'].lower()}"
        for label, n in [*table["rows"], ("Total", table["total"])]:
            writer.writerow([name, measure, "REFERRALS_RECEIVED", label, period_words, n, "", ""])
    log_access(user=request.user, kind=AccessKind.EXPORT, obj=scope.organisation, reason="KPI table export (CSV)")
    return response


@roles_required(*BOARD_REPORT_ROLES)
def board_reports(request: AuthenticatedRequest) -> HttpResponse:
    scope, _ = chosen_scope(request)
    range_form = chosen_range(request)  # the dashboard's range, carried in the URL
    period = range_form.period()
    query = f"scope={scope.organisation.pk}&{period.query()}"
    form = BoardReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.request_board_report(user=request.user, scope=scope, narrative=form.narrative(), period=period)
        messages.success(request, "The report is being built. You will get a notification when it is ready.")
        return redirect(f"{request.path}?{query}")
    reports = (
        BoardReport.objects.visible_to(request.user).filter(scope=scope.organisation).select_related("requested_by")
    )
    context = {"form": form, "reports": reports, "scope": scope, "period": period, "query": query}
    return render(request, "metrics/board_reports.html", {**context, "range_form": range_form})


@roles_required(*BOARD_REPORT_ROLES)
def download_report(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(BoardReport.objects.visible_to(request.user), pk=pk, status=BoardReportStatus.READY)
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
    record = selectors.survey_by_token(token)
    if record is None or record.answered_at is not None:
        _survey_guessing(request, failed=True)
        return render(request, "metrics/survey_done.html", {"used": record is not None}, status=410 if record else 404)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.answer_survey(survey=record, **form.cleaned_data)
        return render(request, "metrics/survey_done.html", {"thanks": True})
    return render(request, "metrics/survey.html", {"form": form})
