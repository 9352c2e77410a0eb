from celery import shared_task

from . import selectors, services
from .models import BoardReport, BoardReportStatus


@shared_task(time_limit=1800, soft_time_limit=1700)
def rollup_kpis(months: int = 13) -> int:
    """Nightly: recompute the last `months` months for every scope (idempotent: update_or_create)."""
    window = selectors.last_months(months)
    return sum(selectors.rollup(scope, window) for scope in selectors.all_scopes())


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
