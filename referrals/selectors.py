"""Reads for cases, always through `Referral.objects.visible_to` (one place decides who sees what)."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, IntegerField, QuerySet, Sum, Value, When

from accounts.models import User
from organisations.models import Employee, active_membership
from organisations.roles import Role

from .models import (
    OPEN_STATUSES,
    URGENT_FIRST,
    AdjustmentFollowUp,
    Appointment,
    Attachment,
    ClinicalNote,
    Measures,
    OutcomeReport,
    Referral,
    Status,
)


def _cases(user: User) -> QuerySet[Referral]:
    return Referral.objects.visible_to(user).select_related("employee", "organisation")


def manager_referrals(*, user: User) -> QuerySet[Referral]:
    return _cases(user).order_by("-created_at")


def employee_cases(*, user: User) -> QuerySet[Referral]:
    return _cases(user).order_by("-created_at")


def triage_queue(*, user: User) -> QuerySet[Referral]:
    """Waiting for triage: urgent requests first, then the oldest."""
    urgent_first = Case(When(urgent_requested=True, then=Value(0)), default=Value(1), output_field=IntegerField())
    return _cases(user).filter(status=Status.SUBMITTED).order_by(urgent_first, "submitted_at")


def caseload(*, user: User, filters: dict[str, Any]) -> QuerySet[Referral]:
    cases = _cases(user).filter(status__in=OPEN_STATUSES)
    if filters.get("status"):
        cases = cases.filter(status=filters["status"])
    if filters.get("priority"):
        cases = cases.filter(priority=filters["priority"])
    if filters.get("reason"):
        cases = cases.filter(reason_category=filters["reason"])
    if filters.get("mine"):
        cases = cases.filter(appointments__clinician=user).distinct()
    return cases.order_by(URGENT_FIRST, "submitted_at")


def referable_staff(*, user: User) -> QuerySet[Employee]:
    return Employee.objects.visible_to(user).order_by("last_name", "first_name")


def report_versions(*, user: User, referral: Referral) -> QuerySet[OutcomeReport]:
    """The versions of a case's report this user may read, newest first, each with `is_earlier`."""
    return (
        OutcomeReport.objects.visible_to(user)
        .filter(referral=referral)
        .with_is_earlier()
        .prefetch_related("consent_decisions")
        .order_by("-version")
    )


def shown_report(*, user: User, referral: Referral) -> OutcomeReport | None:
    """The version a user is shown on the case: the newest they may read. For the manager that is the newest
    released version; while a later one is being written or decided, or was withheld, it is marked earlier."""
    return report_versions(user=user, referral=referral).first()


def awaiting_decision(*, user: User, referral: Referral) -> QuerySet[OutcomeReport]:
    """The version waiting for the employee's decision (empty when none is)."""
    return OutcomeReport.objects.visible_to(user).awaiting_decision().filter(referral=referral)


def followed_up_report(*, user: User, referral: Referral) -> QuerySet[OutcomeReport]:
    """The released version whose adjustments the manager records: the newest one released to them."""
    return OutcomeReport.objects.visible_to(user).latest_released().filter(referral=referral)


def shows_adjustment_answers(user: User) -> bool:
    """Who reads the manager's answers on adjustments: that manager and the clinicians of the service
    (PRODUCT section 3); OH admins and the employee do not."""
    membership = active_membership(user)
    return membership is not None and membership.role in (Role.MANAGER, Role.CLINICIAN)


def adjustment_answers(*, user: User, referral: Referral) -> QuerySet[AdjustmentFollowUp]:
    """The answers on the adjustments of the report the manager follows up, for a user who reads them."""
    if not shows_adjustment_answers(user):
        return AdjustmentFollowUp.objects.none()
    return AdjustmentFollowUp.objects.filter(
        report__in=followed_up_report(user=user, referral=referral)
    ).select_related("answered_by")


def reads_clinical_record(*, user: User, referral: Referral) -> bool:
    """Whether this user may read the case's clinical notes and measures."""
    return Referral.objects.clinical_record_visible_to(user).filter(pk=referral.pk).exists()


def clinical_notes(*, user: User, referral: Referral) -> QuerySet[ClinicalNote]:
    """The case's clinical notes this user may read (none unless `reads_clinical_record`)."""
    return ClinicalNote.objects.visible_to(user).filter(referral=referral)


def measures(*, user: User, referral: Referral) -> QuerySet[Measures]:
    return Measures.objects.visible_to(user).filter(referral=referral)


def attachments(*, user: User, referral: Referral) -> QuerySet[Attachment]:
    return Attachment.objects.visible_to(user).filter(referral=referral)


def appointments(*, user: User, referral: Referral | None = None) -> QuerySet[Appointment]:
    visible = Appointment.objects.visible_to(user)
    return visible if referral is None else visible.filter(referral=referral)


def clinicians_of(referral: Referral) -> QuerySet[User]:
    """Who an appointment on this case can be booked with: the clinicians of its OH service."""
    return User.objects.filter(
        memberships__organisation=referral.oh_service, memberships__role=Role.CLINICIAN
    ).order_by("last_name")


def users() -> QuerySet[User]:
    """Any user, for an API request that names one by id; whether they fit is the service's rule."""
    return User.objects.all()


def stored_attachments(referral: Referral) -> tuple[int, int]:
    """How many documents the referral has, and their bytes: what its limits count from."""
    stored = referral.attachments.aggregate(count=Count("pk"), size=Sum("size"))
    return stored["count"], stored["size"] or 0
