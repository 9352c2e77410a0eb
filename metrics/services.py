"""Writes for metrics: surveys, board report requests and their PDF."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from celery import current_app
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from commissioning.maturity import presenters as maturity_presenters
from commissioning.maturity import selectors as maturity_selectors
from commissioning.wellbeing_plan import selectors as wellbeing_plan
from notifications.enqueue import enqueue_on_commit
from notifications.services import queue_message

from . import charts
from .agreements_value import report_agreements_value
from .dashboard import dashboard_context
from .models import BoardReport, BoardReportStatus, SatisfactionSurvey
from .periods import MonthRange
from .scopes import Scope, scope_for

if TYPE_CHECKING:
    from accounts.models import User
    from referrals.models import Referral

# Started by name: the tasks call these services, never the other way round (metrics.apps registers them).
BUILD_BOARD_REPORT = "metrics.tasks.build_board_report"


def create_survey_for_case(referral: Referral) -> str | None:
    """A single-use survey link for a closed case; returns the link (None if one exists already)."""
    if SatisfactionSurvey.objects.filter(referral=referral).exists():
        return None
    raw = secrets.token_urlsafe(32)
    SatisfactionSurvey.objects.create(referral=referral, token_hash=hashlib.sha256(raw.encode()).hexdigest())
    return reverse("metrics:survey", args=[raw])


def send_survey_on_close(sender: object, referral: Referral, **kwargs: object) -> None:
    """Listens to referrals' case_closed, in the closing transaction: the service user's single-use survey."""
    if not referral.employee.user:
        return
    survey_link = create_survey_for_case(referral)
    if survey_link:
        queue_message(
            template="referrals_survey_request",
            idempotency_key=f"survey-{referral.pk}",
            to_user=referral.employee.user,
            context={"reference": referral.reference},
            link=survey_link,
            in_portal=False,
        )


@transaction.atomic
def answer_survey(*, survey: SatisfactionSurvey, score: int, comment: str = "") -> SatisfactionSurvey:
    survey = SatisfactionSurvey.objects.select_for_update().get(pk=survey.pk)
    if survey.answered_at is None:
        survey.score, survey.comment, survey.answered_at = score, comment, timezone.now()
        survey.save()
    return survey


@transaction.atomic
def request_board_report(
    *, user: User, scope: Scope, narrative: dict[str, str], period: MonthRange | None = None
) -> BoardReport:
    """A board report of `period` (default: the board's 12 whole months and this month so far), built later."""
    period = period or MonthRange.default()
    report = BoardReport.objects.create(
        scope=scope.organisation,
        year_ending=timezone.localdate(),
        first_month=period.first,
        last_month=period.last,
        narrative=narrative,
        requested_by=user,
    )
    # Stored first: if the broker is down or frozen, sweep_board_reports builds it within a few minutes.
    enqueue_on_commit(current_app.tasks[BUILD_BOARD_REPORT], report.pk)
    return report


def build_board_report_pdf(report: BoardReport) -> BoardReport:
    """Render the dashboard figures (suppressed as for the board) and the narrative to a PDF."""
    from weasyprint import HTML

    if report.status == BoardReportStatus.READY:
        return report
    scope = scope_for(report.scope)
    scopes = [scope] + ([scope_for(m) for m in report.scope.members.order_by("name")] if scope.kind == "ics" else [])

    # Figures exactly as a board member sees them: small numbers suppressed, over the range asked for.
    period = None
    if report.first_month and report.last_month:
        period = MonthRange(report.first_month, report.last_month, timezone.localdate())
    context = dashboard_context(scope, scopes, suppress=True, period=period)
    html = render_to_string(
        "metrics/board_report_pdf.html",
        {
            **context,
            "report": report,
            "month_to_date": charts.MONTH_TO_DATE,
            "wellbeing_plan": wellbeing_plan.for_report(report.scope),
            "maturity": maturity_presenters.report_sections(maturity_selectors.report_history(report.scope)),
            "agreements_value": report_agreements_value(scope),
        },
    )
    # Tagged for assistive technology (PDF/UA-1): headings, tables and figures are in the structure tree.
    pdf = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    report.pdf.save(f"annual-wellbeing-report-{report.pk}.pdf", ContentFile(pdf), save=False)
    report.status = BoardReportStatus.READY
    report.finished_at = timezone.now()
    report.save()
    queue_message(
        template="metrics_board_report_ready",
        idempotency_key=f"board-report-ready-{report.pk}",
        to_user=report.requested_by,
        link=f"{reverse('metrics:board_reports')}?scope={report.scope_id}",
    )
    return report


def reissue_survey_link(survey: SatisfactionSurvey) -> str:
    """A fresh link for the one chaser (only the hash is stored, so the old link cannot be re-sent)."""
    raw = secrets.token_urlsafe(32)
    survey.token_hash = hashlib.sha256(raw.encode()).hexdigest()
    survey.save(update_fields=["token_hash"])
    return reverse("metrics:survey", args=[raw])
