"""Reminders for checks: reviews waiting too long, and candidates who have not finished."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.services import queue_message
from organisations.models import Membership
from organisations.roles import Role

from . import presenters, services
from .models import Assessment, AssessmentStatus

CANDIDATE_CHASE_AFTER = timedelta(days=5)


@shared_task(time_limit=300, soft_time_limit=270)
def alert_overdue_reviews() -> int:
    queued = 0
    waiting = Assessment.objects.filter(status=AssessmentStatus.AWAITING_REVIEW)
    for assessment in waiting:
        if not presenters.is_overdue(assessment):
            continue
        for membership in Membership.objects.filter(
            organisation=assessment.oh_service, role__in=[Role.OH_ADMIN, Role.CLINICIAN]
        ):
            message = queue_message(
                template="assessments_review_overdue",
                idempotency_key=f"review-overdue-{assessment.pk}-{membership.user_id}",
                to_user=membership.user,
                context={"reference": assessment.reference},
                link=reverse("assessments:detail", args=[assessment.pk]),
            )
            queued += message is not None
    return queued


@shared_task(time_limit=300, soft_time_limit=270)
def chase_candidates() -> int:
    """One chaser with a fresh link to candidates who have not finished after 5 days."""
    cutoff = timezone.now() - CANDIDATE_CHASE_AFTER
    chased = 0
    due = Assessment.objects.filter(status=AssessmentStatus.AWAITING_QUESTIONNAIRE, created_at__lte=cutoff)
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            # Locked and checked again under the lock: a second chaser running now skips this check rather than
            # revoking the link the first has just e-mailed.
            assessment = due.select_for_update(skip_locked=True).filter(pk=pk).first()
            if assessment is None or assessment.links.count() > 1:
                continue  # another chaser has it, or it was chased once already
            services.chase_candidate(assessment=assessment)
        chased += 1
    return chased
