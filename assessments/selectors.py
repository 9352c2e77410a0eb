"""Reads for pre-employment checks, always through `Assessment.objects.visible_to` (one place decides who sees
what). The candidate's own page has no user: it reads through the link's token instead."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User

from .models import Assessment, AssessmentStatus, QuestionnaireResponse


def checks(*, user: User) -> QuerySet[Assessment]:
    return Assessment.objects.visible_to(user)


def recruiter_list(*, user: User) -> QuerySet[Assessment]:
    return checks(user=user).only("pk", "candidate_name", "job_role", "status", "outcome", "cleared_at", "created_at")


def recent_outcomes(*, user: User, days: int = 7) -> QuerySet[Assessment]:
    """Checks whose clearance outcome was given in the last `days` days: the recruiter can act on them."""
    return checks(user=user).filter(
        status=AssessmentStatus.CLEARED, cleared_at__gte=timezone.now() - timedelta(days=days)
    )


def waiting_for_candidate(*, user: User) -> QuerySet[Assessment]:
    return checks(user=user).filter(status=AssessmentStatus.AWAITING_QUESTIONNAIRE)


def review_queue(*, user: User) -> QuerySet[Assessment]:
    """Waiting for a clinician, the longest-waiting first."""
    return (
        checks(user=user)
        .filter(status=AssessmentStatus.AWAITING_REVIEW)
        .select_related("organisation")
        .order_by("questionnaire_completed_at")
    )


def submitted_response(*, user: User, assessment: Assessment) -> QuestionnaireResponse | None:
    """The candidate's submitted answers, for a user who sees the check (the view decides who reads them)."""
    return QuestionnaireResponse.objects.filter(
        assessment__in=checks(user=user), assessment=assessment, submitted_at__isnull=False
    ).first()


def saved_answers(assessment: Assessment) -> QuestionnaireResponse | None:
    """What the candidate saved so far, for the candidate's own page (reached by the link's token)."""
    return QuestionnaireResponse.objects.filter(assessment=assessment).first()
