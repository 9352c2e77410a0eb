"""Writes for pre-employment checks: start, questionnaire, immunisations, clearance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.services import queue_message
from ohwb_portal.single_use_links import LinkProblem as LinkProblem  # raised by resolve_link
from ohwb_portal.single_use_links import new_token, usable
from organisations.models import ServiceAssignment, active_membership
from organisations.roles import Role, ServiceLine

from .actions import (
    ANSWERED,
    AssessmentError,
    bbv_refusal,
    check_state,
    check_who,
    extended_expiry,
    live_link,
)
from .models import (
    Assessment,
    AssessmentStatus,
    ClearanceOutcome,
    Immunisations,
    ImmunisationState,
    QuestionnaireLink,
    QuestionnaireResponse,
    hash_token,
)

LINK_LIFETIME = timedelta(days=14)


@dataclass
class StartedCheck:
    assessment: Assessment
    link_url: str


def _issue_link(assessment: Assessment) -> str:
    """A new single-use link (older unused links stop working) and the message that carries it."""
    now = timezone.now()
    assessment.links.filter(used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    raw, token_hash = new_token()
    link = QuestionnaireLink.objects.create(
        assessment=assessment, token_hash=token_hash, expires_at=now + LINK_LIFETIME
    )
    url = reverse("assessments:questionnaire", args=[raw])
    queue_message(
        template="assessments_questionnaire_link",
        idempotency_key=f"questionnaire-link-{link.pk}",
        to_address=assessment.candidate_email,
        context={"organisation": assessment.organisation.name, "expires": f"{link.expires_at:%d %B %Y}"},
        link=url,
        in_portal=False,
    )
    return url


@transaction.atomic
def start_check(
    *,
    recruiter: User,
    candidate_name: str,
    candidate_email: str,
    job_role: str,
    exposure_prone: bool,
    start_date: Any = None,
) -> StartedCheck:
    membership = active_membership(recruiter)
    if membership is None or membership.role != Role.RECRUITER:
        raise PermissionDenied("Only a recruiter can start a pre-employment check.")
    assignment = ServiceAssignment.objects.filter(
        client=membership.organisation, service_line=ServiceLine.PRE_EMPLOYMENT
    ).first()
    if assignment is None:
        raise AssessmentError(
            f"No occupational health service does pre-employment checks for "
            f"{membership.organisation}. Ask your OH service to set this up."
        )
    assessment = Assessment.objects.create(
        organisation=membership.organisation,
        oh_service=assignment.oh_service,
        recruiter=recruiter,
        candidate_name=candidate_name,
        candidate_email=candidate_email,
        job_role=job_role,
        exposure_prone=exposure_prone,
        start_date=start_date,
    )
    return StartedCheck(assessment, _issue_link(assessment))


def resolve_link(raw_token: str) -> QuestionnaireLink:
    link = QuestionnaireLink.objects.select_related("assessment").filter(token_hash=hash_token(raw_token)).first()
    return usable(link)


@transaction.atomic
def save_answers(*, raw_token: str, answers: dict[str, Any], submit: bool) -> QuestionnaireResponse:
    link = resolve_link(raw_token)
    QuestionnaireLink.objects.select_for_update().get(pk=link.pk)
    assessment = link.assessment
    response, _ = QuestionnaireResponse.objects.get_or_create(assessment=assessment)
    response.answers = answers
    if submit:
        now = timezone.now()
        response.submitted_at = now
        link.used_at = now
        link.save(update_fields=["used_at"])
        assessment.status = AssessmentStatus.AWAITING_REVIEW
        assessment.questionnaire_completed_at = now
        assessment.save(update_fields=["status", "questionnaire_completed_at"])
    response.save()
    return response


def _locked(assessment: Assessment) -> Assessment:
    """The check's row, locked and as it is now: two changes at once cannot both start from the same state,
    and a caller's stale copy does not decide what is allowed."""
    return Assessment.objects.select_for_update().get(pk=assessment.pk)


@transaction.atomic
def record_immunisations(*, assessment: Assessment, by: User, **states: str) -> Immunisations:
    check_who(by, assessment, "immunisations")
    assessment = _locked(assessment)
    check_state(assessment, "immunisations")
    if not assessment.exposure_prone:
        states["bbv_clearance"] = ImmunisationState.NOT_REQUIRED
    record, _ = Immunisations.objects.update_or_create(assessment=assessment, defaults={**states, "recorded_by": by})
    return record


@transaction.atomic
def clear(*, assessment: Assessment, by: User, outcome: str, adjustments: str = "") -> Assessment:
    check_who(by, assessment, "clear")
    assessment = _locked(assessment)
    check_state(assessment, "clear")
    clearing = outcome in (ClearanceOutcome.FIT, ClearanceOutcome.FIT_WITH_ADJUSTMENTS)
    if clearing and bbv_refusal(assessment):
        raise AssessmentError(bbv_refusal(assessment))
    if outcome == ClearanceOutcome.FIT_WITH_ADJUSTMENTS and not adjustments.strip():
        raise AssessmentError("Describe the adjustments the recruiting manager needs to make.")
    assessment.outcome = outcome
    assessment.adjustments = adjustments
    assessment.cleared_at = timezone.now()
    assessment.reviewed_by = by
    assessment.status = AssessmentStatus.CLEARED
    assessment.save()
    queue_message(
        template="assessments_outcome_ready",
        idempotency_key=f"assessment-outcome-{assessment.pk}",
        to_user=assessment.recruiter,
        context={"reference": assessment.reference},
        link=reverse("assessments:detail", args=[assessment.pk]),
    )
    return assessment


@transaction.atomic
def clear_nothing_declared(*, assessment: Assessment, by: User) -> Assessment:
    """One step for a questionnaire with nothing declared: fit, no adjustments."""
    check_who(by, assessment, "clear_nothing_declared")
    assessment = _locked(assessment)
    check_state(assessment, "clear_nothing_declared")
    return clear(assessment=assessment, by=by, outcome=ClearanceOutcome.FIT)


@transaction.atomic
def resend_link(*, assessment: Assessment, by: User) -> str:
    """The recruiter (or the OH service's administrator) sends the candidate a new link; the old one stops
    working. What the candidate saved so far stays with the check, so the new link picks up where they were."""
    check_who(by, assessment, "resend_link")
    assessment = _locked(assessment)
    check_state(assessment, "resend_link")
    return _issue_link(assessment)


@transaction.atomic
def extend_link(*, assessment: Assessment, by: User) -> QuestionnaireLink:
    """The candidate's link works a week longer (from now, if it had expired); the candidate is told the new
    date. The link itself is unchanged: the candidate uses the one they have (only its hash is kept, so it
    could not be sent again anyway)."""
    check_who(by, assessment, "extend_link")
    assessment = _locked(assessment)
    check_state(assessment, "extend_link")
    link = QuestionnaireLink.objects.select_for_update().get(pk=live_link(assessment).pk)  # type: ignore[union-attr]
    link.expires_at = extended_expiry(link)
    link.save(update_fields=["expires_at"])
    queue_message(
        template="assessments_questionnaire_extended",
        idempotency_key=f"questionnaire-extended-{link.pk}-{link.expires_at:%Y%m%d%H%M%S}",
        to_address=assessment.candidate_email,
        context={"organisation": assessment.organisation.name, "expires": f"{link.expires_at:%d %B %Y}"},
        in_portal=False,
    )
    return link


@transaction.atomic
def chase_candidate(*, assessment: Assessment) -> str:
    """The reminder the portal itself sends a candidate who has not finished: a new link, the old one revoked."""
    assessment = _locked(assessment)
    if assessment.status != AssessmentStatus.AWAITING_QUESTIONNAIRE:
        raise AssessmentError(ANSWERED)
    return _issue_link(assessment)
