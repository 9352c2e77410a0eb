"""Reminders and chasers for cases. Each is idempotent: the outbox key makes a second run send nothing."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.models import OutboxMessage
from notifications.services import queue_message
from organisations.models import Membership
from organisations.roles import Role

from . import service_levels, services
from .actions import OWN_SCORE_AFTER_CLOSURE
from .models import (
    AdjustmentStatus,
    Appointment,
    AppointmentStatus,
    MeasureStage,
    OutcomeReport,
    Referral,
    Status,
)

CONSENT_CHASE_AFTER = timedelta(days=5)
ADJUSTMENT_CHASE_AFTER = timedelta(weeks=4)
CLOSURE_CHASE_AFTER = timedelta(days=7)
REMINDERS = {"2d": timedelta(days=2), "2h": timedelta(hours=2)}


@shared_task(time_limit=300, soft_time_limit=270)
def send_appointment_reminders() -> int:
    now = timezone.now()
    queued = 0
    for label, ahead in REMINDERS.items():
        due = Appointment.objects.filter(
            status=AppointmentStatus.BOOKED,
            start__gt=now,
            start__lte=now + ahead,
            referral__employee__user__isnull=False,
        ).select_related("referral__employee__user")
        for appointment in due:
            employee = appointment.referral.employee
            message = queue_message(
                template="referrals_appointment_reminder",
                idempotency_key=f"appt-reminder-{label}-{appointment.pk}",
                to_user=employee.user,
                to_address=employee.email or (employee.user.email if employee.user else ""),
                context={
                    "when": f"{timezone.localtime(appointment.start):%A %d %B %Y at %H:%M}",
                    "how": appointment.get_modality_display(),
                    "where": appointment.location,
                },
                link=reverse("referrals:detail", args=[appointment.referral_id]),
            )
            queued += message is not None
    return queued


@shared_task(time_limit=300, soft_time_limit=270)
def alert_overdue_triage() -> int:
    queued = 0
    for referral in Referral.objects.filter(service_levels.triage_overdue()).select_related("oh_service"):
        for membership in Membership.objects.filter(organisation=referral.oh_service, role=Role.OH_ADMIN):
            message = queue_message(
                template="referrals_triage_overdue",
                idempotency_key=f"triage-overdue-{referral.pk}-{referral.submitted_at:%Y%m%d%H%M}-{membership.user_id}",
                to_user=membership.user,
                context={"reference": referral.reference},
                link=reverse("referrals:detail", args=[referral.pk]),
            )
            queued += message is not None
    return queued


@shared_task(time_limit=300, soft_time_limit=270)
def chase_consent() -> int:
    cutoff = timezone.now() - CONSENT_CHASE_AFTER
    queued = 0
    for report in (
        OutcomeReport.objects.awaiting_decision()
        .filter(sent_for_consent_at__lte=cutoff, referral__employee__user__isnull=False)
        .select_related("referral__employee__user")
    ):
        message = queue_message(
            template="referrals_consent_chaser",
            idempotency_key=f"consent-chaser-{report.pk}-{report.sent_for_consent_at:%Y%m%d%H%M}",
            to_user=report.referral.employee.user,
            link=reverse("referrals:consent", args=[report.referral_id]),
        )
        queued += message is not None
    return queued


@shared_task(time_limit=300, soft_time_limit=270)
def chase_adjustments() -> int:
    cutoff = timezone.now() - ADJUSTMENT_CHASE_AFTER
    reports = (
        # Only the newest released version: its adjustments are the ones the manager's page asks about.
        OutcomeReport.objects.latest_released()
        .filter(
            released_at__lte=cutoff,
            follow_ups__status=AdjustmentStatus.PENDING,
            referral__referred_by__isnull=False,
        )
        .distinct()
        .select_related("referral__referred_by")
    )
    queued = 0
    for report in reports:
        message = queue_message(
            template="referrals_adjustment_chaser",
            idempotency_key=f"adjustment-chaser-{report.pk}",
            to_user=report.referral.referred_by,
            context={"reference": report.referral.reference},
            link=reverse("referrals:adjustments", args=[report.referral_id]),
        )
        queued += message is not None
    return queued


@shared_task(time_limit=300, soft_time_limit=270)
def chase_end_measures() -> int:
    """One chaser, a week after closure, when no end measures were recorded: a single-use link to the work ability
    question. Not for cases closed longer ago than the employee may still answer (actions.OWN_SCORE_AFTER_CLOSURE)."""
    now = timezone.now()
    due = Referral.objects.filter(
        status=Status.CLOSED,
        closed_at__lte=now - CLOSURE_CHASE_AFTER,
        closed_at__gt=now - OWN_SCORE_AFTER_CLOSURE,
        employee__user__isnull=False,
        anonymised_at=None,
    ).exclude(measures__stage=MeasureStage.CLOSURE)
    queued = 0
    for pk in list(due.values_list("pk", flat=True)):
        key = f"end-measures-chaser-{pk}"
        if OutboxMessage.objects.filter(idempotency_key=key).exists():
            continue
        with transaction.atomic():
            # Locked and checked again under the lock: a second chaser running now skips this case rather than
            # replacing the link the first has just queued (which would leave it dead).
            referral = due.select_for_update(skip_locked=True, of=("self",)).filter(pk=pk).first()
            if referral is None or OutboxMessage.objects.filter(idempotency_key=key).exists():
                continue
            link, issued = services.issue_measures_link(referral, stage=MeasureStage.CLOSURE)
            queue_message(
                template="referrals_end_measures_request",
                idempotency_key=key,
                to_user=referral.employee.user,
                context={"reference": referral.reference, "expires": f"{issued.expires_at:%d %B %Y}"},
                link=link,
            )
        queued += 1
    return queued
