from celery import shared_task

from . import selectors, services
from .models import BoardReport, BoardReportStatus


@shared_task(time_limit=1800, soft_time_limit=1700)
def rollup_kpis(months: int = 3) -> int:
    """Nightly: recompute this month and the two before for every scope (late records change them).
    Idempotent: each row is upserted. At 1 million cases on 2 cores: about 6 minutes (docs/PERFORMANCE.md)."""
    return selectors.rollup_all(selectors.last_months(months))


@shared_task(time_limit=3 * 3600, soft_time_limit=3 * 3600 - 300)
def rollup_kpis_full() -> int:
    """Weekly: all 13 months the dashboards show, for corrections to older records (about 30 minutes at 1M)."""
    return selectors.rollup_all(selectors.last_months(13))


@shared_task(time_limit=540, soft_time_limit=500)
def rollup_current_month() -> int:
    """Every 10 minutes: this month so far, so that dashboards read it from the rollup too."""
    return selectors.rollup_all(selectors.last_months(1))


@shared_task(time_limit=600, soft_time_limit=540, acks_late=True)
def build_board_report(report_id: int) -> str:
    report = BoardReport.objects.filter(pk=report_id).first()
    if report is None or report.status == BoardReportStatus.READY:
        return "nothing to do"
    try:
        services.build_board_report_pdf(report)
    except Exception:
        BoardReport.objects.filter(pk=report_id).update(status=BoardReportStatus.FAILED)
        raise
    return "ready"


@shared_task(time_limit=300)
def chase_surveys() -> int:
    """One chaser, a week after closure, for surveys not answered yet."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from notifications.models import OutboxMessage
    from notifications.services import queue_message

    from .models import SatisfactionSurvey

    cutoff = timezone.now() - timedelta(days=7)
    chased = 0
    waiting = SatisfactionSurvey.objects.filter(
        answered_at__isnull=True, sent_at__lte=cutoff, referral__employee__user__isnull=False
    ).select_related("referral__employee__user")
    for survey in waiting:
        key = f"survey-chaser-{survey.pk}"
        if OutboxMessage.objects.filter(idempotency_key=key).exists():
            continue
        with transaction.atomic():
            link = services.reissue_survey_link(survey)
            queue_message(
                template="referrals_survey_request",
                idempotency_key=key,
                to_user=survey.referral.employee.user,
                context={"reference": survey.referral.reference},
                link=link,
                in_portal=False,
            )
        chased += 1
    return chased
