"""The demo is a year the services lived through: every case, check and call-off carries the history and
timeline its dates say, and nothing it queued went anywhere."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import escape

from accounts.models import User
from assessments.models import Assessment, AssessmentStatus
from conftest import signed_in_client
from metrics.models import MonthlyKpi
from notifications.models import OutboxMessage, OutboxStatus
from referrals.models import Kind, Referral, Status
from suppliers.models import CallOff, CallOffStatus

pytestmark = pytest.mark.django_db

SAME_MOMENT = timedelta(seconds=1)


def _statuses_with_dates(obj) -> list[tuple[str, object]]:  # type: ignore[no-untyped-def]
    return list(obj.history.order_by("history_date", "history_id").values_list("status", "history_date"))


def test_every_demo_case_has_a_history_row_per_status_and_a_timeline_on_its_page(demo_data):
    started = timezone.now()
    # A draft is not yet a referral: no timeline until it is sent.
    assert Referral.objects.filter(status=Status.DRAFT).exists()
    cases = list(Referral.objects.exclude(status=Status.DRAFT).prefetch_related("events"))
    assert len(cases) > 400
    statuses_seen = set()
    for case in cases:
        history = _statuses_with_dates(case)
        events = list(case.events.order_by("at", "pk"))
        assert events, f"{case.reference} has no timeline"
        # The first history row is how the case began; then one row per status change, at the event's moment.
        assert events[0].from_status == history[0][0]
        for event in events:
            assert any(s == event.to_status and abs(d - event.at) < SAME_MOMENT for s, d in history), (
                f"{case.reference}: no history row for {event.to_status} at {event.at}"
            )
        assert history[-1][0] == case.status
        assert all(d <= started for _, d in history), f"{case.reference} has history in the future"
        assert [e.at for e in events] == sorted(e.at for e in events)
        # When it was last sent: a returned referral sent again counts from then.
        sent = [e.at for e in events if e.to_status == Status.SUBMITTED]
        assert case.submitted_at is not None and abs(case.submitted_at - sent[-1]) < SAME_MOMENT
        if case.accepted_at:
            assert case.submitted_at < case.accepted_at
        if case.closed_at:
            assert case.submitted_at < case.closed_at
            # Only a withdrawn referral may close before OH accepted it (the manager withdrew it in the queue).
            assert case.status == Status.WITHDRAWN or (case.accepted_at and case.accepted_at < case.closed_at)
        statuses_seen.add(case.status)
    # The mix the pages show: queues, caseloads, reports waiting, withheld, returned and closed cases.
    assert {
        Status.SUBMITTED,
        Status.TRIAGED,
        Status.APPOINTMENT_BOOKED,
        Status.ASSESSED,
        Status.AWAITING_CONSENT,
        Status.RELEASED,
        Status.WITHHELD,
        Status.RETURNED_TO_MANAGER,
        Status.CLOSED,
    } <= statuses_seen
    assert Referral.objects.filter(status=Status.RETURNED_TO_MANAGER, dna_count=2).exists()  # two DNAs

    clinician = User.objects.get(username="clinician")
    closed = Referral.objects.filter(status=Status.CLOSED, kind=Kind.MANAGEMENT, oh_service__ods_code="RWAOH")
    case = closed.order_by("pk").first()
    assert case is not None
    page = signed_in_client(clinician).get(f"/referrals/{case.pk}/").content.decode()
    for event in case.events.all():
        stamp = date_format(timezone.localtime(event.at), "j M Y H:i")
        by = f", by {event.by.display_name}" if event.by else ""
        assert escape(f"{stamp}: {event.get_from_status_display()} to {event.get_to_status_display()}{by}") in page
    assert {e.by.username for e in case.events.all() if e.by} == {"manager", "oh_admin", "clinician"}

    # What the demo queued looks delivered, and the test's mailbox shows nothing was sent.
    assert OutboxMessage.objects.exists()
    assert not OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists()
    assert mail.outbox == []
    assert User.objects.get(username="employee").notifications.filter(read_at__isnull=True).exists()

    # The dashboards have a year of figures.
    kpis = MonthlyKpi.objects.filter(scope__ods_code="RWA", value__isnull=False)
    assert kpis.filter(kpi="REFERRALS_RECEIVED").values("month").distinct().count() >= 12
    assert kpis.filter(kpi="WAIT_TO_FIRST_APPT").exists() and kpis.filter(kpi="REPORT_TURNAROUND").exists()


def test_demo_checks_and_call_offs_got_their_state_from_the_services(demo_data):
    checks = list(Assessment.objects.all())
    assert len(checks) == 140
    for check in checks:
        history = _statuses_with_dates(check)
        assert history[0][0] == AssessmentStatus.AWAITING_QUESTIONNAIRE
        assert abs(history[0][1] - check.created_at) < SAME_MOMENT
        assert history[-1][0] == check.status
        if check.questionnaire_completed_at:
            assert any(
                s == AssessmentStatus.AWAITING_REVIEW and abs(d - check.questionnaire_completed_at) < SAME_MOMENT
                for s, d in history
            )
        if check.cleared_at:
            assert check.questionnaire_completed_at and check.questionnaire_completed_at < check.cleared_at
            assert any(s == AssessmentStatus.CLEARED and abs(d - check.cleared_at) < SAME_MOMENT for s, d in history)
    assert {c.status for c in checks} >= {
        AssessmentStatus.AWAITING_QUESTIONNAIRE,
        AssessmentStatus.AWAITING_REVIEW,
        AssessmentStatus.CLEARED,
    }

    # The one in force today (the other is signed and starts next month).
    active = CallOff.objects.get(status=CallOffStatus.ACTIVE, start_date__lte=timezone.localdate())
    assert active.client_signed_at and active.supplier_signed_at
    assert active.created_at < active.client_signed_at < active.supplier_signed_at
    assert active.monthly_returns.count() == 6
    upcoming = CallOff.objects.get(status=CallOffStatus.ACTIVE, start_date__gt=timezone.localdate())
    assert upcoming.client_signed_at and upcoming.supplier_signed_at  # signed by both, not yet in force
