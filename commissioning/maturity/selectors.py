"""Reads, always through `visible_to`: assessments, their files, a service's history, and the latest levels the
supplier directory shows beside accreditation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from organisations.models import Organisation

from .models import SERVICE_KINDS, EvidenceFile, MaturityAssessment, Status, clients_condition

if TYPE_CHECKING:
    from accounts.models import User


def assessments(user: User) -> QuerySet[MaturityAssessment]:
    return (
        MaturityAssessment.objects.visible_to(user)
        .select_related("service", "submitted_by")
        .prefetch_related("ratings")
    )


def assessment(user: User, pk: int) -> MaturityAssessment:
    """One assessment this user sees (another organisation's is a 404), with its files and comments."""
    return get_object_or_404(
        assessments(user).prefetch_related("ratings__files", "comments__author", "comments__organisation"), pk=pk
    )


def evidence_file(user: User, pk: int) -> EvidenceFile:
    return get_object_or_404(
        EvidenceFile.objects.filter(rating__assessment__in=MaturityAssessment.objects.visible_to(user)), pk=pk
    )


def services(user: User) -> QuerySet[Organisation]:
    """The services whose assessments this user sees, each with its assessments (`seen`, newest first)."""
    seen = assessments(user)
    return (
        Organisation.objects.filter(maturity_assessments__in=seen)
        .distinct()
        .prefetch_related(Prefetch("maturity_assessments", queryset=seen, to_attr="seen"))
        .order_by("name")
    )


def service(user: User, pk: int) -> Organisation:
    return get_object_or_404(services(user), pk=pk)


def history(user: User, service: Organisation) -> list[MaturityAssessment]:
    """The service's submitted assessments (current and superseded) this user sees, oldest first."""
    return list(assessments(user).filter(service=service).exclude(status=Status.DRAFT).order_by("submitted_at", "pk"))


def open_draft(user: User, service: Organisation | None) -> MaturityAssessment | None:
    if service is None:
        return None
    return assessments(user).filter(service=service, status=Status.DRAFT).first()


CURRENT_ASSESSMENT = "current_maturity"


def current_assessment_prefetch(lookup: str) -> Prefetch:
    """For a list of organisations reached by `lookup` (e.g. a supplier's "organisation"): each one's current
    submitted assessment with its ratings, as `<organisation>.current_maturity` (a list of none or one). Two queries
    whatever the number of rows. Only the levels are shown from it, which every directory reader may see."""
    current = MaturityAssessment.objects.submitted().prefetch_related("ratings")
    return Prefetch(f"{lookup}__maturity_assessments", queryset=current, to_attr=CURRENT_ASSESSMENT)


def report_history(organisation: Organisation) -> list[tuple[Organisation, list[MaturityAssessment]]]:
    """For an organisation's board report: each service serving it (a trust's, or an ICS members'), or the service
    itself when the report is an OH service's, with its submitted assessments oldest first. The report is built in
    the background for the organisation that asked, not for a user, so this reads by organisation."""
    whose = Q(service=organisation) if organisation.kind in SERVICE_KINDS else clients_condition(organisation)
    made = (
        MaturityAssessment.objects.exclude(status=Status.DRAFT)
        .filter(whose)
        .distinct()
        .select_related("service")
        .prefetch_related("ratings")
        .order_by("service__name", "submitted_at", "pk")
    )
    grouped: dict[int, tuple[Organisation, list[MaturityAssessment]]] = {}
    for row in made:
        grouped.setdefault(row.service_id, (row.service, []))[1].append(row)
    return list(grouped.values())
