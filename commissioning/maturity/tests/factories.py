"""Assessments made through the services, in any state, for tests and the authorization sweep."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from accounts.models import User
from commissioning.maturity import services
from commissioning.maturity.models import Domain, Level, MaturityAssessment

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "policy.pdf") -> ContentFile:
    return ContentFile(PDF, name=name)


def assessment_by(author: User, state: str = "submitted", level: str = Level.CORE, with_file: bool = False) -> Any:
    """An assessment of the author's service in `state` (draft, ready, submitted or superseded), every domain at
    `level` (a draft: every domain but the last; ready: a draft with every domain rated). Superseded: submitted,
    then replaced by a newer submission."""
    if state == "superseded":
        first = assessment_by(author, "submitted", level, with_file)
        assessment_by(author, "submitted", level)
        return MaturityAssessment.objects.get(pk=first.pk)
    draft = services.start_assessment(by=author)
    domains = Domain.values if state != "draft" else Domain.values[:-1]
    for index, domain in enumerate(domains):
        # A continued draft keeps its files: one per assessment is enough, however often it is asked for.
        needs_file = with_file and index == 0 and not draft.ratings.filter(domain=domain, files__isnull=False).exists()
        uploads = [(pdf(), "application/pdf")] if needs_file else []
        services.rate_domain(
            assessment=draft, by=author, domain=domain, level=level, evidence=f"Evidence for {domain}", uploads=uploads
        )
    if state in ("draft", "ready"):
        return draft
    return services.submit(assessment=draft, by=author)
