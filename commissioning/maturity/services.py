"""Writes: start a draft, rate a domain (with its evidence files), submit, comment. Each checks `allowed_actions`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .evidence_files import MAX_FILES_PER_DOMAIN
from .models import AssessmentComment, Domain, DomainRating, EvidenceFile, MaturityAssessment, Status
from .rules import Action, MaturityRefused, allowed_actions, assessing_service, may_ever

if TYPE_CHECKING:
    from accounts.models import User


def _require(user: User, assessment: MaturityAssessment, action: Action, refusal: str) -> None:
    if action in allowed_actions(user, assessment):
        return
    if not may_ever(user, assessment, action):
        raise PermissionDenied(refusal)
    raise MaturityRefused(refusal)


def _lock(assessment: MaturityAssessment) -> MaturityAssessment:
    """Read the row again under a lock, so two submissions or an edit racing a submission queue up."""
    return MaturityAssessment.objects.select_for_update().get(pk=assessment.pk)


@transaction.atomic
def start_assessment(*, by: User) -> MaturityAssessment:
    """A new draft for the user's service, each domain starting from the level and evidence last submitted (or the
    draft already open, which is continued rather than duplicated)."""
    service = assessing_service(by)
    if service is None:
        raise PermissionDenied("Only an OH service's administrator or a supplier can assess their service.")
    draft = MaturityAssessment.objects.filter(service=service, status=Status.DRAFT).first()
    if draft is not None:
        return draft
    previous = {
        rating.domain: rating
        for rating in DomainRating.objects.filter(assessment__service=service, assessment__status=Status.SUBMITTED)
    }
    assessment = MaturityAssessment.objects.create(service=service, created_by=by)
    DomainRating.objects.bulk_create(
        DomainRating(
            assessment=assessment,
            domain=domain,
            level=previous[domain].level if domain in previous else "",
            evidence=previous[domain].evidence if domain in previous else "",
        )
        for domain in Domain.values
    )
    return assessment


@transaction.atomic
def rate_domain(
    *,
    assessment: MaturityAssessment,
    by: User,
    domain: str,
    level: str,
    evidence: str,
    uploads: list[tuple[Any, str]] | None = None,
) -> DomainRating:
    """Record a domain's level and evidence, and add files to it ((file, real type) pairs, already checked by
    evidence_files.file_type). All or nothing: a refusal leaves neither the row nor any file."""
    assessment = _lock(assessment)
    _require(by, assessment, Action.EDIT, "Only a draft can be changed, by the service that is assessing itself.")
    rating = assessment.ratings.get(domain=domain)
    uploads = uploads or []
    if rating.files.count() + len(uploads) > MAX_FILES_PER_DOMAIN:
        raise MaturityRefused(
            f"A domain can have up to {MAX_FILES_PER_DOMAIN} evidence files. Remove some or attach fewer.",
            field="documents",
        )
    rating.level, rating.evidence = level, evidence
    rating.save()
    for upload, mime in uploads:
        EvidenceFile.objects.create(
            rating=rating,
            file=upload,
            original_name=upload.name[:200],
            content_type=mime,
            size=upload.size,
            uploaded_by=by,
        )
    return rating


@transaction.atomic
def submit(*, assessment: MaturityAssessment, by: User) -> MaturityAssessment:
    """Date the draft and make it the service's current assessment; the one it replaces becomes superseded."""
    assessment = _lock(assessment)
    _require(by, assessment, Action.SUBMIT, "Only a draft can be submitted, by the service that is assessing itself.")
    missing = [rating.get_domain_display() for rating in assessment.ratings.all() if not rating.level]
    if missing:
        raise MaturityRefused("Choose a level for every domain before you submit. Not rated yet: " + ", ".join(missing))
    current = (
        MaturityAssessment.objects.select_for_update()
        .filter(service_id=assessment.service_id, status=Status.SUBMITTED)
        .first()
    )
    if current is not None:
        current.status, current.superseded_by = Status.SUPERSEDED, assessment
        current.save(update_fields=["status", "superseded_by"])
    assessment.status, assessment.submitted_by, assessment.submitted_at = Status.SUBMITTED, by, timezone.now()
    assessment.save()
    return assessment


@transaction.atomic
def comment(*, assessment: MaturityAssessment, by: User, text: str) -> AssessmentComment:
    _require(
        by,
        assessment,
        Action.COMMENT,
        "Comments are for the current submitted assessment, from a framework administrator or a client.",
    )
    if not text.strip():
        raise MaturityRefused("Enter your comment.", field="text")
    membership = by.active_membership
    assert membership is not None  # allowed_actions needs one
    return AssessmentComment.objects.create(
        assessment=assessment, author=by, organisation=membership.organisation, text=text.strip()
    )
