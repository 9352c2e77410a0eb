import os
import time
from datetime import date, timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from . import rollup_jobs, services
from .models import BoardReport, BoardReportStatus
from .periods import last_months

BOARD_REPORT_SWEEP_AFTER = timedelta(minutes=1)

# The rollups are coordinators: each plans short jobs (one month of every scope, in grouped queries) and queues
# them, so no task runs near the broker's visibility timeout and a worker killed mid-job loses one short job,
# which the broker hands to another worker.


def _fan_out(months: int) -> int:
    jobs = rollup_jobs.plan(last_months(months))
    for job in jobs:
        rollup_month_chunk.delay(list(job.organisation_ids), job.month.isoformat())
    return len(jobs)


@shared_task(time_limit=120, soft_time_limit=100)
def rollup_kpis(months: int = 3) -> int:
    """Nightly: this month and the two before for every scope (late records change them). Returns jobs queued."""
    return _fan_out(months)


@shared_task(time_limit=120, soft_time_limit=100)
def rollup_kpis_full() -> int:
    """Weekly: all 13 months the dashboards show, for corrections to older records."""
    return _fan_out(13)


@shared_task(time_limit=120, soft_time_limit=100)
def rollup_current_month() -> int:
    """Every 10 minutes: this month so far, so that dashboards read it from the rollup too."""
    return _fan_out(1)


@shared_task(acks_late=True, time_limit=900, soft_time_limit=840)
def rollup_month_chunk(organisation_ids: list[int], month: str) -> int:
    """One job of a rollup; idempotent (rows are upserted). Returns the rows written."""
    return rollup_jobs.run(rollup_jobs.RollupJob(tuple(organisation_ids), date.fromisoformat(month)))


@shared_task(time_limit=600, soft_time_limit=540, acks_late=True)
def build_board_report(report_id: int) -> str:
    """Build one report. The row is locked while it is built, so a second copy (the sweep's, a redelivery) skips it."""
    try:
        with transaction.atomic():
            report = BoardReport.objects.select_for_update(skip_locked=True).filter(pk=report_id).first()
            if report is None:
                return "locked or gone"
            if report.status != BoardReportStatus.QUEUED:
                return "nothing to do"
            delay = float(os.environ.get("OHWB_TEST_BUILD_DELAY", "0"))  # fault tests kill a worker here
            if delay:
                time.sleep(delay)
            services.build_board_report_pdf(report)
    except Exception:
        BoardReport.objects.filter(pk=report_id, status=BoardReportStatus.QUEUED).update(
            status=BoardReportStatus.FAILED
        )
        raise
    return "ready"


@shared_task(time_limit=120, soft_time_limit=100)
def sweep_board_reports() -> int:
    """Queue every report asked for more than a minute ago and not built yet (its first publish may have failed,
    or its worker died). Safe twice: a report being built is locked and skipped by the second copy."""
    ids = list(
        BoardReport.objects.filter(
            status=BoardReportStatus.QUEUED, requested_at__lte=timezone.now() - BOARD_REPORT_SWEEP_AFTER
        ).values_list("pk", flat=True)
    )
    for report_id in ids:
        build_board_report.delay(report_id)
    return len(ids)


@shared_task(time_limit=300, soft_time_limit=270)
def chase_surveys() -> int:
    """One chaser, a week after closure, for surveys not answered yet."""
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
            # Locked, and checked again under the lock: a second chaser running now skips this survey rather
            # than replacing the token of a link the first has already queued (which would leave it dead).
            locked = SatisfactionSurvey.objects.select_for_update(skip_locked=True).filter(pk=survey.pk).first()
            if locked is None or OutboxMessage.objects.filter(idempotency_key=key).exists():
                continue
            link = services.reissue_survey_link(locked)
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
